"""Bank accounts (IBAN and BIC checked with schwifty, DOMAIN.md 8.2) and the import of bank statement files
(8.3): every readable line becomes a bank transaction once, whatever the file it comes from again."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN

from saas.access.enums import Action
from saas.accounting.selectors import is_bank_journal, journal_by_code, ledger_account_by_number
from saas.banking import error_codes, statements
from saas.banking.models import BankAccount, BankStatementImport, BankTransaction, ThirdPartyBankAccount
from saas.companies.selectors import company_default
from saas.records.services.records import write_check

if TYPE_CHECKING:
    from saas.accounting.models import Journal, LedgerAccount
    from saas.companies.models import Company

DEFAULT_LEDGER_ACCOUNT = "512100"
DEFAULT_JOURNAL = "BQ"
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
UNSET = object()


def iban_clean(value: str, *, field: str = "iban") -> str:
    """The compact form of a valid IBAN (checksum, length and structure of its country); `iban_invalid`."""
    try:
        return IBAN(value or "").compact
    except ValueError as error:
        raise ValidationError({field: ValidationError(_("Invalid IBAN: %(detail)s.") % {"detail": error},
                                                      code=error_codes.IBAN_INVALID)}) from None


def bic_clean(value: str, *, field: str = "bic") -> str:
    """The compact form of a valid BIC (8 or 11 characters, known country), '' when none; `bic_invalid`."""
    if not (value or "").strip():
        return ""
    try:
        return BIC(value).compact
    except ValueError as error:
        raise ValidationError({field: ValidationError(_("Invalid BIC: %(detail)s.") % {"detail": error},
                                                      code=error_codes.BIC_INVALID)}) from None


def bank_account_create(*, actor, name: str, iban: str, bic: str = "", currency: str = "EUR",
                        ledger_account: LedgerAccount | None = None, journal: Journal | None = None,
                        company: Company | None = None) -> BankAccount:
    """A bank account of the company: valid IBAN (unique) and BIC; posts to 512100 in BQ unless told otherwise.
    The BIC, when not given, is the one the IBAN's bank is registered with."""
    account = BankAccount(company=company or company_default())
    return _bank_account_save(account, name=name, iban=iban, bic=bic, currency=currency,
                              ledger_account=ledger_account, journal=journal)


def bank_account_update(*, actor, bank_account: BankAccount, name=UNSET, iban=UNSET, bic=UNSET, currency=UNSET,
                        ledger_account=UNSET, journal=UNSET, active=UNSET) -> BankAccount:
    """Change what is given; the same checks as at creation. A new IBAN given alone brings its bank's BIC."""
    bank_account = BankAccount.objects.select_for_update().get(pk=bank_account.pk)
    if active is not UNSET:
        bank_account.active = bool(active)
    if iban is not UNSET and bic is UNSET:
        bic = ""

    def given(value, current):
        return current if value is UNSET else value

    return _bank_account_save(
        bank_account, name=given(name, bank_account.name), iban=given(iban, bank_account.iban),
        bic=given(bic, bank_account.bic), currency=given(currency, bank_account.currency),
        ledger_account=given(ledger_account, bank_account.ledger_account),
        journal=given(journal, bank_account.journal))


def _bank_account_save(account: BankAccount, *, name, iban, bic, currency, ledger_account, journal) -> BankAccount:
    errors = {}
    if not (name or "").strip():
        errors["name"] = ValidationError(_("A bank account has a name."), code=error_codes.NAME_REQUIRED)
    try:
        iban = iban_clean(iban)
        if BankAccount.objects.filter(iban=iban).exclude(pk=account.pk).exists():
            errors["iban"] = ValidationError(_("A bank account already has this IBAN."), code=error_codes.IBAN_TAKEN)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        bic = bic_clean(bic) or _registered_bic(iban)
    except ValidationError as error:
        errors.update(error.error_dict)
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = ValidationError(_("A currency is an ISO 4217 code, e.g. EUR."),
                                             code=error_codes.CURRENCY_INVALID)
    ledger_account = ledger_account or ledger_account_by_number(DEFAULT_LEDGER_ACCOUNT)
    if ledger_account is None or not ledger_account.number.startswith("51") or not ledger_account.active:
        errors["ledger_account"] = ValidationError(_("A bank account posts to an active bank account (51…)."),
                                                  code=error_codes.LEDGER_ACCOUNT_INVALID)
    journal = journal or journal_by_code(DEFAULT_JOURNAL)
    if journal is None or not is_bank_journal(journal):
        errors["journal"] = ValidationError(_("A bank account posts to a bank journal."),
                                            code=error_codes.LEDGER_ACCOUNT_INVALID)
    if errors:
        raise ValidationError(errors)
    account.name, account.iban, account.bic, account.currency = name.strip()[:100], iban, bic, currency
    account.ledger_account, account.journal = ledger_account, journal
    account.full_clean(validate_unique=False, validate_constraints=False)
    account.save()
    return account


def _registered_bic(iban: str) -> str:
    try:
        found = IBAN(iban).bic
    except ValueError:
        return ""
    return found.compact if found else ""


def third_party_bank_account_create(*, actor, account, iban: str, bic: str = "",
                                    holder_name: str = "") -> ThirdPartyBankAccount:
    """A customer's or supplier's bank account (valid IBAN and BIC, once per third party); it is part of the third
    party's record: the actor may change that record."""
    write_check(actor, account, Action.EDIT)
    errors = {}
    try:
        iban = iban_clean(iban)
        if ThirdPartyBankAccount.objects.filter(account=account, iban=iban).exists():
            errors["iban"] = ValidationError(_("This third party already has this IBAN."),
                                             code=error_codes.IBAN_TAKEN)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        bic = bic_clean(bic)
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    return ThirdPartyBankAccount.objects.create(account=account, iban=iban, bic=bic or _registered_bic(iban),
                                                holder_name=(holder_name or account.name)[:140])


def statement_import(*, actor, bank_account: BankAccount, file_name: str, content: bytes) -> BankStatementImport:
    """Read a CAMT.053, OFX or MT940 file into the account's transactions. Refused whole when its format is
    unknown, it cannot be read or it is another account's statement; otherwise each line is imported, skipped as
    a duplicate (the same line already imported, from this file or an earlier one) or rejected with its reason."""
    if not content:
        raise ValidationError({"file": ValidationError(_("The file is empty."), code=error_codes.FILE_EMPTY)})
    if len(content) > MAX_STATEMENT_BYTES:
        raise ValidationError({"file": ValidationError(
            _("The file is too large (%(size)s bytes; at most %(max)s).") % {
                "size": len(content), "max": MAX_STATEMENT_BYTES}, code=error_codes.FILE_TOO_LARGE)})
    statement_format = statements.detect_format(content)
    if statement_format is None:
        raise ValidationError({"file": ValidationError(
            _("This is not a bank statement in a known format (CAMT.053, OFX, MT940)."),
            code=error_codes.FORMAT_UNKNOWN)})
    try:
        found = statements.parse(content, statement_format)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None
    for statement in found:
        if not _same_account(statement.account, bank_account.iban):
            raise ValidationError({"file": ValidationError(
                _("This statement is for the account %(other)s, not %(iban)s.") % {
                    "other": statement.account, "iban": bank_account.iban}, code=error_codes.ACCOUNT_MISMATCH)})
    report = BankStatementImport(bank_account=bank_account, file_name=(file_name or "statement")[:255],
                                 format=statement_format, imported_by=actor)
    rejected = [line for statement in found for line in statement.rejected]
    keyed = []
    for line in (line for statement in found for line in statement.lines):
        if line.currency and line.currency.upper() != bank_account.currency:
            rejected.append(statements.RejectedLine(
                line=line.line, reference=line.bank_reference, code=error_codes.CURRENCY_MISMATCH,
                reason=_("In %(currency)s, the account is in %(account)s.") % {
                    "currency": line.currency, "account": bank_account.currency}))
        else:
            keyed.append(line)
    keys = _import_keys(keyed)
    known = set(BankTransaction.objects.filter(bank_account=bank_account, import_key__in=keys).values_list(
        "import_key", flat=True))
    new = []
    for line, key in zip(keyed, keys, strict=True):
        if key in known:
            report.duplicate_count += 1
            continue
        known.add(key)
        new.append(BankTransaction(
            bank_account=bank_account, date=line.date, value_date=line.value_date, amount=line.amount,
            currency=bank_account.currency, counterparty_name=line.counterparty_name,
            counterparty_iban=line.counterparty_iban, reference=line.reference, end_to_end_id=line.end_to_end_id,
            bank_reference=line.bank_reference, import_key=key))
    rejected.sort(key=lambda line: line.line)
    report.imported_count, report.rejected_count = len(new), len(rejected)
    report.rejected_lines = [{"line": line.line, "reference": line.reference, "code": line.code,
                              "reason": line.reason} for line in rejected]
    report.save()
    for transaction in new:
        transaction.statement_import = report
    BankTransaction.objects.bulk_create(new)
    return report


def _import_keys(lines: list[statements.StatementLine]) -> list[str]:
    """A digest per line of its date, amount and references. A line with no bank reference of its own may
    honestly repeat (two identical card fees on one day): the n-th such repeat in a file gets its rank in the
    key, so re-importing the file, or an overlapping one, still finds every line already there."""
    keys, seen = [], Counter()
    for line in lines:
        base = "|".join((line.date.isoformat(), str(line.amount), line.reference, line.end_to_end_id,
                         line.bank_reference))
        if not line.bank_reference:
            seen[base] += 1
            base = f"{base}|{seen[base]}"
        keys.append(hashlib.sha256(base.encode()).hexdigest())
    return keys


def _same_account(identifier: str, iban: str) -> bool:
    """False only when the file names another IBAN: OFX and MT940 files often name the account otherwise
    (bank code and number), which is not checked."""
    compact = "".join((identifier or "").split()).upper()
    try:
        return IBAN(compact).compact == iban
    except ValueError:
        return True
