"""Reads of banking data, for an actor."""

import datetime as dt

from django.db.models import QuerySet

from saas.banking.models import BankAccount, BankStatementImport, BankTransaction, ThirdPartyBankAccount
from saas.sales.models import Invoice, Payment


def bank_account_list(*, actor) -> QuerySet[BankAccount]:
    return BankAccount.objects.all()


def bank_account_get_for_actor(*, actor, bank_account_id) -> BankAccount | None:
    if bank_account_id is None:
        return None
    return bank_account_list(actor=actor).filter(pk=bank_account_id).first()


def third_party_bank_account_list(*, actor) -> QuerySet[ThirdPartyBankAccount]:
    return ThirdPartyBankAccount.objects.all()


def statement_import_list(*, actor) -> QuerySet[BankStatementImport]:
    return BankStatementImport.objects.all()


def bank_transaction_list(*, actor, status: str | None = None, bank_account_id=None, date_from: dt.date | None = None,
                          date_to: dt.date | None = None) -> QuerySet[BankTransaction]:
    """Bank lines, newest first, filtered by status, bank account and booking dates (inclusive)."""
    transactions = BankTransaction.objects.all()
    if status:
        transactions = transactions.filter(status=status)
    if bank_account_id is not None:
        transactions = transactions.filter(bank_account_id=bank_account_id)
    if date_from:
        transactions = transactions.filter(date__gte=date_from)
    if date_to:
        transactions = transactions.filter(date__lte=date_to)
    return transactions


def bank_transaction_get_for_actor(*, actor, transaction_id) -> BankTransaction | None:
    if transaction_id is None:
        return None
    return BankTransaction.objects.filter(pk=transaction_id).first()


def payment_get_for_actor(*, actor, payment_id) -> Payment | None:
    """A payment that may be matched with a bank line: recorded and not deleted."""
    if payment_id is None:
        return None
    return Payment.objects.filter(pk=payment_id, deleted_at__isnull=True).first()


def invoice_get_for_actor(*, actor, invoice_id) -> Invoice | None:
    if invoice_id is None:
        return None
    return Invoice.objects.filter(pk=invoice_id, deleted_at__isnull=True).first()
