"""French and European company identifiers, checked with python-stdnum (accounts, companies, suppliers)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import vatin
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret


def clean_siren(value: str) -> str:
    try:
        return siren.validate(value)
    except StdnumError as error:
        raise ValidationError(_("This SIREN is not valid (9 digits, Luhn key)."), code="siren_invalid") \
            from error


def clean_siret(value: str) -> str:
    try:
        return siret.validate(value)
    except StdnumError as error:
        raise ValidationError(_("This SIRET is not valid (14 digits, Luhn key)."), code="siret_invalid") \
            from error


def clean_vat(value: str) -> str:
    try:
        return vatin.validate(value)
    except StdnumError as error:
        raise ValidationError(_("This VAT number is not valid."), code="vat_invalid") from error


def clean_identifiers(fields: dict) -> tuple[dict, dict]:
    """Normalize `siren`, `siret` and `vat_number` in `fields`; returns (cleaned, {field: ValidationError})."""
    cleaned, errors = dict(fields), {}
    for name, clean in (("siren", clean_siren), ("siret", clean_siret), ("vat_number", clean_vat)):
        if cleaned.get(name):
            try:
                cleaned[name] = clean(cleaned[name])
            except ValidationError as refusal:
                errors[name] = refusal
    return cleaned, errors
