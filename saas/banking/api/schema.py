"""Banking in the graph: bank accounts, statement imports (a file upload, or base64 content for integrators),
reconciliation of bank lines."""

import base64
import binascii
from decimal import Decimal

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import UNSET, relay
from strawberry.file_uploads import Upload
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.accounting.selectors import journal_by_code, ledger_account_by_number
from saas.banking import error_codes, reconciliation, selectors, services
from saas.banking.api.types import (
    BankAccountType,
    BankStatementImportType,
    BankTransactionType,
    ThirdPartyBankAccountType,
)
from saas.core.graph import IsTenantAdmin, global_pk, needs, verb
from saas.records.api.schema import record_of


@strawberry.input
class BankAccountInput:
    name: str
    iban: str
    bic: str = ""
    currency: str = "EUR"
    ledger_account: str | None = strawberry.field(default=None, description="A ledger account number; 512100.")
    journal: str | None = strawberry.field(default=None, description="A bank journal's code; BQ.")


@strawberry.input(description="Omitted fields keep their value.")
class BankAccountUpdateInput:
    name: str | None = UNSET
    iban: str | None = UNSET
    bic: str | None = UNSET
    currency: str | None = UNSET
    ledger_account: str | None = UNSET
    journal: str | None = UNSET
    active: bool | None = UNSET


@strawberry.input
class BankStatementImportInput:
    bank_account_id: relay.GlobalID
    file: Upload | None = strawberry.field(default=None, description="The statement file (multipart request).")
    content: str | None = strawberry.field(default=None, description="Or the file's content in base64.")
    file_name: str = ""


@strawberry.input
class BankAllocationInput:
    invoice_id: relay.GlobalID
    amount: Decimal | None = strawberry.field(default=None, description="Default: what the invoice still owes.")


@strawberry.input(description="One of: invoices the money pays, a payment already recorded, a ledger account.")
class BankTransactionMatchInput:
    transaction_id: relay.GlobalID
    invoices: list[BankAllocationInput] = strawberry.field(default_factory=list)
    payment_id: relay.GlobalID | None = None
    ledger_account: str | None = strawberry.field(default=None, description="A ledger account number, e.g. 627000.")
    label: str = ""


def _not_found(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=error_codes.NOT_FOUND)})


def _bank_account(info: Info, global_id, field: str = "id"):
    bank_account = selectors.bank_account_get_for_actor(actor=info.context.user,
                                                        bank_account_id=global_pk(global_id, "BankAccount"))
    if bank_account is None:
        raise _not_found(field, _("No such bank account."))
    return bank_account


def _transaction(info: Info, global_id, field: str = "id"):
    transaction = selectors.bank_transaction_get_for_actor(
        actor=info.context.user, transaction_id=global_pk(global_id, "BankTransaction"))
    if transaction is None:
        raise _not_found(field, _("No such bank transaction."))
    return transaction


def _ledger_account(number: str | None, field: str):
    if not number:
        return None
    found = ledger_account_by_number(number)
    if found is None:
        raise _not_found(field, _("No such ledger account: %(number)s.") % {"number": number})
    return found


def _journal(code: str | None, field: str):
    if not code:
        return None
    found = journal_by_code(code)
    if found is None:
        raise _not_found(field, _("No such journal: %(code)s.") % {"code": code})
    return found


def _content(input: BankStatementImportInput) -> tuple[bytes, str]:
    if input.file is not None:
        # One byte more than allowed is enough for the service to refuse a file too large.
        return input.file.read(services.MAX_STATEMENT_BYTES + 1), input.file_name or getattr(input.file, "name", "")
    if input.content:
        try:
            return base64.b64decode(input.content, validate=True), input.file_name
        except (binascii.Error, ValueError):
            raise ValidationError({"content": ValidationError(_("The content is not valid base64."),
                                                              code=error_codes.FILE_MALFORMED)}) from None
    raise ValidationError({"file": ValidationError(_("Send the statement file, or its content in base64."),
                                                   code=error_codes.FILE_EMPTY)})


@strawberry.type
class BankingQuery:
    bank_accounts: list[BankAccountType] = strawberry_django.field(
        permission_classes=[needs("bank_accounts", Action.VIEW)])
    bank_transactions: DjangoListConnection[BankTransactionType] = strawberry_django.connection(
        permission_classes=[needs("bank_transactions", Action.VIEW)])
    bank_statement_imports: DjangoListConnection[BankStatementImportType] = strawberry_django.connection(
        permission_classes=[needs("bank_transactions", Action.VIEW)])
    third_party_bank_accounts: list[ThirdPartyBankAccountType] = strawberry_django.field(
        permission_classes=[needs("bank_accounts", Action.VIEW)])



@strawberry.type
class BankingMutation:
    @verb(IsTenantAdmin, "A bank account of the company (IBAN and BIC checked); posts to 512100 in BQ unless told.")
    def bank_account_create(self, info: Info, input: BankAccountInput) -> BankAccountType:
        return services.bank_account_create(
            actor=info.context.user, name=input.name, iban=input.iban, bic=input.bic, currency=input.currency,
            ledger_account=_ledger_account(input.ledger_account, "input.ledgerAccount"),
            journal=_journal(input.journal, "input.journal"))

    @verb(IsTenantAdmin, "Change a bank account; omitted fields keep their value.")
    def bank_account_update(self, info: Info, id: relay.GlobalID, input: BankAccountUpdateInput) -> BankAccountType:
        changes = {name: value for name, value in vars(input).items() if value is not UNSET}
        if "ledger_account" in changes:
            changes["ledger_account"] = _ledger_account(changes["ledger_account"], "input.ledgerAccount")
        if "journal" in changes:
            changes["journal"] = _journal(changes["journal"], "input.journal")
        return services.bank_account_update(actor=info.context.user, bank_account=_bank_account(info, id),
                                            **{name: value for name, value in changes.items()
                                               if value is not None or name in ("ledger_account", "journal")})

    @verb(needs(None, Action.EDIT, record_argument="account_id"),
          "A customer's or supplier's bank account (IBAN checked): recognises who sent a transfer.")
    def third_party_bank_account_create(self, info: Info, account_id: relay.GlobalID, iban: str, bic: str = "",
                                        holder_name: str = "") -> ThirdPartyBankAccountType:
        account = record_of(info, account_id, field="accountId", types=("Account",))
        return services.third_party_bank_account_create(actor=info.context.user, account=account, iban=iban,
                                                         bic=bic, holder_name=holder_name)

    @verb(needs("bank_transactions", Action.IMPORT),
          "Import a CAMT.053, OFX or MT940 statement: lines imported, duplicates skipped, rejected lines and why.")
    def bank_statement_import(self, info: Info, input: BankStatementImportInput) -> BankStatementImportType:
        bank_account = _bank_account(info, input.bank_account_id, "bankAccountId")
        content, file_name = _content(input)
        return services.statement_import(actor=info.context.user, bank_account=bank_account, file_name=file_name,
                                         content=content)

    @verb(needs("bank_transactions", Action.EDIT),
          "Reconcile a bank line with invoices (a payment is recorded), a recorded payment, or a ledger account.")
    def bank_transaction_match(self, info: Info, input: BankTransactionMatchInput) -> BankTransactionType:
        # Through each record type's list selector: what the actor may see, deleted records left out.
        invoices = [(record_of(info, allocation.invoice_id, field=f"input.invoices.{index}.invoiceId",
                               types=("Invoice",)), allocation.amount)
                    for index, allocation in enumerate(input.invoices)]
        payment = None
        if input.payment_id is not None:
            payment = record_of(info, input.payment_id, field="input.paymentId", types=("Payment",))
        return reconciliation.transaction_match(
            actor=info.context.user, transaction=_transaction(info, input.transaction_id, "input.transactionId"),
            invoices=invoices, payment=payment, ledger_account=_ledger_account(input.ledger_account,
                                                                               "input.ledgerAccount"),
            label=input.label)

    @verb(needs("bank_transactions", Action.EDIT),
          "Undo a bank line's match: what the match posted is reversed, never deleted.")
    def bank_transaction_unmatch(self, info: Info, id: relay.GlobalID) -> BankTransactionType:
        return reconciliation.transaction_unmatch(actor=info.context.user, transaction=_transaction(info, id))
