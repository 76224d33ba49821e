"""`fieldValues(names:)` on every record: any of its fields by name, formatted in the request's language.

A list page asks for its columns by name and gets, per record, what the header and key fields give (`field`,
`label`, `type`, `value` as shown, `raw`). Names are the model's fields, `owner`, and `custom.<key>` for the
module's custom fields; a name the record type does not have is refused (BAD_USER_INPUT) for the whole request,
as a mistyped column is the client's bug. A field the reader's profile hides is left out of the answer, as the
header and key fields leave it out (values are matched by `field`, not by position); custom fields carry no field
rights. No query per row: the links named are prefetched with the list (`NamedLinks`), custom field definitions
and rights are read once per request.
"""

from django.db import models
from django.utils.translation import gettext as _
from strawberry.types import Info
from strawberry_django.optimizer import OptimizerStore

from graphql import GraphQLError, value_from_ast
from saas.access.rights import field_access
from saas.records import registry
from saas.records.selectors import layouts as layout_selectors

CUSTOM = "custom."
OWNER = "owner"
# Engine columns with nothing to show by name: the owner is `owner`, custom fields are `custom.<key>`.
NOT_BY_NAME = frozenset({"id", "ref", "custom", "owner_user", "owner_team"})


def field_names(model: type[models.Model]) -> frozenset[str]:
    """The names `fieldValues` takes for a record type's own columns."""
    return frozenset(f.name for f in model._meta.concrete_fields
                     if f.name not in NOT_BY_NAME and not f.name.endswith("_ptr")) | {OWNER}


def field_values(root, info: Info, names: list[str], definitions: dict) -> list[layout_selectors.FieldValue]:
    """The values of `names` for the reader; `definitions`: the module's custom fields by key."""
    record_type = registry.for_model(type(root))
    known = field_names(record_type.model)
    unknown = [name for name in names if name not in known
               and not (name.startswith(CUSTOM) and name.removeprefix(CUSTOM) in definitions)]
    if unknown:
        raise GraphQLError(_("%(module)s has no field %(names)s.") % {
            "module": record_type.label, "names": ", ".join(unknown)},
            extensions={"code": "BAD_USER_INPUT", "fields": unknown})
    hidden, _locked = field_access(info.context.user, record_type.key)
    shown = [name for name in dict.fromkeys(names) if name not in hidden]
    values = layout_selectors.field_values(root, shown, definitions, actor=info.context.user)
    for value in values:
        if value.field == OWNER:
            value.label = _("Owner")
    return values


def _links(model: type[models.Model], names) -> list[str]:
    links = []
    for name in names:
        if name == OWNER:
            links += ["owner_user", "owner_team"]
        elif name in field_names(model) and isinstance(model._meta.get_field(name), models.ForeignKey):
            links.append(name)
    return links


class NamedLinks(OptimizerStore):
    """The optimizer's hints of `fieldValues`: the links its `names` argument names, prefetched for the whole list
    (the record's own columns come with its row)."""

    def __bool__(self) -> bool:  # consulted even before the schema adds the row's columns to it
        return True

    def _with_links(self, info: Info) -> OptimizerStore:
        raw = info._raw_info
        record_type = next((t for t in registry.all_types() if t.graphql_type == raw.parent_type.name), None)
        links = []
        if record_type is not None:  # read through the interface alone, the model is not known: nothing to add
            argument = raw.parent_type.fields[raw.field_name].args["names"]
            given = next((node.value for node in raw.field_nodes[0].arguments if node.name.value == "names"), None)
            names = value_from_ast(given, argument.type, raw.variable_values) if given is not None else None
            links = _links(record_type.model, names if isinstance(names, list) else [])
        return OptimizerStore(only=list(self.only), select_related=list(self.select_related),
                              prefetch_related=[*self.prefetch_related, *links], annotate=dict(self.annotate))

    def with_resolved_callables(self, info: Info) -> OptimizerStore:
        return self._with_links(info)

    def with_prefix(self, prefix: str, *, info: Info) -> OptimizerStore:
        return self._with_links(info).with_prefix(prefix, info=info)
