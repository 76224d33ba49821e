"""Reads of mailing: templates and SMTP settings (admins, checked by the API), the emails sent about a record and
the address they go to by default."""

from django.db.models import QuerySet

from saas.access.visibility import sees
from saas.mailing.models import EmailTemplate, SentEmail, SmtpSettings
from saas.records import registry
from saas.records.selectors.records import visible_refs


def email_template_list(*, module: str | None = None) -> QuerySet[EmailTemplate]:
    """The tenant's templates, of one module when given."""
    templates = EmailTemplate.objects.all()
    return templates.filter(module=module) if module else templates


def email_template_get(*, template_id) -> EmailTemplate | None:
    return EmailTemplate.objects.filter(pk=template_id).first() if template_id else None


def email_template_first_named(*, module: str, names: list[str]) -> EmailTemplate | None:
    """The oldest of the module's templates bearing one of these names."""
    return EmailTemplate.objects.filter(module=module, name__in=names).order_by("id").first()


def smtp_settings_get() -> SmtpSettings | None:
    """The tenant's own SMTP server, or None: the platform's EMAIL_BACKEND sends its mail."""
    return SmtpSettings.objects.order_by("pk").first()


def sent_email_visible_list(*, actor) -> QuerySet[SentEmail]:
    """The emails sent about records the actor may see."""
    return SentEmail.objects.filter(ref__in=visible_refs(actor=actor))


def sent_email_list(*, record) -> QuerySet[SentEmail]:
    """The emails sent (or being sent) about a record the caller has already found visible, newest first."""
    return SentEmail.objects.filter(ref_id=record.ref_id)


def recipient_of(record, *, actor) -> str:
    """The address an email about a record goes to by default: its own, else its contact's, else its account's (a
    linked record only when the actor may see it; None, the system, sees all). Empty when none has one."""
    if getattr(record, "email", ""):
        return record.email
    for link in ("contact", "account"):
        linked = getattr(record, link, None) if link in {field.name for field in record._meta.fields} else None
        linked_type = registry.find_for_model(type(linked)) if linked is not None else None
        if linked_type is not None and linked.email and sees(actor, linked, module=linked_type.key):
            return linked.email
    return ""
