"""Expand/contract: every migration leaves the schema usable by the code released before it.

A rollout migrates the template and then the tenants while the previous release still serves them,
so a migration may only add (nullable or defaulted-in-the-database columns, tables, indexes). Removing
or renaming a column or a table, or making a column mandatory without a database default, breaks the
running code: such a change is a "contract" migration, shipped one release after the code stopped
using what it removes, and listed in CONTRACT_MIGRATIONS with the reason it is safe.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models import NOT_PROVIDED

# Migrations allowed to break the previous release's code, each with why that is safe.
PREDATES_THE_RULE = "written before the first production release, with no previous code to keep running"
CONTRACT_MIGRATIONS: dict[tuple[str, str], str] = {
    ("access", "0002_initial"): PREDATES_THE_RULE,
    ("access", "0005_roles_profiles_sharing_token_scopes"): PREDATES_THE_RULE,
    ("companies", "0003_remove_company_insert_insert_and_more"): PREDATES_THE_RULE,
    ("companies", "0004_einvoicing_date_and_penalty_text"): PREDATES_THE_RULE,
    ("companies", "0005_vat_on_debits"): PREDATES_THE_RULE,
    ("crm", "0002_initial"): PREDATES_THE_RULE,
    ("sales", "0003_quotes_orders_usage"): PREDATES_THE_RULE,
    ("tenants", "0003_user_time_zone"): PREDATES_THE_RULE,
}


def project_app_labels() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    return {config.label for config in apps.get_app_configs()
            if base in Path(config.path).resolve().parents and ".venv" not in Path(config.path).parts}


def has_database_default(field) -> bool:
    return getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED


def breaking_operations(operation, app_label: str, state, created: set[str]) -> list[str]:
    """Why this operation breaks code written for `state` (the schema before it), if it does; a table in
    `created` (made by the same migration) is new to that code."""
    name = type(operation).__name__
    if getattr(operation, "model_name_lower", None) in created:
        return []
    if isinstance(operation, (migrations.RemoveField, migrations.DeleteModel, migrations.RenameField,
                              migrations.RenameModel)):
        return [f"{name} {operation.describe()}"]
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if not field.many_to_many and not field.null and not has_database_default(field):
            return [f"AddField {operation.model_name}.{operation.name}: NOT NULL without db_default "
                    f"(inserts by the previous code fail)"]
    if isinstance(operation, migrations.AlterField):
        model = state.models.get((app_label, operation.model_name_lower))
        before = model.fields.get(operation.name) if model else None
        field = operation.field
        if before is not None and before.null and not field.null and not has_database_default(field):
            return [f"AlterField {operation.model_name}.{operation.name}: made NOT NULL without db_default"]
    return []


def contract_operations() -> dict[tuple[str, str], list[str]]:
    """Every migration of the project's apps that breaks the previous code, with the reasons."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = project_app_labels()
    # The schema as each migration finds it: states moved forward operation by operation, never rendered.
    state = ProjectState(real_apps=loader.unmigrated_apps)
    found: dict[tuple[str, str], list[str]] = {}
    for key in full_plan(loader):
        app_label = key[0]
        operations = loader.graph.nodes[key].operations
        created = {operation.name_lower for operation in operations if isinstance(operation, migrations.CreateModel)}
        for operation in operations:
            if app_label in ours and (reasons := breaking_operations(operation, app_label, state, created)):
                found.setdefault(key, []).extend(reasons)
            operation.state_forwards(app_label, state)
    return found


def full_plan(loader: MigrationLoader) -> list[tuple[str, str]]:
    plan: dict[tuple[str, str], None] = {}
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.update(dict.fromkeys(loader.graph.forwards_plan(leaf)))
    return list(plan)


def test_every_migration_keeps_the_previous_code_working():
    offending = {key: reasons for key, reasons in contract_operations().items() if key not in CONTRACT_MIGRATIONS}
    assert not offending, (
        "These migrations break the code of the previous release (expand/contract: add first, remove one "
        "release later, and list the contract migration in CONTRACT_MIGRATIONS with its reason):\n"
        + "\n".join(f"  {app}.{name}: {'; '.join(reasons)}" for (app, name), reasons in sorted(offending.items())))


def test_the_allow_list_names_only_contract_migrations():
    # An entry that no longer matches a breaking migration (renamed, squashed, fixed) would silently allow a
    # future migration of the same name.
    contracts = contract_operations()
    assert sorted(key for key in CONTRACT_MIGRATIONS if key not in contracts) == []


def test_the_check_tells_expanding_operations_from_contracting_ones():
    from django.db import models

    state = ProjectState()
    migrations.CreateModel("Thing", [("id", models.BigAutoField(primary_key=True)),
                                     ("note", models.TextField(null=True))]).state_forwards("shop", state)

    def breaks(operation) -> bool:
        return bool(breaking_operations(operation, "shop", state, created=set()))

    assert not breaks(migrations.AddField("thing", "label", models.CharField(max_length=9, null=True)))
    assert not breaks(migrations.AddField("thing", "label", models.CharField(max_length=9, db_default="")))
    assert not breaks(migrations.AlterField("thing", "note", models.TextField(null=True, db_default="")))
    assert breaks(migrations.AddField("thing", "label", models.CharField(max_length=9, default="")))
    assert breaks(migrations.AlterField("thing", "note", models.TextField()))
    assert breaks(migrations.RemoveField("thing", "note"))
    assert breaks(migrations.RenameField("thing", "note", "memo"))
    assert breaks(migrations.DeleteModel("thing"))
    assert breaks(migrations.RenameModel("thing", "item"))
    assert not bool(breaking_operations(migrations.AddField("thing", "label", models.CharField(max_length=9)),
                                        "shop", state, created={"thing"}))
