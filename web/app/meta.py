"""The record types as the API describes them (`RecordTypes`): the lists, forms, navigation entries and labels of
choice values of the web app are built from this one answer.

Declarations are code and labels follow the language: one process serves one version of the schema, so the answer
is kept per schema version and language for the life of the process (no query per page once read). Nothing of it
depends on the reader: what a reader may see or change is the operations' business, per request.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from django.utils.translation import get_language

from web import gql


@dataclass(frozen=True, eq=False)  # one per schema version and language: compared by identity
class Catalog:
    types: tuple[dict, ...]  # in navigation order
    by_key: dict[str, dict]
    by_path: dict[str, dict]
    by_graphql_type: dict[str, dict]
    choice_labels: dict[str, str]  # a choice's GraphQL enum value → its label (the first type's, when shared)
    tones: dict[str, str]

    def field(self, module: str, name: str) -> dict | None:
        record_type = self.by_key.get(module)
        return record_type["fieldsByName"].get(name) if record_type else None


_catalogs: dict[tuple[str, str], Catalog] = {}


@cache
def schema_version() -> str:
    """The deployed declarations' fingerprint: the RecordTypes document and the code that answers it are one
    release, named by the operation's text (a new field asked means a new key)."""
    return hashlib.sha256(gql.document("RecordTypes")[0].encode()).hexdigest()[:12]


def _catalog(types: list[dict]) -> Catalog:
    labels: dict[str, str] = {}
    tones: dict[str, str] = {}
    for record_type in types:
        record_type["fieldsByName"] = {field["name"]: field for field in record_type["fields"]}
        for choice in (c for f in (*record_type["fields"], *record_type["listColumns"]) for c in f["choices"]):
            labels.setdefault(choice["value"], choice["label"])
            if choice["tone"] != "neutral":
                tones.setdefault(choice["value"], choice["tone"])
    return Catalog(types=tuple(types), by_key={t["key"]: t for t in types}, by_path={t["path"]: t for t in types},
                   by_graphql_type={t["graphqlType"]: t for t in types}, choice_labels=labels, tones=tones)


def catalog(request) -> Catalog:
    """The record types in the request's language, read once per process."""
    key = (schema_version(), get_language())
    found = _catalogs.get(key)
    if found is None:
        found = _catalogs[key] = _catalog(gql.run(request, "RecordTypes")["recordTypes"])
    return found


def current() -> Catalog | None:
    """The catalog of the active language once a page has read it (template filters have no request)."""
    return _catalogs.get((schema_version(), get_language()))
