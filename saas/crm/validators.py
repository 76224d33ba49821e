"""French and European company identifiers, checked with python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import vatin
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret

from saas.crm import error_codes


def clean_siren(value: str) -> str:
    try:
        return siren.validate(value)
    except StdnumError as error:
        raise ValidationError(_("This SIREN is not valid (9 digits, Luhn key)."), code=error_codes.SIREN_INVALID) \
            from error


def clean_siret(value: str) -> str:
    try:
        return siret.validate(value)
    except StdnumError as error:
        raise ValidationError(_("This SIRET is not valid (14 digits, Luhn key)."), code=error_codes.SIRET_INVALID) \
            from error


def clean_vat(value: str) -> str:
    try:
        return vatin.validate(value)
    except StdnumError as error:
        raise ValidationError(_("This VAT number is not valid."), code=error_codes.VAT_INVALID) from error
