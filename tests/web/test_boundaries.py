"""web/ renders from GraphQL operations only: no ORM import, checked two ways."""

import ast
from pathlib import Path

from importlinter.cli import lint_imports

WEB = Path(__file__).resolve().parents[2] / "web"
# The ORM, and what reaches the database or the tenant's schema without going through the API.
FORBIDDEN = ("django.db", "django.contrib.auth.models", "django.contrib.contenttypes.models", "django_tenants",
             "tenants.models")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def touches_the_orm(module: str) -> bool:
    parts = module.split(".")
    return (any(module == name or module.startswith(f"{name}.") for name in FORBIDDEN)
            or ("models" in parts and parts[0] in ("saas", "tenants")))


def test_no_web_module_imports_the_orm():
    offenders = {str(path.relative_to(WEB.parent)): sorted(filter(touches_the_orm, imported_modules(path)))
                 for path in WEB.rglob("*.py")}
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_the_import_linter_contract_holds():
    assert lint_imports(limit_to_contracts=("web-no-orm",), no_cache=True, no_logo=True) == 0


def test_the_check_catches_an_orm_import():
    assert touches_the_orm("saas.crm.models") and touches_the_orm("django.db.models")
    assert touches_the_orm("tenants.models.User") and not touches_the_orm("saas.records.selectors.records")
