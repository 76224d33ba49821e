"""Reads of banking data, for an actor."""

import datetime as dt

from django.db.models import QuerySet

from saas.access.visibility import visible
from saas.banking.models import BankAccount, BankStatementImport, BankTransaction, ThirdPartyBankAccount
from saas.crm.selectors import account_list


def bank_account_list(*, actor) -> QuerySet[BankAccount]:
    return visible(BankAccount.objects.all(), actor=actor, module="bank_accounts")


def bank_account_get_for_actor(*, actor, bank_account_id) -> BankAccount | None:
    if bank_account_id is None:
        return None
    return bank_account_list(actor=actor).filter(pk=bank_account_id).first()


def third_party_bank_account_list(*, actor) -> QuerySet[ThirdPartyBankAccount]:
    """Third parties' bank accounts follow their owner: only those of the accounts the actor may see."""
    return visible(ThirdPartyBankAccount.objects.filter(account__in=account_list(actor=actor)), actor=actor,
                   module="bank_accounts")


def statement_import_list(*, actor) -> QuerySet[BankStatementImport]:
    return visible(BankStatementImport.objects.all(), actor=actor, module="bank_transactions")


def bank_transaction_list(*, actor, status: str | None = None, bank_account_id=None, date_from: dt.date | None = None,
                          date_to: dt.date | None = None) -> QuerySet[BankTransaction]:
    """Bank lines, newest first, filtered by status, bank account and booking dates (inclusive)."""
    transactions = visible(BankTransaction.objects.all(), actor=actor, module="bank_transactions")
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
    return bank_transaction_list(actor=actor).filter(pk=transaction_id).first()
