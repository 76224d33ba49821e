from decimal import Decimal

from django.db import migrations

from saas.accounting.chart import ACCOUNTS, JOURNALS, RULES


def seed(apps, schema_editor):
    # Runs in the template schema; every tenant gets these rows with the template's DDL replay.
    LedgerAccount = apps.get_model("accounting", "LedgerAccount")
    Journal = apps.get_model("accounting", "Journal")
    PostingRule = apps.get_model("accounting", "PostingRule")
    accounts = {}
    for number, label, kind, reconcilable in ACCOUNTS:
        accounts[number], _created = LedgerAccount.objects.get_or_create(
            number=number, defaults={"label": label, "kind": kind, "reconcilable": reconcilable})
    journals = {}
    for code, label, kind, account in JOURNALS:
        journals[code], _created = Journal.objects.get_or_create(
            code=code, defaults={"label": label, "kind": kind, "default_account": accounts.get(account)})
    if not PostingRule.objects.exists():
        for kind, nature, rate, method, account, journal in RULES:
            PostingRule.objects.create(kind=kind, nature=nature, vat_rate=Decimal(rate) if rate else None,
                                       payment_method=method, ledger_account=accounts[account],
                                       journal=journals.get(journal))


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
