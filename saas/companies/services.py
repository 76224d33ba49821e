"""Writes on the tenant's companies."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.audit.services import settings_change_record
from saas.companies.models import Company
from saas.core.identifiers import clean_identifiers
from saas.core.tenancy import TenantSeed


def _fields_clean(fields: dict, *, current: Company | None = None) -> dict:
    cleaned, errors = clean_identifiers(fields)
    if "name" in cleaned or current is None:
        cleaned["name"] = (cleaned.get("name") or "").strip()
        if not cleaned["name"]:
            errors["name"] = ValidationError(_("A company needs a name."), code="name_required")
    siren = cleaned.get("siren", current.siren if current else "")
    siret = cleaned.get("siret", current.siret if current else "")
    if siren and siret and not errors.keys() & {"siren", "siret"} and not siret.startswith(siren):
        errors["siret"] = ValidationError(_("The SIRET must start with the company's SIREN."),
                                          code="siret_siren_mismatch")
    if cleaned.get("share_capital") is not None and cleaned["share_capital"] < 0:
        errors["share_capital"] = ValidationError(_("The capital cannot be negative."), code="negative_amount")
    if errors:
        raise ValidationError(errors)
    return cleaned


def company_create(*, name: str, is_default: bool = False, **fields) -> Company:
    """Create a legal entity of the tenant; the first one becomes the default."""
    if not Company.objects.exists():
        is_default = True
    fields = _fields_clean({"name": name, **fields})
    if is_default:
        Company.objects.filter(is_default=True).update(is_default=False)
    company = Company(is_default=is_default, **fields)
    company.full_clean()
    company.save()
    return company


def company_update(*, actor, company: Company, fields: dict) -> Company:
    """Change a legal entity's identity, address, bank details or mentions (identifiers checked)."""
    fields = _fields_clean(fields, current=company)
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save(update_fields=list(fields))
    settings_change_record(actor=actor, target=company, details={"fields": sorted(fields)},
                           summary=_("Company “%(name)s” changed") % {"name": company.name})
    return company


def company_create_at_signup(seed: TenantSeed) -> None:
    """Every tenant starts with one company, named from the signup form."""
    company_create(name=seed.company_name, is_default=True)
