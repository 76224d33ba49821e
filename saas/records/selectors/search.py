"""Global search over every record type: full text (prefixes) and trigrams (typos), ranked."""

import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection

from saas.records import registry
from saas.records.models import RecordRef
from saas.records.selectors.records import visible_ref_condition
from saas.records.services.records import normalize


@dataclass
class SearchHit:
    ref: RecordRef
    score: float


def search(*, actor, text: str, modules: list[str] | None = None, limit: int = 20) -> list[SearchHit]:
    """Records whose text matches words, word prefixes or near spellings of `text`, best first."""
    words = re.findall(r"\w+", normalize(text))
    if not words:
        return []
    prefix_query = " & ".join(f"{word}:*" for word in words)
    query = " ".join(words)
    modules = [m for m in (modules or []) if registry.get(m)] or [t.key for t in registry.all_types()]
    table = RecordRef._meta.db_table
    # Only what the actor may see, inside the ranked statement (the limit applies after the narrowing).
    narrowing, narrowing_params = "", []
    condition = visible_ref_condition(actor=actor)
    if condition is not None:
        try:
            sql, narrowing_params = RecordRef.objects.filter(condition).values("pk").query.sql_with_params()
        except EmptyResultSet:  # no module the actor may view: nothing to find (Django builds no SQL for it)
            return []
        narrowing = f" AND id IN ({sql})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT id, ts_rank(search_vector, to_tsquery('simple', %s)) * 2
                          + word_similarity(upper(%s), upper(search_text)) AS score
                FROM {table}
                WHERE NOT is_deleted AND type_key = ANY(%s)
                  AND (search_vector @@ to_tsquery('simple', %s)
                       OR upper(%s) <%% upper(search_text)){narrowing}
                ORDER BY score DESC, id DESC LIMIT %s""",
            [prefix_query, query, modules, prefix_query, query, *narrowing_params, limit],
        )
        rows = cursor.fetchall()
    refs = RecordRef.objects.in_bulk([row[0] for row in rows])
    return [SearchHit(ref=refs[ref_id], score=score) for ref_id, score in rows if ref_id in refs]
