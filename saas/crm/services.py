"""Writes on accounts and contacts, through the record engine."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saas.core.identifiers import clean_identifiers
from saas.crm import error_codes
from saas.crm.models import Account, Contact
from saas.records.enums import RecordSource
from saas.records.services.records import record_create, record_delete, record_restore, record_update


def account_fields_clean(fields: dict, *, current: Account | None = None) -> dict:
    """An account's own rules: a name, SIREN/SIRET/VAT number normalized and consistent, no parent cycle."""
    cleaned = dict(fields)
    errors: dict[str, ValidationError] = {}
    if "name" in cleaned or current is None:
        cleaned["name"] = (cleaned.get("name") or "").strip()
        if not cleaned["name"]:
            errors["name"] = ValidationError(_("An account needs a name."), code=error_codes.NAME_REQUIRED)
    cleaned, identifier_errors = clean_identifiers(cleaned)
    errors.update(identifier_errors)
    siren = cleaned.get("siren", current.siren if current else "")
    siret = cleaned.get("siret", current.siret if current else "")
    if siren and siret and "siren" not in errors and "siret" not in errors and not siret.startswith(siren):
        errors["siret"] = ValidationError(_("The SIRET must start with the account's SIREN."),
                                          code=error_codes.SIRET_SIREN_MISMATCH)
    parent = cleaned.get("parent")
    if current is not None and parent is not None:
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == current.pk:
                errors["parent"] = ValidationError(_("An account cannot be its own ancestor."),
                                                   code=error_codes.PARENT_CYCLE)
                break
            ancestor = ancestor.parent
    if errors:
        raise ValidationError(errors)
    return cleaned


def account_create(*, actor, fields: dict, source: str = RecordSource.MANUAL, custom: dict | None = None,
                   owner_user=None, owner_team=None) -> Account:
    """Create a customer account; SIREN, SIRET and VAT number are checked and normalized."""
    return record_create(actor=actor, model=Account, fields=account_fields_clean(fields), source=source,
                         custom=custom, owner_user=owner_user, owner_team=owner_team)


def account_update(*, actor, account: Account, version: int, fields: dict, custom: dict | None = None) -> Account:
    """Change an account if `version` is current."""
    return record_update(actor=actor, record=account, version=version,
                         fields=account_fields_clean(fields, current=account), custom=custom)


def account_delete(*, actor, account: Account, version: int | None = None) -> Account:
    return record_delete(actor=actor, record=account, version=version)


def contact_create(*, actor, fields: dict, source: str = RecordSource.MANUAL, custom: dict | None = None,
                   new_account: dict | None = None, owner_user=None, owner_team=None) -> Contact:
    """Create a contact; `new_account` quick-creates its account in the same transaction."""
    fields = dict(fields)
    if new_account is not None:
        if fields.get("account") is not None:
            raise ValidationError({"account": ValidationError(_("Choose an account or create one, not both."),
                                                              code="invalid")})
        try:
            fields["account"] = account_create(actor=actor, fields=new_account, source=RecordSource.QUICK_CREATE)
        except ValidationError as refusal:
            raise ValidationError({f"newAccount.{k}": v for k, v in refusal.error_dict.items()}) from refusal
    return record_create(actor=actor, model=Contact, fields=contact_fields_clean(fields), source=source,
                         custom=custom, owner_user=owner_user, owner_team=owner_team)


def contact_fields_clean(fields: dict) -> dict:
    """A new contact's own rule: a last name."""
    fields = {**fields, "last_name": (fields.get("last_name") or "").strip()}
    if not fields["last_name"]:
        raise ValidationError({"last_name": ValidationError(_("A contact needs a last name."),
                                                            code=error_codes.NAME_REQUIRED)})
    return fields


def contact_update(*, actor, contact: Contact, version: int, fields: dict, custom: dict | None = None) -> Contact:
    if "last_name" in fields and not (fields["last_name"] or "").strip():
        raise ValidationError({"last_name": ValidationError(_("A contact needs a last name."),
                                                            code=error_codes.NAME_REQUIRED)})
    return record_update(actor=actor, record=contact, version=version, fields=fields, custom=custom)


def contact_delete(*, actor, contact: Contact, version: int | None = None) -> Contact:
    return record_delete(actor=actor, record=contact, version=version)


__all__ = ["account_create", "account_update", "account_delete", "contact_create", "contact_update",
           "contact_delete", "record_restore"]
