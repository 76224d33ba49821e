from django.db import connection, migrations

from saas.access.seeded import seeded_names_translate


def rename_seeded(apps, schema_editor):
    """Tenants created before tenant languages existed kept the seeded roles and profiles in English
    ("Administrator", "Sales"): those still at their English names take the tenant's language. Schemas with no tenant (the
    template, the spare ones) keep them in English: signup renames them into the new tenant's language."""
    Tenant = apps.get_model("tenants", "Tenant")
    language = Tenant.objects.filter(schema_name=connection.schema_name).values_list("language", flat=True).first()
    if language:
        seeded_names_translate(apps.get_model("access", "Role"), apps.get_model("access", "Profile"), language)


class Migration(migrations.Migration):
    dependencies = [("access", "0008_price_lists_and_books_rights"), ("tenants", "0001_initial")]

    operations = [migrations.RunPython(rename_seeded, migrations.RunPython.noop)]
