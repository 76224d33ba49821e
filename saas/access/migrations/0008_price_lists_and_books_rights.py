from django.db import migrations

# Modules that got rights of their own: each profile starts with the rights it had on the module they came from.
FROM = {"price_lists": "products", "accounting": "journal_entries"}
ACTIONS = ("view", "create", "edit", "delete", "export", "can_import")


def seed(apps, schema_editor):
    ModulePermission = apps.get_model("access", "ModulePermission")
    for module, source in FROM.items():
        for permission in ModulePermission.objects.filter(module=source):
            ModulePermission.objects.get_or_create(
                profile_id=permission.profile_id, module=module,
                defaults={action: getattr(permission, action) for action in ACTIONS})


class Migration(migrations.Migration):
    dependencies = [("access", "0007_user_references_without_constraint")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
