"""Reading a CSV file: its encoding, its delimiter, and cell text turned into field values."""

import csv
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from saas.imports import error_codes

DELIMITERS = ",;\t|"
# Bytes 0x80–0x9F are printable in Windows-1252 (€, œ, ’…) and control characters in ISO-8859-15;
# these are where ISO-8859-15 differs from Windows-1252 (€ Š š Ž ž Œ œ Ÿ in place of ¤ ¦ ¨ ´ ¸ ¼ ½ ¾).
C1 = re.compile(rb"[\x80-\x9f]")
LATIN9_ONLY = re.compile(rb"[\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe]")
TRUE = {"1", "true", "yes", "y", "oui", "o", "x", "vrai"}
FALSE = {"0", "false", "no", "n", "non", "faux", ""}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y")


class CellError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else Windows-1252 or ISO-8859-15."""
    if b"\x00" in data:
        # UTF-16/32 or a binary file: a CSV in one of the accepted encodings never holds NUL bytes.
        raise ValidationError({"file": ValidationError(
            _("The file is not text in UTF-8, ISO-8859-15 or Windows-1252."), code=error_codes.ENCODING_UNKNOWN)})
    if data.startswith(b"\xef\xbb\xbf"):
        return _decoded(data[3:], "utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if LATIN9_ONLY.search(data) and not C1.search(data):
        return data.decode("iso-8859-15"), "iso-8859-15"
    return _decoded(data, "cp1252"), "windows-1252"


def _decoded(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ValidationError({"file": ValidationError(
            _("The file is not valid %(encoding)s (byte %(position)d).") % {
                "encoding": encoding, "position": error.start}, code=error_codes.ENCODING_UNKNOWN)}) from error


def delimiter_of(text: str) -> str:
    """The delimiter, guessed from the first lines; when they disagree (a ragged row), the one the header
    line uses most; a single-column file falls back to a comma."""
    lines = text[:64 * 1024].splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def reader(text: str, delimiter: str):
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def convert(field: models.Field, text: str, *, links: "LinkResolver"):
    """A cell's text as a value of `field`, or CellError with a report code."""
    text = text.strip()
    if isinstance(field, models.ForeignKey):
        return links.resolve(field, text) if text else None
    if field.choices and text:
        for value, label in field.flatchoices:
            if text.casefold() in (str(value).casefold(), str(label).casefold()):
                return value
        raise CellError(error_codes.INVALID_CHOICE, _("“%(value)s” is not one of the choices.") % {"value": text})
    if isinstance(field, models.BooleanField):
        if text.casefold() in TRUE:
            return True
        if text.casefold() in FALSE:
            return False
        raise CellError(error_codes.INVALID_BOOLEAN, _("“%(value)s” is not yes or no.") % {"value": text})
    if not text:
        return None if field.null else ("" if isinstance(field, models.CharField | models.TextField)
                                        else field.get_default())
    if isinstance(field, models.DateTimeField):
        raise CellError(error_codes.INVALID_DATE, _("Date-time fields are not imported."))
    if isinstance(field, models.DateField):
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise CellError(error_codes.INVALID_DATE,
                        _("“%(value)s” is not a date (YYYY-MM-DD or DD/MM/YYYY).") % {"value": text})
    if isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        # French writing is accepted: 1 234,50 (spaces, non-breaking spaces, decimal comma).
        plain = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
        try:
            number = Decimal(plain)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise CellError(error_codes.INVALID_NUMBER, _("“%(value)s” is not a number.") % {"value": text})
        if isinstance(field, models.IntegerField):
            if number != number.to_integral_value():
                raise CellError(error_codes.INVALID_NUMBER, _("“%(value)s” is not a whole number.") % {"value": text})
            return int(number)
        return float(number) if isinstance(field, models.FloatField) else number
    return text


class LinkResolver:
    """Linked records named in a cell by their number or their name, looked up once per distinct text:
    `prefetch` looks up a batch's texts in one query, `resolve` answers from what is known."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[tuple, int | None] = {}
        # One instance per linked record, shared by the rows naming it: it only carries the id.
        self.instances: dict[tuple, models.Model] = {}

    def prefetch(self, field: models.ForeignKey, texts) -> None:
        """Look up the records a batch's cells of a link field name, all in one query: a number wins over a
        name, as in `resolve`."""
        from django.db.models import Q
        from django.db.models.functions import Upper

        from saas.records import registry

        model = field.related_model
        record_type = registry.find_for_model(model)
        wanted = {text.strip() for text in texts} - {""}
        wanted = {text for text in wanted if (model, text.casefold()) not in self.cache}
        if record_type is None or not wanted:
            return
        visible = record_type.list_selector(actor=self.actor) if record_type.list_selector else \
            model.objects.filter(deleted_at=None)
        found = visible.annotate(ref_name=Upper("ref__display_name")).filter(
            Q(number__in=wanted) | Q(ref__is_deleted=False, ref_name__in={text.upper() for text in wanted}),
        ).values_list("pk", "number", "ref_name", "ref__is_deleted")
        by_number: dict[str, list[int]] = {}
        by_name: dict[str, list[int]] = {}
        for pk, number, name, deleted in found:
            by_number.setdefault(number, []).append(pk)
            if not deleted:
                by_name.setdefault(name, []).append(pk)
        for text in wanted:
            ids = by_number.get(text) or by_name.get(text.upper(), [])
            self.cache[(model, text.casefold())] = ids[0] if len(ids) == 1 else (-1 if ids else None)

    def resolve(self, field: models.ForeignKey, text: str):
        from saas.records import registry
        from saas.records.selectors.records import live_ref_ids_named

        model = field.related_model
        key = (model, text.casefold())
        if key not in self.cache:
            record_type = registry.find_for_model(model)
            if record_type is None:
                raise CellError(error_codes.LINK_NOT_FOUND, _("This field cannot be imported."))
            visible = record_type.list_selector(actor=self.actor) if record_type.list_selector else \
                model.objects.filter(deleted_at=None)
            ids = list(visible.filter(number=text).values_list("pk", flat=True)[:2])
            if not ids:
                refs = live_ref_ids_named(type_key=record_type.key, name=text)
                ids = list(visible.filter(pk__in=refs).values_list("pk", flat=True)[:2])
            self.cache[key] = ids[0] if len(ids) == 1 else (-1 if ids else None)
        found = self.cache[key]
        if found is None:
            raise CellError(error_codes.LINK_NOT_FOUND,
                            _("No %(type)s numbered or named “%(value)s”.") % {
                                "type": model._meta.verbose_name, "value": text})
        if found == -1:
            raise CellError(error_codes.LINK_AMBIGUOUS,
                            _("Several %(type)s are named “%(value)s”: use the number.") % {
                                "type": model._meta.verbose_name_plural, "value": text})
        if (model, found) not in self.instances:
            self.instances[(model, found)] = model(pk=found)
        return self.instances[(model, found)]
