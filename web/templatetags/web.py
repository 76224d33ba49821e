"""Template filters that present GraphQL values (ISO dates, decimal strings, enum names) in the user's language."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext

from web.app.labels import enum_label, field_label
from web.app.labels import tone as tone_of

register = template.Library()


@register.filter
def get(mapping, key):
    """`mapping[key]`, or nothing: `errors|get:"email"`."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def money(value, currency: str = ""):
    """A decimal as the GraphQL API sends it (a string), localized with two places."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    text = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    return f"{text} {currency_symbol(currency)}".strip() if currency else text


def currency_symbol(code: str) -> str:
    return {"EUR": "€", "USD": "$", "GBP": "£"}.get(code, code)


@register.filter
def day(value):
    """An ISO date (or datetime) in the short date format of the user's language."""
    if not value:
        return ""
    try:
        parsed = date.fromisoformat(str(value)[:10])
    except ValueError:
        return value
    return formats.date_format(parsed, "SHORT_DATE_FORMAT")


@register.filter
def moment(value):
    """An ISO datetime in the local time zone, with the time."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return value
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return formats.date_format(parsed, "SHORT_DATETIME_FORMAT")


@register.filter
def field_value(field: dict):
    """A `FieldValue` of the API (header, key fields) formatted by its model field type."""
    value, kind = field.get("value"), field.get("type")
    if value in (None, ""):
        return "—"
    if kind == "DateField":
        return day(value)
    if kind == "DateTimeField":
        return moment(value)
    if kind == "DecimalField":
        return money(value)
    if kind == "BooleanField":
        return gettext("Yes") if field.get("raw") else gettext("No")
    return value


@register.filter
def enum(value):
    """An enum value of the API (`ISSUED`) as a label (`Issued`, `Émise`)."""
    return enum_label(value)


register.filter("field_label", field_label)


@register.filter
def initial(text):
    return (str(text or "?").strip() or "?")[:1].upper()


@register.filter
def tone(value):
    """The colour of a status chip: good, warn, bad or neutral."""
    return tone_of(value)
