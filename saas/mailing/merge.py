"""Merge fields of email templates: Django's template language, cut down to variables and a few filters.

`{{ invoice.total_incl_vat }}`, `{{ account.name }}`, `{{ record.number|default:"-" }}`: a template names the
record as `record` or by its type (`invoice`), and the records it links to by their field (`account`). No tag
runs (no `{% if %}`, `{% include %}`, `{% load %}`): a template is refused unless it is text and variables.
Rendering never hands the template a model instance: only the values of the fields it names, read here, so
no method is called and no field outside the template's own paths can leak.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import TextNode, VariableNode

from saas.companies.selectors import is_company_model
from saas.records import registry

ALLOWED_FILTERS = frozenset({
    "date", "time", "default", "default_if_none", "upper", "lower", "title", "capfirst", "floatformat",
    "truncatechars", "truncatewords", "yesno", "cut", "slice", "first", "last", "join", "length", "add",
})
# Engine columns no email needs; user links are left out because they are not records (see _linkable).
HIDDEN_FIELDS = frozenset({"ref", "custom", "version"})
# autoescape off: these are plain-text emails, `&` must stay `&`.
ENGINE = Engine(autoescape=False)


class MergeError(ValueError):
    """A template that is not text and variables, or that names fields its module does not have."""

    def __init__(self, message: str, *, unknown: list[str] | None = None):
        super().__init__(message)
        self.unknown = unknown or []


def alias(model: type[models.Model]) -> str:
    """The record's own name in templates: `invoice`, `sales_order`, `credit_note`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def _linkable(model: type[models.Model]) -> bool:
    return is_company_model(model) or registry.find_for_model(model) is not None


def roots(model: type[models.Model]) -> dict[str, type[models.Model] | None]:
    """The names a template of this record type starts from: the record, and the records it links to."""
    names: dict[str, type[models.Model] | None] = {"record": model, alias(model): model}
    for field in model._meta.concrete_fields:
        if field.many_to_one and field.name not in HIDDEN_FIELDS and _linkable(field.related_model):
            names.setdefault(field.name, field.related_model)
    return names


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not field.concrete or name in HIDDEN_FIELDS or name.endswith("_id"):
        return None
    if field.is_relation and not _linkable(field.related_model):
        return None
    return field


def path_known(model: type[models.Model], path: tuple[str, ...]) -> bool:
    """Does `account.name` (as parts) name a field of the record or of a record it links to?"""
    current = roots(model).get(path[0])
    if current is None:
        return False
    for index, part in enumerate(path[1:], start=1):
        field = _field(current, part)
        if field is None:
            return False
        if field.is_relation:
            current = field.related_model
        elif index < len(path) - 1:
            return False
    return True


def path_fields(model: type[models.Model], path: tuple[str, ...]) -> list[tuple[type[models.Model], str]]:
    """The `(model, field name)` pairs a known path reads: `account.name` of an invoice reads Invoice.account
    and Account.name."""
    pairs = []
    current = model
    if path[0] not in ("record", alias(model)):
        pairs.append((model, path[0]))
        current = model._meta.get_field(path[0]).related_model
    for part in path[1:]:
        pairs.append((current, part))
        field = current._meta.get_field(part)
        if not field.is_relation:
            break
        current = field.related_model
    return pairs


def available(model: type[models.Model]) -> list[str]:
    """Every merge field one link deep, for the template editor's list."""
    paths = []
    for root, root_model in roots(model).items():
        if root == "record":
            continue
        paths += [f"{root}.{f.name}" for f in root_model._meta.concrete_fields
                  if _field(root_model, f.name) is not None and not f.is_relation]
    return paths


@dataclass(frozen=True)
class Parsed:
    template: object
    paths: frozenset[tuple[str, ...]]


def parse(text: str) -> Parsed:
    """The template and the variable paths it reads; MergeError for tags, unknown filters, bad syntax."""
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise MergeError(str(error)) from None
    paths = set()
    for node in template.nodelist:
        if isinstance(node, TextNode):
            continue
        if not isinstance(node, VariableNode):
            raise MergeError("Only merge fields ({{ … }}) are allowed, no template tags ({% … %}).")
        expression = node.filter_expression
        variables = [expression.var]
        for func, args in expression.filters:
            name = getattr(func, "_filter_name", "")
            if name not in ALLOWED_FILTERS:
                raise MergeError(f"Unknown filter: {name}.")
            variables += [value for is_variable, value in args if is_variable]
        paths.update(tuple(v.lookups) for v in variables if getattr(v, "lookups", None))
    return Parsed(template=template, paths=frozenset(paths))


def check(model: type[models.Model], text: str) -> None:
    """Refuse (MergeError listing them) a template naming fields the record type does not have."""
    unknown = sorted(".".join(path) for path in parse(text).paths if not path_known(model, path))
    if unknown:
        raise MergeError("Unknown merge field: " + ", ".join(unknown) + ".", unknown=unknown)


class Merged(dict):
    """A record in the template's context: its named fields, and its display name when printed alone."""

    def __init__(self, shown: str):
        super().__init__()
        self.shown = shown

    def __str__(self) -> str:
        return self.shown


def _value(record: models.Model, field: models.Field):
    value = getattr(record, field.attname)
    if value is None:
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return value


def render(record: models.Model, text: str) -> str:
    """The text with the record's values merged in (fields that are empty, or links that are not set, give "")."""
    parsed = parse(text)
    model = type(record)
    context: dict[str, Merged] = {}
    for path in parsed.paths:
        if not path_known(model, path):  # the module's fields changed since the template was saved
            continue
        current = record if path[0] in ("record", alias(model)) else getattr(record, path[0])
        if current is None:
            continue
        node = context.setdefault(path[0], Merged(str(current)))
        for part in path[1:]:
            field = _field(type(current), part)
            if not field.is_relation:
                node[part] = _value(current, field)
                break
            current = getattr(current, part)
            if current is None:
                break
            node = node.setdefault(part, Merged(str(current)))
    return parsed.template.render(Context(context, autoescape=False))
