"""Bank accounts and third parties' bank accounts: IBAN and BIC checked with schwifty (DOMAIN.md 8.2)."""

import pytest
from django_tenants.utils import schema_context

from saas.banking.models import BankAccount, ThirdPartyBankAccount
from tests.banking.helpers import CUSTOMER_IBAN, IBAN, op
from tests.conftest import messages
from tests.helpers import gid


def create(api, **fields):
    return api.execute(op("BankAccountCreate"), {"input": {"name": "Main account", **fields}})["data"][
        "bankAccountCreate"]


@pytest.mark.smoke
def test_a_bank_account_with_a_valid_iban_gets_its_bank_bic_and_posts_to_512100_in_bq(acme_admin_api):
    account = create(acme_admin_api, iban="fr76 3000 6000 0112 3456 7890 189")
    assert account["__typename"] == "BankAccount", account
    assert (account["iban"], account["ibanFormatted"]) == (IBAN, "FR76 3000 6000 0112 3456 7890 189")
    assert (account["bic"], account["currency"], account["active"]) == ("AGRIFRPPXXX", "EUR", True)
    assert (account["ledgerAccount"]["number"], account["journal"]["code"]) == ("512100", "BQ")
    listed = acme_admin_api.execute(op("BankAccounts"))["data"]["bankAccounts"]
    assert [row["iban"] for row in listed] == [IBAN]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"iban": "FR7630006000011234567890180"}, {"iban": "iban_invalid"}),  # wrong check digits
    ({"iban": "FR76300060000112345678901"}, {"iban": "iban_invalid"}),  # too short for France
    ({"iban": "not an iban", "bic": "BNPAXXPP"}, {"iban": "iban_invalid", "bic": "bic_invalid"}),
    ({"iban": IBAN, "currency": "euro"}, {"currency": "currency_invalid"}),
    ({"iban": IBAN, "ledgerAccount": "627000"}, {"ledgerAccount": "ledger_account_invalid"}),
    ({"iban": IBAN, "journal": "VT"}, {"journal": "ledger_account_invalid"}),
    ({"iban": IBAN, "name": " "}, {"name": "name_required"}),
])
def test_invalid_bank_accounts_are_refused_and_nothing_is_written(acme_admin_api, fields, expected):
    refused = create(acme_admin_api, **fields)
    assert messages(refused) == expected
    with schema_context("acme"):
        assert not BankAccount.objects.exists()


def test_an_iban_is_one_bank_account_and_updates_are_checked(acme_admin_api):
    account = create(acme_admin_api, iban=IBAN, bic="AGRIFRPP")
    assert account["bic"] == "AGRIFRPP"
    assert messages(create(acme_admin_api, iban=IBAN.lower())) == {"iban": "iban_taken"}
    update = op("BankAccountUpdate")
    renamed = acme_admin_api.execute(update, {"id": account["id"], "input": {"name": "Crédit Agricole"}})[
        "data"]["bankAccountUpdate"]
    assert (renamed["name"], renamed["iban"], renamed["bic"]) == ("Crédit Agricole", IBAN, "AGRIFRPP")
    refused = acme_admin_api.execute(update, {"id": account["id"], "input": {"iban": "FR00 1234", "bic": "X"}})[
        "data"]["bankAccountUpdate"]
    assert messages(refused) == {"iban": "iban_invalid", "bic": "bic_invalid"}
    moved = acme_admin_api.execute(update, {"id": account["id"], "input": {"iban": CUSTOMER_IBAN}})["data"][
        "bankAccountUpdate"]
    assert (moved["iban"], moved["bic"]) == (CUSTOMER_IBAN, "PSSTFRPP")  # the new bank's BIC
    closed = acme_admin_api.execute(update, {"id": account["id"], "input": {"active": False}})["data"][
        "bankAccountUpdate"]
    assert (closed["active"], closed["name"], closed["bic"]) == (False, "Crédit Agricole", "PSSTFRPP")
    missing = acme_admin_api.execute(update, {"id": gid(BankAccount(pk=999999), "BankAccount"), "input": {}})
    assert messages(missing["data"]["bankAccountUpdate"]) == {"id": "not_found"}


def test_a_customer_bank_account_is_checked_and_held_once(acme_admin_api, customer):
    mutation, account = op("ThirdPartyBankAccountCreate"), gid(customer["account"], "Account")
    created = acme_admin_api.execute(mutation, {"accountId": account, "iban": "FR14 2004 1010 0505 0001 3M02 606"})[
        "data"]["thirdPartyBankAccountCreate"]
    assert (created["iban"], created["bic"], created["holderName"]) == (CUSTOMER_IBAN, "PSSTFRPP", "Customer")
    again = acme_admin_api.execute(mutation, {"accountId": account, "iban": CUSTOMER_IBAN})
    assert messages(again["data"]["thirdPartyBankAccountCreate"]) == {"iban": "iban_taken"}
    invalid = acme_admin_api.execute(mutation, {"accountId": account, "iban": "FR1420041010050500013M02607"})
    assert messages(invalid["data"]["thirdPartyBankAccountCreate"]) == {"iban": "iban_invalid"}
    with schema_context("acme"):
        assert ThirdPartyBankAccount.objects.count() == 1
