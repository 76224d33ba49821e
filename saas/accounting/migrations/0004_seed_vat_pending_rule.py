from django.db import migrations


def seed(apps, schema_editor):
    # Services VAT waits on 445740 until paid (DOMAIN.md 4.3 (a)).
    LedgerAccount = apps.get_model("accounting", "LedgerAccount")
    PostingRule = apps.get_model("accounting", "PostingRule")
    if not PostingRule.objects.filter(kind="vat_pending").exists():
        PostingRule.objects.create(kind="vat_pending", ledger_account=LedgerAccount.objects.get(number="445740"))


class Migration(migrations.Migration):
    dependencies = [("accounting", "0003_alter_postingrule_kind_entrytemplate")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
