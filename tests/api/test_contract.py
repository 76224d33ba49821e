"""The GraphQL contract: committed SDL is current, every document validates, graphql/ holds no Python."""

from pathlib import Path

import pytest

import graphql
from saas.api.export_schema import GRAPHQL_DIR, sdl_files

ROOT = GRAPHQL_DIR.parent


def test_graphql_folder_holds_documents_only():
    assert [p for p in GRAPHQL_DIR.rglob("*") if p.is_file() and p.suffix != ".graphql"] == []


def test_import_graphql_is_graphql_core():
    assert Path(graphql.__file__).parent.parent.name == "site-packages"
    assert hasattr(graphql, "build_schema")


def test_no_test_folder_is_named_graphql_and_each_has_an_init():
    # tests/artifacts holds the browser tests' screenshots (ignored by git): not a test package.
    folders = [p for p in (ROOT / "tests").rglob("*") if p.is_dir() and p.name != "__pycache__"
               and (ROOT / "tests" / "artifacts") not in (p, *p.parents)]
    assert all(folder.name != "graphql" for folder in folders)
    assert all((folder / "__init__.py").exists() for folder in [ROOT / "tests", *folders])


@pytest.mark.smoke
@pytest.mark.parametrize("name", ["schema.graphql", "public.graphql"])
def test_committed_sdl_is_current(name):
    current = {path.name: sdl for path, sdl in sdl_files().items()}
    committed = (GRAPHQL_DIR / name).read_text()
    assert committed == current[name], f"graphql/{name} is stale: run `make schema`"


def documents() -> list[Path]:
    return sorted(p for p in (GRAPHQL_DIR / "operations").rglob("*.graphql"))


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(GRAPHQL_DIR)))
def test_every_document_validates_against_its_schema(path):
    sdl = "public.graphql" if "public" in path.relative_to(GRAPHQL_DIR / "operations").parts else "schema.graphql"
    schema = graphql.build_schema((GRAPHQL_DIR / sdl).read_text())
    document = graphql.parse(path.read_text())
    assert graphql.validate(schema, document) == []
    operations = [d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    assert len(operations) == 1 and operations[0].name.value == path.stem, "one operation per file, named after it"
