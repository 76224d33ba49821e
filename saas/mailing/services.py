"""Mailing: templates checked against their module's fields, the tenant's SMTP server, emails about records.

An email about a record is stored first (status pending) in the caller's transaction, and sent by a job queued
on commit: a rolled-back operation sends nothing, and a mail server that is down is retried, then the failure
is kept on the email and in the record's history.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.access import rights
from saas.access.enums import Action
from saas.core import outbound
from saas.mailing import crypto, delivery, error_codes, merge
from saas.mailing.enums import EmailStatus, SmtpSecurity
from saas.mailing.models import EmailTemplate, SentEmail, SmtpSettings
from saas.mailing.selectors import smtp_settings_get
from saas.records import registry
from saas.records.enums import RecordSource
from saas.records.services.records import write_check

MAX_ATTEMPTS = 5
RETRY_SECONDS = 60  # the wait before the second attempt, doubled at each further one


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _address(field: str, value: str) -> str:
    value = (value or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        raise _refuse(field, _("Not an email address: %(value)s.") % {"value": value},
                      error_codes.ADDRESS_INVALID) from None
    return value


def _merge_check(model, field: str, text: str) -> None:
    try:
        merge.check(model, text)
    except merge.MergeError as error:
        if error.unknown:
            raise _refuse(field, _("Unknown merge field: %(fields)s.") % {"fields": ", ".join(error.unknown)},
                          error_codes.MERGE_FIELD_UNKNOWN) from None
        raise _refuse(field, _("Only merge fields such as {{ account.name }} are allowed here (%(detail)s).")
                      % {"detail": error}, error_codes.TEMPLATE_INVALID) from None


def email_template_save(*, actor, template: EmailTemplate | None = None, module: str, name: str, subject: str,
                        body: str) -> EmailTemplate:
    """Create or change a template; a merge field its module's records do not have is refused
    (`merge_field_unknown`, listing them), and so is anything but text and merge fields (`template_invalid`)."""
    record_type = registry.get(module)
    if record_type is None:
        raise _refuse("module", _("Unknown module."), error_codes.MODULE_UNKNOWN)
    name, subject = (name or "").strip(), (subject or "").strip()
    if not name:
        raise _refuse("name", _("A template needs a name."), error_codes.NAME_REQUIRED)
    _merge_check(record_type.model, "subject", subject)
    _merge_check(record_type.model, "body", body or "")
    template = template or EmailTemplate(created_by=actor)
    template.module, template.name, template.subject, template.body = module, name, subject, body or ""
    template.updated_by, template.updated_at = actor, timezone.now()
    template.full_clean()
    template.save()
    return template


def email_template_delete(*, actor, template: EmailTemplate) -> None:
    """Delete a template; emails sent from it keep their text."""
    template.delete()


def smtp_settings_save(*, actor, host: str, port: int, username: str, password: str | None, security: str,
                       from_address: str) -> SmtpSettings:
    """Set the tenant's SMTP server; `password` None keeps the stored one, "" removes it. Stored encrypted. A host
    resolving to a local, private or reserved address is refused (`address_not_allowed`)."""
    host = (host or "").strip()
    if not host:
        raise _refuse("host", _("Name the mail server."), error_codes.SMTP_INVALID)
    if not 0 < port < 65536:
        raise _refuse("port", _("A port is a number from 1 to 65535."), error_codes.SMTP_INVALID)
    if security not in SmtpSecurity.values:
        raise _refuse("security", _("Unknown security mode."), error_codes.SMTP_INVALID)
    if outbound.refused(host, port):
        raise _refuse("host", outbound.NOT_ALLOWED_MESSAGE, error_codes.ADDRESS_NOT_ALLOWED)
    smtp = SmtpSettings.objects.select_for_update().order_by("pk").first() or SmtpSettings()
    smtp.host, smtp.port, smtp.username, smtp.security = host, port, (username or "").strip(), security
    smtp.from_address = _address("fromAddress", from_address)
    if password is not None:
        smtp.password_encrypted = crypto.encrypt(password) if password else ""
    smtp.updated_by, smtp.updated_at = actor, timezone.now()
    smtp.full_clean()
    smtp.save()
    return smtp


def smtp_settings_delete(*, actor) -> None:
    """Forget the tenant's SMTP server: its mail goes through the platform's again."""
    SmtpSettings.objects.all().delete()


def smtp_test(*, actor, to: str) -> None:
    """Send a test email now, through the tenant's server (or the platform's); a failure is refused with its
    cause: `smtp_connection_failed` (the same whether the port is closed, filtered or silent), `smtp_auth_failed`,
    `smtp_refused`, or `address_not_allowed` when the host now resolves to a refused address."""
    to = _address("to", to)
    delivery.send(smtp=smtp_settings_get(), to=to, subject=_("Test email"),
                  body=_("This email was sent to test the outgoing mail settings of %(tenant)s.")
                  % {"tenant": connection.tenant.name})


def _hidden_fields_check(actor, model, paths) -> None:
    """A template may not carry into an email a field the sender may not see."""
    for path in paths:
        for owner, name in merge.path_fields(model, path):
            record_type = registry.find_for_model(owner)
            if record_type is not None and name in rights.field_access(actor, record_type.key)[0]:
                raise _refuse("templateId", _("This template shows a field you may not see: %(field)s.")
                              % {"field": ".".join(path)}, error_codes.FIELD_HIDDEN)


def record_email_send(*, actor, record, template: EmailTemplate, to: str,
                      source: str = RecordSource.MANUAL) -> SentEmail:
    """Write an email from a template of the record's module and send it once the transaction commits; it is kept
    on the record (pending, then sent or failed) and shows in its history."""
    module = registry.for_model(type(record)).key
    write_check(actor, record, Action.EDIT)
    if template.module != module:
        raise _refuse("templateId", _("This template is for another module."), error_codes.NOT_FOUND)
    to = _address("to", to)
    model = type(record)
    _hidden_fields_check(actor, model, merge.parse(template.subject).paths | merge.parse(template.body).paths)
    # Headers are one line: a merged value with a line break must not start a new header.
    subject = " ".join(merge.render(record, template.subject).split())
    email = SentEmail.objects.create(ref_id=record.ref_id, template=template, to=to, subject=subject,
                                     body=merge.render(record, template.body), source=source,
                                     created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _schedule(email, seconds=0)
    return email


def _schedule(email: SentEmail, *, seconds: float) -> None:
    from saas.mailing.tasks import sent_email_deliver

    schema_name = connection.schema_name
    transaction.on_commit(lambda: sent_email_deliver.configure(schedule_in={"seconds": seconds}).defer(
        schema_name=schema_name, sent_email_id=email.pk))


def sent_email_deliver_attempt(*, sent_email_id: int) -> SentEmail | None:
    """One attempt at sending a pending email; a failure schedules the next after RETRY_SECONDS × 2^(n-1), until
    MAX_ATTEMPTS, then the email is failed with the last error. None when it is no longer pending."""
    email = SentEmail.objects.select_for_update().filter(pk=sent_email_id, status=EmailStatus.PENDING).first()
    if email is None:  # sent or given up already: a job run twice sends once
        return None
    email.attempts += 1
    try:
        delivery.send(smtp=smtp_settings_get(), to=email.to, subject=email.subject, body=email.body)
    except ValidationError as error:
        email.error = " ".join(error.messages)
        # A refused address is not an outage: retrying would only ask the same of the same guard.
        if email.attempts >= MAX_ATTEMPTS or getattr(error, "code", None) == error_codes.ADDRESS_NOT_ALLOWED:
            email.status = EmailStatus.FAILED
        else:
            _schedule(email, seconds=RETRY_SECONDS * 2 ** (email.attempts - 1))
    else:
        email.status, email.error, email.sent_at = EmailStatus.SENT, "", timezone.now()
    email.save(update_fields=["attempts", "status", "error", "sent_at"])
    return email
