"""Lists filtered and sorted by a custom field: its value read from the record's `custom` JSONB, typed by its
definition (a number compares as a number, a date as a date), in the list's own query."""

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, DateField, DecimalField, Func, Q, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, IContains, LessThan, LessThanOrEqual
from django.utils.translation import gettext as _

from saas.records import error_codes, registry
from saas.records.enums import CustomFieldType
from saas.records.models import CustomFieldDefinition
from saas.records.services.custom_fields import custom_value_clean

# What a stored value of each type looks like as text; anything else (a value kept from a removed field of the
# same key and another type) reads as empty rather than failing the cast and the whole list.
SHAPES = {
    CustomFieldType.NUMBER: (r"^-?[0-9]+$", DecimalField()),
    CustomFieldType.DECIMAL: (r"^-?[0-9]+(\.[0-9]+)?$", DecimalField()),
    CustomFieldType.DATE: (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", DateField()),
    CustomFieldType.BOOLEAN: (r"^(true|false)$", BooleanField()),
}
COMPARISONS = {"exact": Exact, "gt": GreaterThan, "gte": GreaterThanOrEqual, "lt": LessThan,
               "lte": LessThanOrEqual}


def custom_field_definition_of(model, key: str) -> CustomFieldDefinition:
    """The definition of a custom field of the model's module, or a coded refusal naming the key."""
    record_type = registry.find_for_model(model)
    definition = None if record_type is None else CustomFieldDefinition.objects.filter(
        module=record_type.key, key=key).first()
    if definition is None:
        raise ValidationError({f"custom.{key}": ValidationError(_("Unknown custom field."),
                                                                code=error_codes.UNKNOWN_CUSTOM_FIELD)})
    return definition


def custom_field_value(definition: CustomFieldDefinition, prefix: str = ""):
    """The field's value in SQL, of its type (NULL when the record has none)."""
    text = KeyTextTransform(definition.key, f"{prefix}custom")
    shape = SHAPES.get(definition.field_type)
    if shape is None:
        return text
    pattern, output = shape
    # numeric without a precision (Cast would give DecimalField's numeric(p, s), which needs one).
    typed = Func(text, template="(%(expressions)s)::numeric", output_field=output) \
        if isinstance(output, DecimalField) else Cast(text, output)
    return Case(When(Q(**{f"{prefix}custom__{definition.key}__regex": pattern}), then=typed),
                default=None, output_field=output)


def custom_field_condition(model, *, prefix: str, key: str, lookups: dict) -> Q:
    """Records whose custom field `key` meets every lookup given (`exact`, `gt`, `gte`, `lt`, `lte`: values of
    the field's type, checked as a write would check them; `i_contains`: text; `is_null`; `matches`: a text
    read by the field's type)."""
    definition = custom_field_definition_of(model, key)
    value = custom_field_value(definition, prefix)
    condition = Q()
    for name, wanted in lookups.items():
        if name == "is_null":
            missing = Q(**{f"{prefix}custom__{key}__isnull": True})
            condition &= missing if wanted else ~missing
        elif name == "i_contains" or (name == "matches" and definition.field_type == CustomFieldType.TEXT):
            condition &= Q(IContains(KeyTextTransform(key, f"{prefix}custom"), str(wanted)))
        else:
            try:
                typed = custom_value_clean(definition, _typed_as_written(definition, wanted) if name == "matches"
                                           else wanted)
            except ValidationError as refusal:
                raise ValidationError({f"custom.{key}": refusal}) from refusal
            condition &= Q(COMPARISONS.get(name, Exact)(value, typed))
    return condition


def _typed_as_written(definition: CustomFieldDefinition, text: str):
    """A `matches` text as the value a write would take: a yes/no field's true or false, a decimal written with
    a decimal comma and spaces between thousands; anything else as typed (a number, YYYY-MM-DD, a choice), which
    the write's check refuses when it is none of the field's values."""
    if definition.field_type == CustomFieldType.BOOLEAN:
        return {"true": True, "false": False}.get(text.strip().lower(), text)
    if definition.field_type == CustomFieldType.DECIMAL:
        return "".join(text.split()).replace(",", ".")  # 1 500,25 as the French write it
    return text


def custom_field_ordering(model, *, prefix: str, key: str, descending: bool):
    """The `order_by` term of a list sorted by a custom field; records without a value come last."""
    value = custom_field_value(custom_field_definition_of(model, key), prefix)
    return value.desc(nulls_last=True) if descending else value.asc(nulls_last=True)
