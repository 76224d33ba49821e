"""pgtrigger's and pghistory's per-row functions without an exception block on their usual path
(`saas.core.triggers`): in every tenant schema, and the shared one in `public`."""

from django.db import migrations


def install(apps, schema_editor):
    from saas.core.triggers import install_trigger_functions

    install_trigger_functions(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
