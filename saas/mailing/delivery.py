"""Outgoing mail: through the tenant's SMTP server when it has one, else through the platform's EMAIL_BACKEND;
SMTP failures turned into coded, readable refusals.

A tenant's server is reached through saas.core.outbound (never a local, private or reserved address). Whether
its port is closed, filtered or silent, the refusal is the same (`smtp_connection_failed`, no detail): the test
send must not serve to map which ports answer on the hosts it may reach.
"""

import smtplib
import ssl

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

from saas.core import outbound
from saas.mailing import crypto, error_codes
from saas.mailing.enums import SmtpSecurity
from saas.mailing.models import SmtpSettings


def connection_for(smtp: SmtpSettings | None):
    if smtp is None:
        return get_connection(fail_silently=False)
    # SMTP_TIMEOUT: a server that does not answer fails the attempt, it does not hold a worker.
    return get_connection(
        "saas.core.outbound.EmailBackend", fail_silently=False, host=smtp.host, port=smtp.port,
        username=smtp.username or None,
        password=crypto.decrypt(smtp.password_encrypted) if smtp.password_encrypted else None,
        use_tls=smtp.security == SmtpSecurity.STARTTLS, use_ssl=smtp.security == SmtpSecurity.SSL,
        timeout=settings.SMTP_TIMEOUT)


def send(*, smtp: SmtpSettings | None, to: str, subject: str, body: str) -> None:
    """Send one plain-text email; ValidationError with an smtp_* code and a readable message when it fails."""
    from_address = smtp.from_address if smtp is not None else settings.DEFAULT_FROM_EMAIL
    try:
        EmailMessage(subject=subject, body=body, from_email=from_address, to=[to],
                     connection=connection_for(smtp)).send()
    except outbound.AddressNotAllowed:
        raise ValidationError(outbound.NOT_ALLOWED_MESSAGE, code=error_codes.ADDRESS_NOT_ALLOWED) from None
    except smtplib.SMTPAuthenticationError as error:
        raise ValidationError(_("The mail server refused the username or password (%(detail)s).")
                              % {"detail": _detail(error)}, code=error_codes.SMTP_AUTH_FAILED) from None
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected) as error:
        raise _unreachable(smtp, error if smtp is None else None) from None
    except smtplib.SMTPException as error:
        raise ValidationError(_("The mail server refused the email (%(detail)s).") % {"detail": _detail(error)},
                              code=error_codes.SMTP_REFUSED) from None
    except ssl.SSLError as error:  # the server answered: its TLS failed (a certificate for another name...)
        raise _unreachable(smtp, error) from None
    except OSError as error:  # refused, timed out, unknown host, unreachable network
        raise _unreachable(smtp, error if smtp is None else None) from None


def _unreachable(smtp: SmtpSettings | None, error: Exception | None = None) -> ValidationError:
    """`smtp_connection_failed`; for a tenant's server, without the cause unless TLS failed (see the module)."""
    if error is None:
        return ValidationError(_("Could not reach the mail server %(server)s.") % {"server": _server(smtp)},
                               code=error_codes.SMTP_CONNECTION_FAILED)
    return ValidationError(_("Could not reach the mail server %(server)s (%(detail)s).")
                           % {"server": _server(smtp), "detail": _detail(error)},
                           code=error_codes.SMTP_CONNECTION_FAILED)


def _server(smtp: SmtpSettings | None) -> str:
    return f"{smtp.host}:{smtp.port}" if smtp is not None else _("of the platform")


def _detail(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) \
            else str(error.smtp_error)
        return f"{error.smtp_code} {message}"
    return str(error) or type(error).__name__
