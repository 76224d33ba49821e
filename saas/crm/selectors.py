"""Reads of accounts and contacts, always for an actor (access rights plug in here)."""

from django.db.models import QuerySet

from saas.crm.models import Account, Contact


def account_list(*, actor, include_deleted: bool = False) -> QuerySet[Account]:
    """The accounts the actor may see (all members see all accounts until access rights land)."""
    accounts = Account.objects.all()
    return accounts if include_deleted else accounts.filter(deleted_at__isnull=True)


def account_get_for_actor(*, actor, account_id, include_deleted: bool = False) -> Account | None:
    return account_list(actor=actor, include_deleted=include_deleted).filter(pk=account_id).first()


def contact_list(*, actor, include_deleted: bool = False) -> QuerySet[Contact]:
    contacts = Contact.objects.all()
    return contacts if include_deleted else contacts.filter(deleted_at__isnull=True)


def contact_get_for_actor(*, actor, contact_id, include_deleted: bool = False) -> Contact | None:
    return contact_list(actor=actor, include_deleted=include_deleted).filter(pk=contact_id).first()
