from decimal import Decimal

from django.db import migrations

# French VAT rates (CGI art. 278 to 281 nonies; DOMAIN.md): normal, intermediate, reduced, special, zero.
VAT_RATES = [
    (Decimal("20.00"), "TVA 20 %", True),
    (Decimal("10.00"), "TVA 10 %", False),
    (Decimal("5.50"), "TVA 5,5 %", False),
    (Decimal("2.10"), "TVA 2,1 %", False),
    (Decimal("0.00"), "TVA 0 % (exonéré)", False),
]
UNITS = [("u", "Unité"), ("h", "Heure"), ("d", "Jour"), ("kg", "Kilogramme"), ("m", "Mètre"), ("m2", "Mètre carré"),
         ("l", "Litre"), ("pkg", "Forfait"), ("month", "Mois")]


def seed(apps, schema_editor):
    # Runs in the template schema; every tenant gets these rows with the template's DDL replay.
    VatRate = apps.get_model("catalog", "VatRate")
    Unit = apps.get_model("catalog", "Unit")
    for rate, label, is_default in VAT_RATES:
        VatRate.objects.get_or_create(rate=rate, defaults={"label": label, "is_default": is_default})
    for code, label in UNITS:
        Unit.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
