"""PostgreSQL full text: a tsvector per document in its language's configuration
(pa_english/pa_french/pa_spanish, accents removed when unaccent exists), GIN-indexed;
websearch_to_tsquery in each configuration, ts_rank_cd, ts_headline for snippets.

SQL here is built from constants and the ORM-compiled WHERE clause only (hence the
S608 exemptions); every value, including the user's words, travels as a parameter.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from peerassist.search import text
from peerassist.search.backends import Audience, Row, Where
from peerassist.search.text import ParsedQuery

CONFIGS = {"en": "pa_english", "fr": "pa_french", "es": "pa_spanish"}
PHRASE_BONUS = 1000.0
# ts_rank_cd weights for D, C, B, A: a word in the title (A) outweighs it repeated in the
# body (B); the default {0.1, 0.2, 0.4, 1.0} let three body hits beat one title hit.
WEIGHTS = "{0.01, 0.02, 0.1, 1.0}"
_DOC_CONFIG = (
    "(CASE d.language WHEN 'fr' THEN 'pa_french' WHEN 'es' THEN 'pa_spanish' "
    "ELSE 'pa_english' END)::regconfig"
)
_HEADLINE = (
    f"StartSel={text.MARK_OPEN}, StopSel={text.MARK_CLOSE}, MaxWords=30, MinWords=15, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


_SCORE = (
    f"ts_rank_cd('{WEIGHTS}', d.search_vector, q.query)"
    f" + CASE WHEN d.search_vector @@ q.phrase THEN {PHRASE_BONUS} ELSE 0 END"
)

# ts_headline's parser reads "<...>" as HTML tags and drops them, changing what the person
# wrote: angle brackets travel as private-use characters and come back after the headline.
_LT, _GT = "\ue002", "\ue003"
_SHIELD = f"replace(replace({{}}, '<', chr({ord(_LT)})), '>', chr({ord(_GT)}))"


def _unshield(headline: str) -> str:
    return headline.replace(_LT, "<").replace(_GT, ">")


def _configs(language: str | None) -> list[str]:
    return [CONFIGS[language]] if language in CONFIGS else list(CONFIGS.values())


def _union(function: str, configs: list[str]) -> str:
    """The query parsed in every configuration, OR-ed: a French or an English document
    matches words typed in its own language, whatever the reader's interface language."""
    return " || ".join(f"{function}('{cfg}', %s)" for cfg in configs)


def _queries(query: ParsedQuery, language: str | None) -> tuple[str, list[Any]]:
    configs = _configs(language)
    websearch = query.websearch()
    sql = f"SELECT ({_union('websearch_to_tsquery', configs)}) AS query"
    params: list[Any] = [websearch] * len(configs)
    if not query.phrases and len(query.terms) >= 2:
        sql += f", ({_union('phraseto_tsquery', configs)}) AS phrase"
        params += [" ".join(query.terms)] * len(configs)
    else:
        sql += ", NULL::tsquery AS phrase"
    return sql, params


def _where(where: Where) -> str:
    return where.sql.replace('"search_searchdocument".', "d.")


# Access is checked on the document row itself (`selectors.visible_documents`): ranking reads
# each match's row for its tsvector anyway, and joining the narrow access rows made the
# planner hash-join them all (measured: p95 about a third slower at 100,000 documents).
_FROM = "search_searchdocument d"


class PostgresBackend:
    #: Access conditions are on search_searchdocument (see `Where`), not the access rows.
    narrow_access = False

    def search(
        self, *, query: ParsedQuery, where: Where, language: str | None, limit: int, offset: int
    ) -> list[Row]:
        q_sql, q_params = _queries(query, language)
        sql = f"""
            WITH q AS ({q_sql}),
            page AS (
                SELECT d.id, d.doc_type, d.object_id, d.title, d.body, d.url, d.date,
                       d.assist_id, d.unit_id, d.language,
                       {_SCORE} AS score
                FROM {_FROM}, q
                WHERE d.search_vector @@ q.query AND ({_where(where)})
                ORDER BY score DESC, d.id
                LIMIT %s OFFSET %s
            )
            SELECT page.id, page.doc_type, page.object_id, page.title,
                   ts_headline({_DOC_CONFIG.replace("d.", "page.")},
                               {_SHIELD.format("coalesce(nullif(page.body, ''), page.title)")},
                               q.query, %s),
                   page.url, page.date, page.score, page.assist_id, page.unit_id, page.language
            FROM page, q ORDER BY page.score DESC, page.id
        """  # noqa: S608
        params = [*q_params, *where.params, limit, offset, _HEADLINE]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return _rows(rows)

    def counts(self, *, query: ParsedQuery, where: Where, language: str | None) -> dict[str, int]:
        q_sql, q_params = _queries(query, language)
        sql = (
            f"WITH q AS ({q_sql}) SELECT d.doc_type, count(*) FROM {_FROM}, q "  # noqa: S608
            f"WHERE d.search_vector @@ q.query AND ({_where(where)}) GROUP BY d.doc_type"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*q_params, *where.params])
            return {doc_type: n for doc_type, n in cursor.fetchall()}

    def page(
        self,
        *,
        query: ParsedQuery,
        where: Where,
        types: tuple[str, ...],
        language: str | None,
        limit: int,
        offset: int,
        audience: Audience | None = None,  # for SQLite's keyed rowids; unused here
    ) -> tuple[list[Row], dict[str, int]]:
        """Counts per type and one page of the given types from one pass over the matches
        (each is access-checked and ranked once), then headlines for that page only."""
        q_sql, q_params = _queries(query, language)
        of_types = "doc_type IN ({})".format(", ".join(["%s"] * len(types))) if types else "true"
        sql = f"""
            WITH q AS ({q_sql}),
            m AS MATERIALIZED (
                SELECT d.id, d.doc_type, {_SCORE} AS score
                FROM {_FROM}, q
                WHERE d.search_vector @@ q.query AND ({_where(where)})
            )
            SELECT 0, doc_type, count(*), NULL::float8 FROM m GROUP BY doc_type
            UNION ALL (
                SELECT 1, doc_type, id, score FROM m WHERE {of_types}
                ORDER BY score DESC, id LIMIT %s OFFSET %s
            )
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*q_params, *where.params, *types, limit, offset])
            found = cursor.fetchall()
            counts = {doc_type: n for part, doc_type, n, _s in found if part == 0}
            scores = {doc_id: score for part, _t, doc_id, score in found if part == 1}
            if not scores:
                return [], counts
            cursor.execute(
                f"""WITH q AS ({q_sql})
                SELECT d.id, d.doc_type, d.object_id, d.title,
                       ts_headline({_DOC_CONFIG},
                                   {_SHIELD.format("coalesce(nullif(d.body, ''), d.title)")},
                                   q.query, %s),
                       d.url, d.date, 0, d.assist_id, d.unit_id, d.language
                FROM search_searchdocument d, q WHERE d.id = ANY(%s)""",  # noqa: S608
                [*q_params, _HEADLINE, list(scores)],
            )
            by_id = {r[0]: (*r[:7], scores[r[0]], *r[8:]) for r in cursor.fetchall()}
        return _rows([by_id[i] for i in scores if i in by_id]), counts

    def raw_search(self, *, text: str, limit: int, configs: tuple[str, ...] = ()) -> list[int]:
        """The typed text parsed in every configuration (or in `configs`), OR-ed as the app
        does, so that the baseline matches the same documents as the app's query."""
        union = _union("websearch_to_tsquery", list(configs or CONFIGS.values()))
        n = len(configs or CONFIGS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH q AS (SELECT ({union}) AS query) "  # noqa: S608
                "SELECT id FROM search_searchdocument, q WHERE search_vector @@ q.query "
                "ORDER BY ts_rank_cd(%s::float4[], search_vector, q.query) DESC LIMIT %s",
                [*[text] * n, WEIGHTS, limit],
            )
            return [r[0] for r in cursor.fetchall()]


def _rows(rows: list[tuple[Any, ...]]) -> list[Row]:
    return [
        Row(
            id=r[0],
            doc_type=r[1],
            object_id=r[2],
            title=r[3],
            snippet=text.marked_to_html(_unshield(r[4])),
            url=r[5],
            date=r[6],
            score=round(float(r[7]), 4),
            assist_id=r[8],
            unit_id=r[9],
            language=r[10],
        )
        for r in rows
    ]
