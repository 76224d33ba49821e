from django.db import migrations

# Seeded in the template schema (so in every new tenant) and in every existing tenant; tenants then edit them.
CRM = ["accounts", "contacts", "leads", "deals"]
CATALOG = ["products", "services", "product_families"]
SALES = ["quotes", "sales_orders", "invoices", "credit_notes", "payments"]
BOOKS = ["journal_entries", "bank_accounts", "bank_transactions", "sepa_mandates", "direct_debits"]
ALL = ["view", "create", "edit", "delete", "export", "import"]
DAILY = ["view", "create", "edit", "export"]

PROFILES = {
    "Administrator": ("Every right on every module and every record.", True, True,
                      {module: ALL for module in CRM + CATALOG + SALES + BOOKS}),
    "Manager": ("Every right on every module; records as the role tree and sharing allow.", False, False,
                {module: ALL for module in CRM + CATALOG + SALES + BOOKS}),
    "Sales": ("Customers and deals, quotes to invoices; the catalog read-only; no books.", False, False,
              {**{module: ALL for module in CRM}, **{module: ["view"] for module in CATALOG},
               **{module: DAILY for module in SALES}}),
    "Accountant": ("Invoicing, payments, books and banking; customers and catalog read-only.", False, False,
                   {**{module: ["view", "export"] for module in CRM + CATALOG},
                    **{module: ALL for module in SALES + BOOKS}}),
    "Read-only": ("Sees every module, changes nothing.", False, False,
                  {module: ["view"] for module in CRM + CATALOG + SALES + BOOKS}),
}
# (role, parent, profile); the members given no role act as Sales.
ROLES = [("Administrator", None, "Administrator"), ("Manager", "Administrator", "Manager"),
         ("Sales", "Manager", "Sales"), ("Accountant", "Manager", "Accountant"), ("Read-only", "Manager", "Read-only")]
DEFAULT_ROLE = "Sales"


def seed(apps, schema_editor):
    Profile = apps.get_model("access", "Profile")
    ModulePermission = apps.get_model("access", "ModulePermission")
    Role = apps.get_model("access", "Role")
    ApiToken = apps.get_model("access", "ApiToken")
    profiles = {}
    for name, (description, view_all, edit_all, rights) in PROFILES.items():
        profile, created = Profile.objects.get_or_create(
            name=name, defaults={"description": description, "view_all": view_all, "edit_all": edit_all})
        profiles[name] = profile
        if created:
            ModulePermission.objects.bulk_create(
                ModulePermission(profile=profile, module=module, view="view" in actions, create="create" in actions,
                                 edit="edit" in actions, delete="delete" in actions, export="export" in actions,
                                 can_import="import" in actions)
                for module, actions in rights.items())
    roles = {}
    for name, parent, profile in ROLES:
        role, created = Role.objects.get_or_create(name=name, defaults={"parent": roles.get(parent),
                                                                        "is_default": name == DEFAULT_ROLE})
        if created:
            role.path = f"{roles[parent].path if parent else '/'}{role.pk}/"
            role.save(update_fields=["path"])
            role.profiles.add(profiles[profile])
        roles[name] = role
    # Tokens issued before scopes existed keep acting with their user's full rights.
    ApiToken.objects.filter(scopes=[]).update(scopes=["*:write"])


class Migration(migrations.Migration):
    dependencies = [("access", "0005_roles_profiles_sharing_token_scopes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
