from django.utils.translation import gettext_lazy as _

from saas.accounting import selectors
from saas.accounting.models import EntryStatus, JournalEntry
from saas.accounting.services import entry_postable_check, entry_unreversed_check
from saas.records.registry import Block, RecordType, Relation, Transition, Verb, add_relation, register


def register_record_types() -> None:
    register(RecordType(
        key="journal_entries", list_selector=selectors.entry_list,
        model=JournalEntry, label=_("Journal entry"), label_plural=_("Journal entries"), graphql_type="JournalEntry",
        number_prefix="EC", icon="book", number_on_create=False, protected_when={"status": ("posted",)},
        header_fields=("number", "journal", "date", "label", "status"),
        key_fields=("journal", "date", "piece_ref", "party", "fiscal_year"),
        blocks=(Block("entry", _("Journal entry"), ("journal", "date", "label", "piece_ref", "party", "fiscal_year",
                                                    "reversal_of")),),
        search_fields=("number", "label", "piece_ref"),
        nav_order=1, add_label=_("Add journal entry"), list_filters=("status",),
        list_sort="-date", list_search=("number", "piece_ref"),
        list_columns=("number", "journal.code", "date", "label", "piece_ref", "party.name", "status"),
        tones={EntryStatus.POSTED: "good"},
        pipelines={"status": (Transition((EntryStatus.DRAFT,), EntryStatus.POSTED, "post"),)},
        # Reversing posts another entry, the reversal: the posted entry itself stays as it is.
        verbs=(Verb("post", _("Post"), guard=entry_postable_check),
               Verb("reverse", _("Reverse"), guard=entry_unreversed_check,
                    states={"status": (EntryStatus.POSTED,)})),
    ))
    for module in ("invoices", "credit_notes", "payments"):
        field = {"invoices": "invoice", "credit_notes": "credit_note", "payments": "payment"}[module]
        add_relation(module, Relation("entries", _("Accounting entries"), "accounting.JournalEntry", field))
    add_relation("accounts", Relation("entries", _("Accounting entries"), "accounting.JournalEntry", "party"))
