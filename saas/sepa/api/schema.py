"""SEPA direct debit in the graph: creditor settings, mandates, batches and their pain.008 file."""

from datetime import date

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.core.graph import IsTenantAdmin, global_pk, needs, verb
from saas.records.api.schema import record_of
from saas.sepa import error_codes, selectors, services
from saas.sepa.api.types import (
    CreditorSettingsType,
    DirectDebitBatchType,
    SepaMandateType,
    SepaMessageFormat,
    SepaScheme,
)


@strawberry.input
class SepaCreditorInput:
    ics: str = strawberry.field(description="SEPA creditor identifier (ICS), e.g. FR72ZZZ123456.")
    name: str = strawberry.field(default="", description="Default: the company's name.")
    iban: str = strawberry.field(default="", description="Default: the company's IBAN.")
    bic: str = strawberry.field(default="", description="Default: the company's BIC, else the IBAN's bank's.")
    message_format: SepaMessageFormat = SepaMessageFormat.PAIN_008_001_02


@strawberry.input
class SepaMandateInput:
    account_id: relay.GlobalID
    iban: str
    signature_date: date | None = strawberry.field(description="Required: a mandate is valid once signed.")
    debtor_name: str = strawberry.field(default="", description="Default: the account's name.")
    bic: str | None = strawberry.field(default=None, description="Default: the IBAN's bank's, when known.")
    scheme: SepaScheme = SepaScheme.CORE
    reference: str | None = strawberry.field(default=None, description="The UMR; default RUM-<account>-<n>.")


def _mandate(info: Info, global_id):
    mandate = selectors.mandate_list(actor=info.context.user).filter(pk=global_pk(global_id, "SepaMandate")).first()
    if mandate is None:
        raise ValidationError({"id": ValidationError(_("No such mandate."), code=error_codes.NOT_FOUND)})
    return mandate


def _batch(info: Info, global_id):
    batch = selectors.batch_list(actor=info.context.user).filter(pk=global_pk(global_id, "DirectDebitBatch")).first()
    if batch is None:
        raise ValidationError({"id": ValidationError(_("No such batch."), code=error_codes.NOT_FOUND)})
    return batch


def _invoices(info: Info, global_ids: list[relay.GlobalID]):
    return [record_of(info, global_id, field=f"invoiceIds.{index}", types=("Invoice",))
            for index, global_id in enumerate(global_ids)]


@strawberry.type
class SepaQuery:
    sepa_mandates: DjangoListConnection[SepaMandateType] = strawberry_django.connection(
        permission_classes=[needs("sepa_mandates", Action.VIEW)])
    direct_debit_batches: DjangoListConnection[DirectDebitBatchType] = strawberry_django.connection(
        permission_classes=[needs("direct_debits", Action.VIEW)])

    @strawberry_django.field(permission_classes=[needs("direct_debits", Action.VIEW)],
                             description="The default company's creditor identity.")
    def sepa_creditor_settings(self, info: Info) -> CreditorSettingsType | None:
        return selectors.creditor_settings_get()



@strawberry.type
class SepaMutation:
    @verb(IsTenantAdmin, "The default company's SEPA creditor identifier (ICS) and the account credited.")
    def sepa_creditor_set(self, info: Info, input: SepaCreditorInput) -> CreditorSettingsType:
        return services.creditor_settings_set(actor=info.context.user, ics=input.ics, name=input.name,
                                              iban=input.iban, bic=input.bic,
                                              message_format=input.message_format.value)

    @verb(needs("sepa_mandates", Action.CREATE), "Record a customer's signed SEPA direct debit mandate.")
    def sepa_mandate_create(self, info: Info, input: SepaMandateInput) -> SepaMandateType:
        account = record_of(info, input.account_id, field="accountId", types=("Account",))
        return services.mandate_create(actor=info.context.user, account=account, debtor_name=input.debtor_name,
                                       iban=input.iban, bic=input.bic, signature_date=input.signature_date,
                                       scheme=input.scheme.value, reference=input.reference)

    @verb(needs("sepa_mandates", Action.EDIT), "The debtor revoked its mandate: nothing more is collected under it.")
    def sepa_mandate_revoke(self, info: Info, id: relay.GlobalID) -> SepaMandateType:
        return services.mandate_revoke(actor=info.context.user, mandate=_mandate(info, id))

    @verb(needs("direct_debits", Action.CREATE),
          "A draft batch of the invoices to collect on a date: by default every issued invoice due by then whose "
          "customer has an active mandate of the scheme.")
    def direct_debit_batch_create(self, info: Info, collection_date: date, scheme: SepaScheme = SepaScheme.CORE,
                                  invoice_ids: list[relay.GlobalID] | None = None) -> DirectDebitBatchType:
        invoices = _invoices(info, invoice_ids) if invoice_ids is not None else None
        return services.batch_create(actor=info.context.user, collection_date=collection_date, scheme=scheme.value,
                                     invoices=invoices)

    @verb(needs("direct_debits", Action.EDIT),
          "Write the batch's pain.008 file (checked against its XSD) and store it.")
    def direct_debit_batch_generate(self, info: Info, id: relay.GlobalID) -> DirectDebitBatchType:
        batch = _batch(info, id)
        services.batch_generate(actor=info.context.user, batch=batch)
        batch.refresh_from_db()
        return batch

    @verb(needs("direct_debits", Action.EDIT), "The file was handed to the bank.")
    def direct_debit_batch_mark_sent(self, info: Info, id: relay.GlobalID) -> DirectDebitBatchType:
        return services.batch_mark_sent(actor=info.context.user, batch=_batch(info, id))

    @verb(needs("direct_debits", Action.EDIT), "Drop a batch not sent yet: its invoices can be collected again.")
    def direct_debit_batch_cancel(self, info: Info, id: relay.GlobalID) -> DirectDebitBatchType:
        return services.batch_cancel(actor=info.context.user, batch=_batch(info, id))

    @verb(needs("direct_debits", Action.EDIT),
          "The bank collected the batch: a direct-debit payment per line, allocated to its invoice.")
    def direct_debit_batch_settle(self, info: Info, id: relay.GlobalID,
                                  date: date | None = None) -> DirectDebitBatchType:
        return services.batch_settle(actor=info.context.user, batch=_batch(info, id), date=date)
