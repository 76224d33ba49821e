"""The registry of record types: what each module declares, and the engine gives it.

Record types register explicitly from their `AppConfig.ready()`; the engine derives the rest (link
fields for the roll-up, related tabs, default layout) from the declaration and the model.
"""

from dataclasses import dataclass, field, replace

from django.db import models


@dataclass(frozen=True)
class Relation:
    """A related tab: the records of `model` whose `field` points at this record."""

    key: str
    label: str
    model: str  # "app_label.ModelName"
    field: str

    def model_class(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model)


@dataclass(frozen=True)
class Block:
    key: str
    label: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    """A list column: a model field, `link.field` through a relation, or a field the GraphQL type computes (then
    its `label` and `kind`, and `choices` for an enum, say what the model cannot)."""

    field: str
    label: str = ""
    kind: str = ""  # a FieldKind name (saas.records.metadata), when the model field's is not the one to show
    sort: str = ""  # the model field the list sorts on for this column, when it is not the column's own
    more: bool = False  # offered in the column picker, hidden until chosen
    choices: tuple = ()  # a computed enum's (value, label) pairs


@dataclass(frozen=True)
class Transition:
    """A move a status field allows: from any of `sources` to `target`, performed by the verb `verb`; None for
    an automatic move (made by another verb's service, a scheduled task or a computation, never offered)."""

    sources: tuple[str, ...]
    target: str
    verb: str | None = None


def moves(verb: str, targets: dict) -> tuple[Transition, ...]:
    """The transitions of a board, `{from: [to, ...]}`, all made by one verb (a lead's status, a deal's stage)."""
    return tuple(Transition((source,), target, verb) for source, listed in targets.items() for target in listed)


@dataclass(frozen=True)
class Verb:
    """Something a reader may do to a record of the type (issue, convert, record a payment), offered by the
    record's `availableActions`. It may run from the sources of the pipeline transitions it performs; a verb that
    moves no status says where it may run in `states` ({field: (values, ...)}). `guard`, `(record) -> None`, raises
    the ValidationError the verb's service would raise now: the service calls the same function."""

    key: str
    label: str
    guard: object = None
    states: dict = field(default_factory=dict)
    right: str = "edit"  # the module right it needs (saas.access.enums.Action)


@dataclass(frozen=True)
class RecordType:
    key: str  # module key, e.g. "accounts"
    model: type[models.Model]
    label: str
    label_plural: str
    graphql_type: str
    number_prefix: str
    icon: str = ""
    number_pattern: str = ""
    gapless: bool = False
    company_scoped: bool = False
    header_fields: tuple[str, ...] = ()
    key_fields: tuple[str, ...] = ()
    quick_create_fields: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    relations: tuple[Relation, ...] = ()
    search_fields: tuple[str, ...] = ()
    # What its GraphQL list may filter and sort on (saas.records.api.derived); empty: every plain field.
    filter_fields: tuple[str, ...] = ()
    ordering_fields: tuple[str, ...] = ()
    # Fields only the type's verbs set (a lead's conversion): left out of its create and update inputs.
    read_only_fields: tuple[str, ...] = ()
    # The type's list selector, `(actor=, include_deleted=) -> QuerySet`: generic lookups (node ids in
    # mutations, roll-up targets) read through it, so access rules written there apply everywhere.
    list_selector: object = None
    # Records that may not be deleted in some states: {field: (values, ...)} (an issued invoice is kept).
    protected_when: dict = field(default_factory=dict)
    # False for documents numbered when issued (invoices): drafts have no number (DOMAIN.md section 1.3).
    number_on_create: bool = True
    # Status fields changed only through `record_transition`: {field: (Transition, ...)}; `record_update` refuses
    # them. Every value of the field's choices is a state of its pipeline.
    pipelines: dict = field(default_factory=dict)
    verbs: tuple[Verb, ...] = ()
    # The type's own rules on a new record's values, `(fields) -> fields` raising ValidationError, free of
    # writes and queries: its create service and `records_create_many` both apply them.
    create_clean: object = None
    # True when creating a record of the type is only `create_clean` + the engine's work (no other write, no
    # check or unique constraint but the engine's): imports then create its rows by batches
    # (`records_create_many`); other types are created one by one through `record_create`.
    bulk_create: bool = False
    # How the type shows in the web app and the metadata query (saas.records.metadata derives the rest from the
    # model): its navigation area (default: its app) and rank there, its list (columns, the first is the title;
    # text-searched fields; default sort, "-" for newest first), what its forms edit when it is not every
    # editable field of its blocks, and the tone of each choice value ("good", "warn", "bad").
    area: str = ""
    nav_order: int = 0
    path: str = ""  # the web address of its list, when it is not the key with dashes
    add_label: str = ""
    list_columns: tuple = ()
    list_search: tuple[str, ...] = ()
    list_filters: tuple[str, ...] = ()  # choice fields (or computed enum columns) the list filters on
    list_sort: str = ""
    form_fields: tuple[str, ...] | None = None
    create_only_fields: tuple[str, ...] = ()
    defaulted_fields: tuple[str, ...] = ()  # required by the model, but filled by the create service when left empty
    field_kinds: dict = field(default_factory=dict)
    tones: dict = field(default_factory=dict)
    label_fr: str = ""
    label_plural_fr: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def default_pattern(self) -> str:
        return self.number_pattern or f"{self.number_prefix}-{{YYYY}}-{{SEQ:5}}"

    def verb(self, key: str) -> Verb | None:
        return next((verb for verb in self.verbs if verb.key == key), None)

    def verb_states(self, key: str) -> dict[str, frozenset]:
        """Where a verb may run: {field: states}, from the transitions it performs, else from its `states`."""
        states: dict[str, set] = {}
        for name, transitions in self.pipelines.items():
            for transition in transitions:
                if transition.verb == key:
                    states.setdefault(name, set()).update(transition.sources)
        if not states and (verb := self.verb(key)) is not None:
            states = verb.states
        return {name: frozenset(values) for name, values in states.items()}

    @property
    def link_fields(self) -> tuple[str, ...]:
        """Foreign keys to other records: the records this one points to (roll-up rule 2)."""
        from saas.records.models import Record

        return tuple(
            f.name for f in self.model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is not None
            and issubclass(f.related_model, Record)
        )


_types: dict[str, RecordType] = {}
_by_model: dict[type[models.Model], RecordType] = {}


def register(record_type: RecordType) -> None:
    existing = _types.get(record_type.key)
    if existing is not None and existing.model is not record_type.model:
        raise ValueError(f"record type {record_type.key!r} is already registered")
    _types[record_type.key] = record_type
    _by_model[record_type.model] = record_type
    # Every record type is a module rights are given on (saas.access), in its app's area.
    from saas.access import modules
    from saas.records.models import Record

    own = {f.name for f in Record._meta.fields} | {"id"}
    modules.register(record_type.key, area=record_type.model._meta.app_label, label=record_type.label,
                     fields=tuple(f.name for f in record_type.model._meta.concrete_fields
                                  if f.editable and f.name not in own and not f.name.endswith("_ptr")))


def add_relation(key: str, relation: Relation) -> None:
    """A later app adds a related tab to an earlier app's record type (sales adds invoices to accounts)."""
    record_type = _types[key]
    if any(existing.key == relation.key for existing in record_type.relations):
        return
    register(replace(record_type, relations=(*record_type.relations, relation)))


def get(key: str) -> RecordType | None:
    return _types.get(key)


def for_model(model: type[models.Model]) -> RecordType:
    model = model._meta.concrete_model
    return _by_model[model]


def find_for_model(model: type[models.Model]) -> RecordType | None:
    """The record type of a model, or None when it is not a record (a tag, a document…)."""
    return _by_model.get(model._meta.concrete_model)


def all_types() -> list[RecordType]:
    return list(_types.values())
