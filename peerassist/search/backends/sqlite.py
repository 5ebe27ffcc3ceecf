"""SQLite FTS5: stems in the index, bm25 with the title weighing more, snippets from the
original text around the matched stems (the FTS column holds stems, not display text).

SQL here is built from constants and the ORM-compiled WHERE clause only (hence the
S608 exemptions); every value, including the user's words, travels as a parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from peerassist.search import text
from peerassist.search.backends import Row, Where
from peerassist.search.text import ParsedQuery

TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
PHRASE_BONUS = 1000.0
_COLUMNS = (
    "search_searchdocument.id, doc_type, object_id, title, body, url, date, assist_id, "
    "unit_id, language, title_stems, body_stems"
)
# CROSS JOIN makes SQLite walk the FTS matches and look each one's access row up by id; with
# a plain JOIN the planner may walk the organisation's documents and run the MATCH once per
# document (seconds at 100k documents instead of milliseconds). The access row is narrow:
# the wide document row (title, body, stems) is read per match only for the filters that
# need it, and otherwise only for the page shown.
_FROM = (
    "search_fts CROSS JOIN search_searchaccess "
    "ON search_searchaccess.document_id = search_fts.rowid"
)
_FROM_DOCUMENTS = (
    f"{_FROM} CROSS JOIN search_searchdocument ON search_searchdocument.id = search_fts.rowid"
)


def _from(where: Where) -> str:
    return _FROM_DOCUMENTS if where.documents else _FROM


def _languages(language: str | None) -> tuple[str, ...]:
    return (language,) if language else text.LANGUAGES


def _quote(stem: str) -> str:
    # Stems hold letters and digits only (text.WORD), so quoting makes them plain strings.
    return '"' + stem.replace('"', "") + '"'


def _any(options: list[str]) -> str:
    unique = list(dict.fromkeys(options))
    return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"


def _term(word: str, languages: tuple[str, ...]) -> str:
    return _any([_quote(text.stem(word, lang)) for lang in languages])


def _phrase(words: list[str], languages: tuple[str, ...]) -> str:
    return _any([_quote(" ".join(text.stem(w, lang) for w in words)) for lang in languages])


def match_expression(query: ParsedQuery, language: str | None) -> str:
    """The FTS5 MATCH text: built only from stems, so no user input reaches its syntax."""
    languages = _languages(language)
    terms = [w for w in query.terms if not text.is_stopword(w)]
    if not terms and not query.phrases:  # "the who": search for the words anyway
        terms = query.terms
    parts = [_term(w, languages) for w in terms]
    parts += [_phrase(p, languages) for p in query.phrases]
    expression = (" OR " if query.any_word else " AND ").join(parts)
    if query.any_word and len(parts) > 1:
        expression = f"({expression})"
    if query.excluded:
        expression = f"({expression}) NOT {_any([_term(w, languages) for w in query.excluded])}"
    return expression


def phrase_expression(query: ParsedQuery, language: str | None) -> str | None:
    """Several words typed without quotes: documents holding them as a phrase rank first."""
    if query.phrases or len(query.terms) < 2:
        return None
    return _phrase(query.terms, _languages(language))


def wanted_stems(query: ParsedQuery, language: str | None) -> set[str]:
    return {text.stem(w, lang) for w in query.words for lang in _languages(language)}


def _rank(query: ParsedQuery, language: str | None) -> tuple[str, list[Any]]:
    """bm25 with the title weighing more, minus a bonus when the words come as a phrase."""
    rank = f"bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"
    phrase = phrase_expression(query, language)
    if not phrase:
        return rank, []
    rank += (
        " - (CASE WHEN search_fts.rowid IN (SELECT rowid FROM search_fts "  # noqa: S608
        f"WHERE search_fts MATCH %s) THEN {PHRASE_BONUS} ELSE 0 END)"
    )
    return rank, [phrase]


class SqliteBackend:
    #: Access conditions are on search_searchaccess, joined to each match (see `Where`).
    narrow_access = True

    def search(
        self, *, query: ParsedQuery, where: Where, language: str | None, limit: int, offset: int
    ) -> list[Row]:
        rank, params = _rank(query, language)
        sql = (
            f"SELECT search_fts.rowid, {rank} AS rank FROM {_from(where)} "  # noqa: S608
            f"WHERE search_fts MATCH %s AND ({where.sql}) "
            "ORDER BY rank, search_fts.rowid LIMIT %s OFFSET %s"
        )
        params += [match_expression(query, language), *where.params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ranks = dict(cursor.fetchall())
        return _documents(ranks, wanted_stems(query, language))

    def counts(self, *, query: ParsedQuery, where: Where, language: str | None) -> dict[str, int]:
        sql = (
            "SELECT search_searchaccess.doc_type, count(*) "  # noqa: S608
            f"FROM {_from(where)} WHERE search_fts MATCH %s AND ({where.sql}) "
            "GROUP BY search_searchaccess.doc_type"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match_expression(query, language), *where.params])
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
    ) -> tuple[list[Row], dict[str, int]]:
        """Counts per type and one page of the given types, from a single pass over the
        matches (each costs a bm25 score, the lookup of its narrow access row and the access
        check: do them once), kept in a materialised CTE, counted by a GROUP BY on it (about
        5 % less than one sum per type, on the SQL alone, in two runs)."""
        rank, params = _rank(query, language)
        of_types = "doc_type IN ({})".format(", ".join(["%s"] * len(types))) if types else "1=1"
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608
            "SELECT search_fts.rowid AS id, search_searchaccess.doc_type AS doc_type, "
            f"{rank} AS rank FROM {_from(where)} "
            f"WHERE search_fts MATCH %s AND ({where.sql})) "
            "SELECT * FROM (SELECT 0, doc_type, count(*) FROM m GROUP BY doc_type) "
            "UNION ALL SELECT * FROM ("
            f"SELECT 1, id, rank FROM m WHERE {of_types} ORDER BY rank, id "
            "LIMIT %s OFFSET %s)"
        )
        params += [match_expression(query, language), *where.params, *types, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        counts = {doc_type: n for part, doc_type, n in found if part == 0}
        ranks = {doc_id: r for part, doc_id, r in found if part == 1}
        return _documents(ranks, wanted_stems(query, language)), counts

    def raw_search(self, *, text: str, limit: int, configs: tuple[str, ...] = ()) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "  # noqa: S608
                f"ORDER BY bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) LIMIT %s",
                [text, limit],
            )
            return [r[0] for r in cursor.fetchall()]


def _documents(ranks: dict[int, float], wanted: set[str]) -> list[Row]:
    """The page's documents (read only now, for the page shown), in the order of `ranks`."""
    if not ranks:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS}, 0 FROM search_searchdocument "  # noqa: S608
            f"WHERE id IN ({', '.join(['%s'] * len(ranks))})",
            list(ranks),
        )
        by_id = {r[0]: (*r[:-1], ranks[r[0]]) for r in cursor.fetchall()}
    return _rows([by_id[doc_id] for doc_id in ranks if doc_id in by_id], wanted)


def _rows(rows: list[tuple[Any, ...]], wanted: set[str]) -> list[Row]:
    return [
        Row(
            id=r[0],
            doc_type=r[1],
            object_id=r[2],
            title=r[3],
            snippet=text.marked_to_html(_snippet(r, wanted)),
            url=r[5],
            date=_date(r[6]),
            score=round(-r[12], 4),
            assist_id=r[7],
            unit_id=r[8],
            language=r[9],
        )
        for r in rows
    ]


def _snippet(r: tuple[Any, ...], wanted: set[str]) -> str:
    """From the body (else the title), with the stems the index holds for it: stemming the
    text again was most of a snippet's cost."""
    body, title, language, title_stems, body_stems = r[4], r[3], r[9], r[10], r[11]
    if body:
        return text.snippet(body, language, wanted, text_stems=body_stems)
    return text.snippet(title, language, wanted, text_stems=title_stems)


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
