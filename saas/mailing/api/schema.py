"""Mailing in the graph: templates and SMTP settings for the tenant's admins, emails about records for members."""

from datetime import datetime

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info

from saas.access.enums import Action
from saas.core.graph import IsMember, IsTenantAdmin, TenantNode, global_pk, graphql_enum, needs, verb
from saas.core.pagination import Connection, connection_from, page_bounds
from saas.mailing import enums, error_codes, merge, models, selectors, services
from saas.records import registry
from saas.records.api.schema import record_of
from saas.records.api.settings import Removed
from saas.records.api.types import RecordSource, request_source

SmtpSecurity = graphql_enum("SmtpSecurity", enums.SmtpSecurity)
EmailStatus = graphql_enum("EmailStatus", enums.EmailStatus)


@strawberry_django.type(models.EmailTemplate, name="EmailTemplate")
class EmailTemplateType(TenantNode):
    node_needs = IsMember

    module: str
    name: str
    subject: str
    body: str
    updated_at: datetime


@strawberry_django.type(models.SmtpSettings, name="SmtpSettings")
class SmtpSettingsType:
    host: str
    port: int
    username: str
    from_address: str
    updated_at: datetime

    @strawberry.field
    def security(self, root) -> SmtpSecurity:
        return SmtpSecurity(root.security)

    @strawberry.field(description="Whether a password is stored; the password itself is never returned.")
    def password_set(self, root) -> bool:
        return bool(root.password_encrypted)


@strawberry_django.type(models.SentEmail, name="SentEmail")
class SentEmailType(TenantNode):
    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        # `node(id)` answers only the emails of records the actor may see.
        return queryset.filter(pk__in=selectors.sent_email_visible_list(actor=info.context.user).values("pk"))

    to: str
    subject: str
    body: str
    error: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None

    @strawberry.field
    def status(self, root) -> EmailStatus:
        return EmailStatus(root.status)

    @strawberry.field
    def source(self, root) -> RecordSource:
        return RecordSource(root.source)


@strawberry.type
class SmtpTestSent:
    to: str


@strawberry.input(description="A template; without `id`, a new one. Subject and body take merge fields such as "
                              "{{ record.number }}, {{ invoice.total_incl_vat }} or {{ account.name }}, with a few "
                              "filters ({{ invoice.due_date|date:\"d/m/Y\" }}); no template tags.")
class EmailTemplateInput:
    module: str
    name: str
    subject: str
    body: str
    id: relay.GlobalID | None = None


@strawberry.input(description="The tenant's outgoing mail server. `password` left out keeps the stored one; "
                              "an empty string removes it.")
class SmtpSettingsInput:
    host: str
    from_address: str
    port: int = 587
    username: str = ""
    password: str | None = strawberry.UNSET
    security: SmtpSecurity = SmtpSecurity.STARTTLS


def template_of(id: relay.GlobalID | None, field: str = "id") -> models.EmailTemplate:
    template = selectors.email_template_get(template_id=global_pk(id, "EmailTemplate"))
    if template is None:
        raise ValidationError({field: ValidationError(_("No such email template."), code=error_codes.NOT_FOUND)})
    return template


@strawberry.type
class MailingQuery:
    @strawberry.field(permission_classes=[IsMember], description="The email templates, of one module if given "
                      "(every member sends from them; admins change them).")
    def email_templates(self, info: Info, module: str | None = None) -> list[EmailTemplateType]:
        return list(selectors.email_template_list(module=module))

    @strawberry.field(permission_classes=[IsTenantAdmin],
                      description="The merge fields a module's templates may use (one link deep; links go further).")
    def email_merge_fields(self, info: Info, module: str) -> list[str]:
        record_type = registry.get(module)
        return merge.available(record_type.model) if record_type else []

    @strawberry.field(permission_classes=[IsTenantAdmin],
                      description="The tenant's SMTP server; null when the platform's mail service sends.")
    def smtp_settings(self, info: Info) -> SmtpSettingsType | None:
        return selectors.smtp_settings_get()

    @strawberry.field(permission_classes=[needs(None, Action.VIEW, record_argument="record_id")],
                      description="The address an email about the record goes to by "
                      "default: its own, else its contact's, else its account's; empty when none has one.")
    def email_recipient(self, info: Info, record_id: relay.GlobalID) -> str:
        try:
            record = record_of(info, record_id)
        except ValidationError:
            return ""
        return selectors.recipient_of(record, actor=info.context.user)

    @strawberry.field(permission_classes=[needs(None, Action.VIEW, record_argument="record_id")],
                      description="The emails sent about a record, newest first.")
    def sent_emails(self, info: Info, record_id: relay.GlobalID, first: int | None = None,
                    after: str | None = None) -> Connection[SentEmailType]:
        offset, limit = page_bounds(first, after)
        try:
            record = record_of(info, record_id)
        except ValidationError:
            return connection_from([], offset=offset, total_count=0)
        emails = selectors.sent_email_list(record=record)
        return connection_from(list(emails[offset:offset + limit]), offset=offset, total_count=emails.count())


@strawberry.type
class MailingMutation:
    @verb(IsTenantAdmin, "Create or change an email template; unknown merge fields are refused (merge_field_unknown).")
    def email_template_save(self, info: Info, input: EmailTemplateInput) -> EmailTemplateType:
        return services.email_template_save(
            actor=info.context.user, template=template_of(input.id) if input.id else None, module=input.module,
            name=input.name, subject=input.subject, body=input.body)

    @verb(IsTenantAdmin, "Delete an email template (emails sent from it keep their text).")
    def email_template_delete(self, info: Info, id: relay.GlobalID) -> Removed:
        services.email_template_delete(actor=info.context.user, template=template_of(id))
        return Removed(ok=True)

    @verb(IsTenantAdmin, "Set the tenant's outgoing mail server (the password is stored encrypted, never returned).")
    def smtp_settings_save(self, info: Info, input: SmtpSettingsInput) -> SmtpSettingsType:
        password = None if input.password is strawberry.UNSET else input.password
        return services.smtp_settings_save(
            actor=info.context.user, host=input.host, port=input.port, username=input.username, password=password,
            security=input.security.value, from_address=input.from_address)

    @verb(IsTenantAdmin, "Forget the tenant's mail server: mail goes through the platform's again.")
    def smtp_settings_delete(self, info: Info) -> Removed:
        services.smtp_settings_delete(actor=info.context.user)
        return Removed(ok=True)

    @verb(IsTenantAdmin, "Send a test email now; a failure says why (address_not_allowed, smtp_connection_failed, "
                         "smtp_auth_failed, smtp_refused).")
    def smtp_test(self, info: Info, to: str) -> SmtpTestSent:
        services.smtp_test(actor=info.context.user, to=to)
        return SmtpTestSent(to=to)

    @verb(needs(None, Action.EDIT, record_argument="record_id"),
          "Email a record's contact from a template of its module: kept on the record, sent after the commit.")
    def record_email_send(self, info: Info, record_id: relay.GlobalID, template_id: relay.GlobalID,
                          to: str) -> SentEmailType:
        return services.record_email_send(actor=info.context.user, record=record_of(info, record_id),
                                          template=template_of(template_id, "templateId"), to=to,
                                          source=request_source(info))
