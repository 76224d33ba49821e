"""Conditions of a workflow: field paths (`account.industry` follows links), operators, validation, evaluation.

A condition reads the record as it is after the save; "has changed" and "changed to" read the changes of that
save, and "first becomes true" compares with the record as it was before it (the changed fields put back).
"""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.workflows import error_codes
from saas.workflows.enums import Match, Operator

WITHOUT_VALUE = {Operator.IS_EMPTY, Operator.IS_NOT_EMPTY, Operator.HAS_CHANGED}
ON_CHANGES = {Operator.HAS_CHANGED, Operator.CHANGED_TO}
DAYS = {Operator.IN_LAST_DAYS, Operator.OLDER_THAN_DAYS}


def field_path(model: type[models.Model], path: str) -> list[models.Field]:
    """The fields a dotted path walks through, each segment but the last a link; FieldDoesNotExist otherwise."""
    fields, current = [], model
    names = (path or "").split(".")
    for position, name in enumerate(names):
        field = current._meta.get_field(name)
        if not field.concrete or getattr(field, "many_to_many", False):
            raise FieldDoesNotExist(name)
        fields.append(field)
        if position < len(names) - 1:
            if not (field.many_to_one or field.one_to_one):
                raise FieldDoesNotExist(name)
            current = field.related_model
    return fields


def coerce(field: models.Field, value):
    """A condition's or action's JSON value as the field's Python value (a link compares by its id)."""
    if value is None or value == "":
        return None if field.null or field.is_relation else value
    if field.is_relation:
        return field.target_field.to_python(value)
    return field.to_python(value)


def conditions_clean(model: type[models.Model], match: str, conditions) -> list[dict]:
    """The conditions, checked against the module's fields; refused condition by condition."""
    errors = {}
    if match not in Match.values:
        errors["match"] = ValidationError(_("Match all or any conditions."), code=error_codes.OPERATOR_UNKNOWN)
    if not isinstance(conditions, list):
        raise ValidationError({"conditions": ValidationError(_("Conditions are a list."),
                                                             code=error_codes.VALUE_INVALID)})
    cleaned = []
    for index, condition in enumerate(conditions):
        key = f"conditions.{index}"
        condition = condition if isinstance(condition, dict) else {}
        path, operator, value = condition.get("field", ""), condition.get("operator"), condition.get("value")
        try:
            fields = field_path(model, path)
        except FieldDoesNotExist:
            errors[f"{key}.field"] = ValidationError(_("Unknown field: %(field)s.") % {"field": path},
                                                     code=error_codes.FIELD_UNKNOWN)
            continue
        if operator not in Operator.values:
            errors[f"{key}.operator"] = ValidationError(_("Unknown operator."), code=error_codes.OPERATOR_UNKNOWN)
            continue
        if operator in ON_CHANGES and len(fields) > 1:
            errors[f"{key}.field"] = ValidationError(_("Changes are known for the record's own fields only."),
                                                     code=error_codes.FIELD_UNKNOWN)
            continue
        try:
            if operator in DAYS:
                if int(value) < 0:
                    raise ValueError
                value = int(value)
            elif operator not in WITHOUT_VALUE and operator != Operator.CONTAINS:
                coerce(fields[-1], value)
        except (TypeError, ValueError, ValidationError):
            errors[f"{key}.value"] = ValidationError(_("This value does not fit the field."),
                                                     code=error_codes.VALUE_INVALID)
            continue
        cleaned.append({"field": path, "operator": operator, "value": None if operator in WITHOUT_VALUE else value})
    if errors:
        raise ValidationError(errors)
    return cleaned


def read(record: models.Model, path: str, before: dict | None = None):
    """The value at `path` (a link as its id); `before` holds the record's own fields as they were."""
    fields = field_path(type(record), path)
    if before is not None and len(fields) == 1 and fields[0].name in before:
        return coerce(fields[0], before[fields[0].name])
    current = record
    for field in fields[:-1]:
        current = getattr(current, field.name)
        if current is None:
            return None
    return getattr(current, fields[-1].attname)


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _holds(condition: dict, record, changes: dict, before: dict | None) -> bool:
    path, operator, expected = condition["field"], condition["operator"], condition.get("value")
    if operator in ON_CHANGES:
        if before is not None or path not in changes:
            return False
        if operator == Operator.HAS_CHANGED:
            return True
    value = read(record, path, before)
    field = field_path(type(record), path)[-1]
    if operator in (Operator.IS_EMPTY, Operator.IS_NOT_EMPTY):
        return (value in (None, "", [], {})) == (operator == Operator.IS_EMPTY)
    if operator == Operator.CONTAINS:
        return str(expected or "").casefold() in str(value or "").casefold()
    if operator in DAYS:
        day = _day(value)
        if day is None:
            return False
        limit = timezone.localdate() - dt.timedelta(days=int(expected))
        return limit <= day <= timezone.localdate() if operator == Operator.IN_LAST_DAYS else day < limit
    expected = coerce(field, expected)
    if operator in (Operator.EQUALS, Operator.CHANGED_TO):
        return value == expected
    if operator == Operator.NOT_EQUALS:
        return value != expected
    if value is None or expected is None:
        return False
    return value > expected if operator == Operator.GREATER else value < expected


def conditions_hold(*, match: str, conditions: list[dict], record, changes: dict,
                    before: dict | None = None) -> bool:
    """Do the conditions hold for the record (or, given `before`, for the record as it was before the save)?"""
    if not conditions:
        return True
    combine: Callable = all if match == Match.ALL else any
    return combine(_holds(condition, record, changes, before) for condition in conditions)
