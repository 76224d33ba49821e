"""The books in the graph: lists, manual entries, posting, reversal, fiscal years, lettering."""

from datetime import date
from decimal import Decimal

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from saas.access.enums import Action
from saas.accounting import error_codes, selectors, services
from saas.accounting.api.types import (
    EntryTemplateType,
    FiscalYearType,
    JournalEntryType,
    JournalKind,
    JournalType,
    LedgerAccountType,
    PostingRuleType,
    RuleKind,
)
from saas.accounting.models import AuxiliaryAccount, EntryTemplate, FiscalYear, Journal, JournalLine, LedgerAccount
from saas.companies.selectors import company_default
from saas.core.graph import IsTenantAdmin, global_pk, needs, verb
from saas.records.api.schema import record_of
from saas.records.api.types import request_source


def _fiscal_year(info: Info, global_id) -> FiscalYear:
    fiscal_year = selectors.fiscal_year_get(actor=info.context.user, fiscal_year_id=global_pk(global_id, "FiscalYear"))
    if fiscal_year is None:
        raise ValidationError({"id": ValidationError(_("No such fiscal year."), code=error_codes.NOT_FOUND)})
    return fiscal_year

@strawberry.input
class EntryLineInput:
    account: str = strawberry.field(description="The ledger account's number, e.g. 606400.")
    label: str = ""
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    auxiliary: str | None = strawberry.field(default=None, description="A sub-ledger code, e.g. CLI00012.")
    due_date: date | None = None


@strawberry.input
class EntryInput:
    journal: str = strawberry.field(description="The journal's code, e.g. OD.")
    date: date
    label: str
    piece_ref: str = ""
    lines: list[EntryLineInput]
    post: bool = strawberry.field(default=True, description="False keeps it as a draft (brouillard).")


def _by_key(model, field: str, value, error_field: str):
    found = model.objects.filter(**{field: value}).first() if value else None
    if found is None:
        raise ValidationError({error_field: ValidationError(_("Unknown: %(value)s.") % {"value": value},
                                                            code=error_codes.NOT_FOUND)})
    return found


def _entry(info: Info, global_id):
    return record_of(info, global_id, field="id", types=("JournalEntry",))


def _lines(info: Info, global_ids: list[relay.GlobalID]) -> list[JournalLine]:
    pks = [global_pk(gid, "JournalLine") for gid in global_ids]
    return list(JournalLine.objects.filter(pk__in=[pk for pk in pks if pk is not None]))


@strawberry.type
class AccountingQuery:
    ledger_accounts: DjangoListConnection[LedgerAccountType] = strawberry_django.connection(
        permission_classes=[needs("accounting", Action.VIEW)])
    journals: list[JournalType] = strawberry_django.field(permission_classes=[needs("accounting", Action.VIEW)])
    fiscal_years: list[FiscalYearType] = strawberry_django.field(permission_classes=[needs("accounting", Action.VIEW)])
    journal_entries: DjangoListConnection[JournalEntryType] = strawberry_django.connection(
        permission_classes=[needs("journal_entries", Action.VIEW)])
    posting_rules: list[PostingRuleType] = strawberry_django.field(
        permission_classes=[needs("accounting", Action.VIEW)])
    entry_templates: list[EntryTemplateType] = strawberry_django.field(
        permission_classes=[needs("journal_entries", Action.VIEW)])



@strawberry.type
class AccountingMutation:
    @verb(needs("journal_entries", Action.CREATE),
          "A manual entry (OD…): refused unless balanced, in an open year; posted unless `post` is false.")
    def entry_create(self, info: Info, input: EntryInput) -> JournalEntryType:
        journal = _by_key(Journal, "code", input.journal, "journal")
        errors, lines = {}, []
        for index, line in enumerate(input.lines):
            try:
                account = _by_key(LedgerAccount, "number", line.account, f"lines.{index}.account")
                auxiliary = _by_key(AuxiliaryAccount, "code", line.auxiliary,
                                    f"lines.{index}.auxiliary") if line.auxiliary else None
            except ValidationError as error:
                errors.update(error.error_dict)
                continue
            lines.append(services.LineSpec(account=account, auxiliary=auxiliary, label=line.label,
                                           debit=line.debit, credit=line.credit, due_date=line.due_date))
        if errors:
            raise ValidationError(errors)
        return services.entry_create(actor=info.context.user, journal=journal, date=input.date, label=input.label,
                                     piece_ref=input.piece_ref, lines=lines, post=input.post,
                                     source=request_source(info))

    @verb(needs("journal_entries", Action.EDIT), "Post a draft entry: its definitive number, then immutable.")
    def entry_post(self, info: Info, id: relay.GlobalID) -> JournalEntryType:
        return services.entry_post(actor=info.context.user, entry=_entry(info, id))

    @verb(needs("journal_entries", Action.EDIT), "Reverse a posted entry (contrepassation) with a new posted entry.")
    def entry_reverse(self, info: Info, id: relay.GlobalID, date: date | None = None) -> JournalEntryType:
        return services.entry_reverse(actor=info.context.user, entry=_entry(info, id), date=date)

    @verb(needs("journal_entries", Action.EDIT),
          "Letter (match) balanced lines of one reconcilable account and third party.")
    def lines_letter(self, info: Info, line_ids: list[relay.GlobalID]) -> "LetteringResult":
        code = services.lines_letter(actor=info.context.user, lines=_lines(info, line_ids))
        return LetteringResult(code=code)

    @verb(needs("journal_entries", Action.EDIT), "Undo the lettering a line belongs to.")
    def line_unletter(self, info: Info, line_id: relay.GlobalID) -> "LetteringResult":
        [line] = _lines(info, [line_id]) or [None]
        if line is None:
            raise ValidationError({"lineId": ValidationError(_("No such line."), code=error_codes.NOT_FOUND)})
        return LetteringResult(code="", count=services.lines_unletter(actor=info.context.user, line=line))

    @verb(IsTenantAdmin, "Open a fiscal year of the default company.")
    def fiscal_year_create(self, info: Info, name: str, start: date, end: date) -> FiscalYearType:
        return services.fiscal_year_create(actor=info.context.user, company=company_default(),
                                           name=name, start=start, end=end)

    @verb(IsTenantAdmin, "Close a fiscal year: nothing is posted in it any more.")
    def fiscal_year_close(self, info: Info, id: relay.GlobalID) -> FiscalYearType:
        return services.fiscal_year_close(actor=info.context.user, fiscal_year=_fiscal_year(info, id))

    @verb(IsTenantAdmin, "Carry a closed fiscal year's balances forward: the next year's opening entry (journal AN).")
    def fiscal_year_carry_forward(self, info: Info, id: relay.GlobalID) -> JournalEntryType:
        return services.fiscal_year_carry_forward(actor=info.context.user, fiscal_year=_fiscal_year(info, id))


@strawberry.input
class TemplateLineInput:
    account: str
    side: str = strawberry.field(description="debit or credit")
    percent: Decimal
    label: str = ""


@strawberry.type
class AccountingSetupMutation:
    @verb(IsTenantAdmin, "Add an account to the chart, or change an account's label and flags.")
    def ledger_account_save(self, info: Info, number: str, label: str, reconcilable: bool | None = None,
                            active: bool | None = None) -> LedgerAccountType:
        return services.ledger_account_save(actor=info.context.user, number=number, label=label,
                                            reconcilable=reconcilable, active=active)

    @verb(IsTenantAdmin, "Add a journal, or rename one.")
    def journal_save(self, info: Info, code: str, label: str, kind: JournalKind | None = None,
                     default_account: str | None = None) -> JournalType:
        account = _by_key(LedgerAccount, "number", default_account, "defaultAccount") if default_account else None
        return services.journal_save(actor=info.context.user, code=code, label=label,
                                     kind=kind.value if kind else None, default_account=account)

    @verb(IsTenantAdmin, "Save a manual-entry template (each side's lines share 100 %).")
    def entry_template_save(self, info: Info, name: str, journal: str, label: str,
                            lines: list[TemplateLineInput]) -> EntryTemplateType:
        return services.template_save(actor=info.context.user, name=name, label=label,
                                      journal=_by_key(Journal, "code", journal, "journal"),
                                      lines=[{"account": line.account, "side": line.side, "percent": line.percent,
                                              "label": line.label} for line in lines])

    @verb(needs("journal_entries", Action.CREATE), "An entry of `amount` split as the template says.")
    def entry_from_template(self, info: Info, template: str, amount: Decimal, date: date,
                            label: str = "") -> JournalEntryType:
        return services.entry_from_template(actor=info.context.user, amount=amount, date=date, label=label,
                                            template=_by_key(EntryTemplate, "name", template, "template"))

    @verb(IsTenantAdmin, "Point documents matching the criteria to an account (an accounting strategy).")
    def posting_rule_set(self, info: Info, kind: RuleKind, account: str, family_id: relay.GlobalID | None = None,
                         nature: str = "", vat_rate: Decimal | None = None, payment_method: str = "",
                         journal: str | None = None) -> PostingRuleType:
        family = record_of(info, family_id, field="familyId", types=("ProductFamily",)) if family_id else None
        return services.posting_rule_set(
            actor=info.context.user, kind=kind.value, account=_by_key(LedgerAccount, "number", account, "account"),
            family=family, nature=nature, vat_rate=vat_rate, payment_method=payment_method,
            journal=_by_key(Journal, "code", journal, "journal") if journal else None)


@strawberry.type
class LetteringResult:
    code: str
    count: int = 0
