"""Reads of mailing: templates and SMTP settings (admins, checked by the API), the emails sent about a record."""

from django.db.models import QuerySet

from saas.mailing.models import EmailTemplate, SentEmail, SmtpSettings


def email_template_list(*, module: str | None = None) -> QuerySet[EmailTemplate]:
    """The tenant's templates, of one module when given."""
    templates = EmailTemplate.objects.all()
    return templates.filter(module=module) if module else templates


def email_template_get(*, template_id) -> EmailTemplate | None:
    return EmailTemplate.objects.filter(pk=template_id).first() if template_id else None


def smtp_settings_get() -> SmtpSettings | None:
    """The tenant's own SMTP server, or None: the platform's EMAIL_BACKEND sends its mail."""
    return SmtpSettings.objects.order_by("pk").first()


def sent_email_list(*, record) -> QuerySet[SentEmail]:
    """The emails sent (or being sent) about a record the caller has already found visible, newest first."""
    return SentEmail.objects.filter(ref_id=record.ref_id)
