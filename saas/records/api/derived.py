"""A record type's GraphQL derived from its model and its RecordType: the declaration is the single source.

`@record_type(Model)` on a class implementing `Record` gives it, from the model:
- its plain fields, typed from the model field's class (text, integer, boolean, decimal, date, date-time), nullable
  where the column is; a field with choices as the GraphQL enum of its choices class (one per class: the name a
  `graphql_enum` already gave it, else the class's name), blank read as null; a link to another record as that
  record's type;
- its filter type (`<Type>Filter`, lookups) and ordering type (`<Type>Ordering`) on the RecordType's
  `filter_fields` and `ordering_fields` (else every plain field), with the filters and orderings every list shares;
and `inputs(Model)` its create input (`<Type>Input`: required where the field is neither blank nor defaulted) and
its update input (`<Type>UpdateInput`: all optional, omitted keeps the value), with `input_fields` to turn either
into the fields a service takes. What the type does beyond that — drill-down connections, computed fields,
verbs — stays code on the class; a field the class declares itself is not derived.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db import models
from strawberry import UNSET, auto, relay
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from saas.core.graph import enum_of_choices, graphql_enum
from saas.records import registry
from saas.records.api.schema import record_of
from saas.records.api.types import RecordFilterFields, RecordOrderFields
from saas.records.models import Record

# Most specific first: a date-time field is a date field, a positive integer field an integer field.
SCALARS: tuple[tuple[type[models.Field], type], ...] = (
    (models.DateTimeField, datetime), (models.DateField, date), (models.DecimalField, Decimal),
    (models.BooleanField, bool), (models.IntegerField, int), (models.CharField, str), (models.TextField, str),
)
ENGINE_FIELDS = frozenset(f.name for f in Record._meta.get_fields()) | {"id"}

_filters: dict[type[models.Model], type] = {}


def plain_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's own columns (not the engine's): scalars, choices, and links to other records."""
    return [f for f in model._meta.concrete_fields
            if f.name not in ENGINE_FIELDS and not f.name.endswith("_ptr")
            and (_links_record(f) or (not f.is_relation and _scalar(f) is not None))]


def _links_record(field: models.Field) -> bool:
    return isinstance(field, models.ForeignKey) and registry.find_for_model(field.related_model) is not None


def _scalar(field: models.Field) -> type | None:
    return next((python for django, python in SCALARS if isinstance(field, django)), None)


def enum_for(field: models.Field) -> type[Enum]:
    """The GraphQL enum of a field's choices: the one made for its choices class, else one named after it."""
    enum = enum_of_choices(field.choices)
    if enum is not None:
        return enum
    classes = [cls for cls in _choices_classes(models.Choices) if list(cls.choices) == list(field.choices)]
    if len(classes) != 1:
        raise TypeError(f"{field}: choices of no single Choices class; name its enum with graphql_enum()")
    return graphql_enum(classes[0].__name__, classes[0])


def _choices_classes(base: type) -> list[type]:
    """Every Choices class with members (TextChoices and IntegerChoices themselves have none)."""
    found = []
    for cls in base.__subclasses__():
        found += ([cls] if cls.__members__ else []) + _choices_classes(cls)
    return found


def _nullable(field: models.Field) -> bool:
    return field.null or (field.blank and bool(field.choices))


def _related_type(field: models.ForeignKey) -> Any:
    """The GraphQL type of a linked record, by convention `<GraphQLType>Type` in its app's `api.types`."""
    target = registry.for_model(field.related_model)
    module = field.related_model.__module__.rsplit(".", 1)[0] + ".api.types"
    return Annotated[f"{target.graphql_type}Type", strawberry.lazy(module)]


def _enum_field(field: models.Field, enum: type[Enum]):
    """A choices field read as its enum; blank (no choice made) as null."""
    def resolve(root) -> Any:
        value = getattr(root, field.attname)
        return enum(value) if value else None

    resolve.__annotations__["return"] = enum | None if _nullable(field) else enum
    resolve.__name__ = field.name
    return strawberry_django.field(resolver=resolve, only=[field.attname], description=str(field.help_text) or None)


def record_type(model: type[models.Model], *, filters: type | None = None, ordering: type | None = None):
    """Decorate a class implementing `Record` into the strawberry-django type of `model`'s record type, with its
    derived fields, filter and ordering (or the `filters` and `ordering` given, where they are more than lookups
    on fields: a derived payment status, typed status lookups)."""
    declared = registry.for_model(model)

    def decorate(cls):
        own = cls.__dict__.get("__annotations__", {})
        annotations = {}
        for field in plain_fields(model):
            if field.name in own or field.name in cls.__dict__:
                continue
            if field.choices:
                setattr(cls, field.name, _enum_field(field, enum_for(field)))
            elif field.is_relation:
                annotations[field.name] = _related_type(field) | None if field.null else _related_type(field)
            else:
                annotations[field.name] = _scalar(field) | None if field.null else _scalar(field)
        cls.__annotations__ = {**annotations, **own}
        return strawberry_django.type(model, name=declared.graphql_type, filters=filters or filter_type(model),
                                      ordering=ordering or ordering_type(model))(cls)

    return decorate


def filter_type(model: type[models.Model]) -> type:
    """`<Type>Filter`: lookups on the RecordType's `filter_fields` (else every plain field), a link filtered by
    its record's filter, and the filters every list shares; made once per model."""
    if model in _filters:
        return _filters[model]
    declared = registry.for_model(model)
    cls = type(f"{declared.graphql_type}Filter", (RecordFilterFields,), {"__module__": __name__})
    names = declared.filter_fields or tuple(f.name for f in plain_fields(model))
    annotations = {}
    for name in names:
        field = model._meta.get_field(name)
        if _links_record(field):
            target = cls if field.related_model is model else filter_type(field.related_model)
            annotations[name] = target | None
        else:
            annotations[name] = auto
    cls.__annotations__ = annotations
    _filters[model] = strawberry_django.filter_type(model, lookups=True, name=cls.__name__)(cls)
    return _filters[model]


def ordering_type(model: type[models.Model]) -> type:
    """`<Type>Ordering` on the RecordType's `ordering_fields` (else every plain field that is no link), and the
    orderings every list shares."""
    declared = registry.for_model(model)
    names = declared.ordering_fields or tuple(f.name for f in plain_fields(model) if not f.is_relation)
    cls = type(f"{declared.graphql_type}Ordering", (RecordOrderFields,),
               {"__module__": __name__, "__annotations__": dict.fromkeys(names, auto)})
    return strawberry_django.order_type(model, name=cls.__name__)(cls)


def input_model_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields create and update take: the editable plain ones, but status fields (changed by transitions)
    and those only the type's verbs set."""
    declared = registry.for_model(model)
    kept_out = set(declared.pipelines) | set(declared.read_only_fields)
    return [f for f in plain_fields(model) if f.editable and f.name not in kept_out]


def _input_name(field: models.Field) -> str:
    return f"{field.name}_id" if field.is_relation else field.name


def _input_class(name: str, model, *, create: bool, extra: dict) -> type:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": __name__}
    for field in input_model_fields(model):
        python = relay.GlobalID if field.is_relation else enum_for(field) if field.choices else _scalar(field)
        key = _input_name(field)
        required = create and not (field.blank or field.null or field.has_default())
        annotations[key] = python if required else python | None
        description = str(field.help_text) or None
        if not required:
            namespace[key] = strawberry.field(default=UNSET, description=description)
        elif description:
            namespace[key] = strawberry.field(description=description)
    for key, (annotation, default) in extra.items():
        annotations[key] = annotation
        namespace[key] = default
    annotations["custom"] = JSON | None
    namespace["custom"] = UNSET
    namespace["__annotations__"] = annotations
    return strawberry.input(name=name)(type(name, (), namespace))


def inputs(model: type[models.Model], *, extra: dict | None = None) -> tuple[type, type]:
    """The create input `<Type>Input` and the update input `<Type>UpdateInput` of a record type; `extra` adds
    fields of the type's own to the create input (`{name: (annotation, strawberry.field(...))}`)."""
    name = registry.for_model(model).graphql_type
    return (_input_class(f"{name}Input", model, create=True, extra=extra or {}),
            _input_class(f"{name}UpdateInput", model, create=False, extra={}))


def input_fields(info: Info, model: type[models.Model], data) -> dict:
    """The model fields a create or update input gives, as its service takes them: a link as the record (seen
    through its type's selector, else `not_found` under the input's name), a choice as its stored value; null
    clears a text, a link, a nullable column or a blank choice, and leaves any other field as it is (its default on
    create)."""
    fields = {}
    for field in input_model_fields(model):
        value = getattr(data, _input_name(field), UNSET)
        if value is UNSET:
            continue
        if field.is_relation:
            target = registry.for_model(field.related_model).graphql_type
            fields[field.name] = None if value is None else record_of(
                info, value, field=to_camel_case(_input_name(field)), types=(target,))
        elif value is None:
            if field.null:
                fields[field.name] = None
            elif _scalar(field) is str and (field.blank or not field.choices):
                fields[field.name] = ""  # a required text cleared is refused by the type's own rules
        else:
            fields[field.name] = value.value if isinstance(value, Enum) else value
    return fields


def custom_values(data) -> dict | None:
    """The custom field values an input gives, or None."""
    return None if data.custom in (UNSET, None) else data.custom
