"""Project-wide invariants."""

import ast
import gettext
import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_are_current(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_french_catalog_is_compiled_and_complete():
    po = (ROOT / "saas/locale/fr/LC_MESSAGES/django.po").read_text()
    assert "#, fuzzy\n" not in po.split("\n\n", 1)[1], "fuzzy French messages: translate them"
    entries = []
    pattern = r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)msgstr ((?:".*"(?:\n|$))+)'
    for context, msgid, msgstr in re.findall(pattern, po, flags=re.M):
        entries.append(tuple("".join(ast.literal_eval(part) for part in re.findall(r'^".*"$', text, flags=re.M))
                             for text in (context, msgid, msgstr)))
    entries = [entry for entry in entries if entry[1]]
    untranslated = [msgid for _context, msgid, translated in entries if not translated]
    assert entries and untranslated == [], "untranslated French messages"
    catalog = gettext.GNUTranslations((ROOT / "saas/locale/fr/LC_MESSAGES/django.mo").open("rb"))
    stale = [msgid for context, msgid, translated in entries
             if (catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)) != translated]
    assert stale == [], "django.mo is stale: run `make messages`"


def test_documents_go_to_s3_compatible_storage_when_a_bucket_is_set():
    import os
    import subprocess
    import sys

    env = {**os.environ, "S3_BUCKET": "docs", "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
           "DJANGO_SETTINGS_MODULE": "saas.settings.test"}
    code = "import django; django.setup(); from django.core.files.storage import storages; " \
           "s = storages['default']; print(type(s).__name__, s.bucket_name, s.endpoint_url)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["S3Storage", "docs", "http://127.0.0.1:9000"]


def test_make_run_hands_out_addresses_on_the_port_it_serves():
    """`make run PORT=8001`: the web server and the job worker both build links (signup's new company, emails)
    with port 8001, not the default 8000."""
    import subprocess

    plan = subprocess.run(["make", "-n", "run", "PORT=8001"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout
    serving = plan[plan.index("export PUBLIC_URL_PORT="):]
    assert serving.startswith("export PUBLIC_URL_PORT=8001;")
    assert "procrastinate worker" in serving and "runserver 0.0.0.0:8001" in serving


def test_the_import_contracts_hold():
    from importlinter.cli import lint_imports

    assert lint_imports(no_cache=True, no_logo=True) == 0


def check_contract_with_a_new_module(contract_id: str, module: str, imports: str) -> bool:
    """Whether the contract still holds once `module`, a module no contract names, imports `imports`."""
    import tomllib

    import grimp
    from importlinter.configuration import configure
    from importlinter.contracts.forbidden import ForbiddenContract
    from importlinter.contracts.layers import LayersContract

    configure()  # what `lint-imports` sets up first: the graph builder, the timer
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    options = next(contract for contract in config["contracts"] if contract.get("id") == contract_id)
    kind = {"forbidden": ForbiddenContract, "layers": LayersContract}[options["type"]]
    session = {key: value for key, value in config.items() if key != "contracts"}
    # As import-linter reads its configuration: booleans as text.
    contract_options = {key: str(value) if isinstance(value, bool) else value for key, value in options.items()
                        if key not in ("id", "name", "type")}
    contract = kind(options["name"], session, contract_options)
    graph = grimp.build_graph(*config["root_packages"], include_external_packages=config["include_external_packages"],
                              exclude_type_checking_imports=config["exclude_type_checking_imports"], cache_dir=None)
    graph.add_import(importer=module, imported=imports)
    return contract.check(graph, verbose=False).kept


def test_a_new_module_is_covered_without_editing_the_contracts():
    """The contracts name modules by wildcards: a module added tomorrow, in any app, is checked."""
    assert check_contract_with_a_new_module("strawberry-in-api", "saas.crm.api.tomorrow", "strawberry")
    assert not check_contract_with_a_new_module("strawberry-in-api", "saas.crm.tomorrow", "strawberry")
    assert not check_contract_with_a_new_module("strawberry-in-api", "saas.newapp.services", "strawberry_django")
    assert not check_contract_with_a_new_module("strawberry-in-api", "tenants.tomorrow", "strawberry")
    assert not check_contract_with_a_new_module("app-layers", "saas.sales.models", "saas.sales.services")
    assert not check_contract_with_a_new_module("app-layers", "saas.crm.selectors", "saas.crm.api.types")
    assert not check_contract_with_a_new_module("models-stay-home", "saas.banking.tomorrow", "saas.sales.models")
    assert check_contract_with_a_new_module("models-stay-home", "saas.sales.tomorrow", "saas.sales.models")
    assert not check_contract_with_a_new_module("models-stay-home", "saas.crm.tomorrow", "tenants.models")
