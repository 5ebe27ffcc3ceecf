"""SQLite FTS5: stems in the index, bm25 with the title weighing more, snippets from the
original text around the matched stems (the FTS column holds stems, not display text).

The FTS rowid is a key, not the document id (migration 0006, kept by triggers):
organisation << 44 | shared << 43 | type << 40 | document id. So a member's search counts
and ranks the organisation's shared documents from the index alone (one rowid range per
type) and looks up only the other matches' access rows; the page shown is checked again
against the full access rule on the document rows, so that a key gone stale could at most
miscount, never show a document.

SQL here is built from constants and the ORM-compiled WHERE clause only (hence the
S608 exemptions); every value, including the user's words, travels as a parameter.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import connection

from peerassist.search import text
from peerassist.search.backends import Audience, Row, Where
from peerassist.search.text import ParsedQuery

logger = logging.getLogger(__name__)

TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
PHRASE_BONUS = 1000.0
_COLUMNS = (
    "search_searchdocument.id, doc_type, object_id, title, body, url, date, assist_id, "
    "unit_id, language, title_stems, body_stems"
)
ORG_SHIFT, SHARED_SHIFT, TYPE_SHIFT = 44, 43, 40
ID_MASK = (1 << TYPE_SHIFT) - 1
#: The type's code in the key (migration 0006 has the same list).
TYPE_CODES = ("brief", "contribution", "writeup", "action", "person", "topic", "give")
_DOC_ID = f"(search_fts.rowid & {ID_MASK})"


def key_range(organisation_id: int, shared: bool | None = None) -> tuple[int, int]:
    """The rowids of one organisation's documents: all, or only the shared (True) or
    the other (False) ones."""
    base = organisation_id << ORG_SHIFT
    if shared is None:
        return base, base | ((1 << ORG_SHIFT) - 1)
    if shared:
        return base | (1 << SHARED_SHIFT), base | ((1 << ORG_SHIFT) - 1)
    return base, base | ((1 << SHARED_SHIFT) - 1)


def document_key(organisation_id: int, shared: bool, doc_type: str, document_id: int) -> int:
    """The rowid of a document's FTS row (what the triggers of migration 0006 compute)."""
    if not 0 <= document_id <= ID_MASK or not 0 <= organisation_id < 1 << (63 - ORG_SHIFT):
        raise ValueError(f"search key out of range: {organisation_id=}, {document_id=}")
    return (
        organisation_id << ORG_SHIFT
        | int(shared) << SHARED_SHIFT
        | TYPE_CODES.index(doc_type) << TYPE_SHIFT
        | document_id
    )


# CROSS JOIN makes SQLite walk the FTS matches and look each one's access row up by its key
# (`fts_key`, a generated column with an index, migration 0006: looked up in the order the
# matches come); with a plain JOIN the planner may walk the organisation's documents and
# run the MATCH once per document (seconds at 100k documents instead of milliseconds). The
# access row is narrow: the wide document row (title, body, stems) is read per match only
# for the filters that need it, and otherwise only for the page shown.
_FROM = (
    "search_fts CROSS JOIN search_searchaccess ON search_searchaccess.fts_key = search_fts.rowid"
)
_FROM_DOCUMENTS = (
    f"{_FROM} CROSS JOIN search_searchdocument ON search_searchdocument.id = {_DOC_ID}"
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


def _rank(
    query: ParsedQuery, language: str | None, rowids: tuple[int, int] | None = None
) -> tuple[str, list[Any]]:
    """bm25 with the title weighing more, minus a bonus when the words come as a phrase
    (looked for only among `rowids`, when given: the query ranks no others)."""
    rank = f"bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"
    phrase = phrase_expression(query, language)
    if not phrase:
        return rank, []
    among = " AND rowid BETWEEN %s AND %s" if rowids else ""
    rank += (
        " - (CASE WHEN search_fts.rowid IN (SELECT rowid FROM search_fts "  # noqa: S608
        f"WHERE search_fts MATCH %s{among}) THEN {PHRASE_BONUS} ELSE 0 END)"
    )
    return rank, [phrase, *(rowids or ())]


Rank = Callable[[tuple[int, int]], tuple[str, list[Any]]]


class SqliteBackend:
    #: Access conditions are on search_searchaccess, joined to each match (see `Where`).
    narrow_access = True

    def search(
        self, *, query: ParsedQuery, where: Where, language: str | None, limit: int, offset: int
    ) -> list[Row]:
        rank, params = _rank(query, language)
        sql = (
            f"SELECT {_DOC_ID} AS id, {rank} AS rank FROM {_from(where)} "  # noqa: S608
            f"WHERE search_fts MATCH %s AND ({where.sql}) "
            "ORDER BY rank, id LIMIT %s OFFSET %s"
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
        audience: Audience | None = None,
    ) -> tuple[list[Row], dict[str, int]]:
        """Counts per type and one page of the given types. With an `audience` and no
        filter on the document rows, the matches the key settles (an organiser's: all of
        the organisation's; a member's: its shared ones) are counted and ranked from the
        index alone, and only the others are looked up and checked; the best of both make
        the page, whose documents are checked again against the full access rule."""

        def rank(rowids: tuple[int, int]) -> tuple[str, list[Any]]:
            return _rank(query, language, rowids)

        match = match_expression(query, language)
        top = offset + limit
        if audience is None:
            counts, ranked = _checked(rank, match, where, types, (0, _MAX_KEY), top)
        elif where.documents or not (audience.sees_all or audience.sees_shared):
            org = key_range(audience.organisation_id)
            counts, ranked = _checked(rank, match, where, types, org, top)
        elif audience.sees_all:
            halves = [key_range(audience.organisation_id, shared=s) for s in (False, True)]
            counts, ranked = _keyed(rank, match, types, halves, top)
        else:
            shared = key_range(audience.organisation_id, shared=True)
            others = key_range(audience.organisation_id, shared=False)
            counts, ranked = _keyed(rank, match, types, [shared], top)
            more_counts, more = _checked(rank, match, where, types, others, top)
            for doc_type, n in more_counts.items():
                counts[doc_type] = counts.get(doc_type, 0) + n
            ranked = sorted(ranked + more, key=lambda r: (r[1], r[0]))
        ranks = dict(ranked[offset:top])
        check = audience.check if audience else None
        return _documents(ranks, wanted_stems(query, language), check), counts

    def raw_search(self, *, text: str, limit: int, configs: tuple[str, ...] = ()) -> list[int]:
        """The documents' ids (the rowids' last 40 bits)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "  # noqa: S608
                f"ORDER BY bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) LIMIT %s",
                [text, limit],
            )
            return [r[0] & ID_MASK for r in cursor.fetchall()]


_MAX_KEY = (1 << 63) - 1
Ranked = list[tuple[int, float]]


def _of_types(column: str, types: tuple[object, ...]) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(types))})" if types else "1=1"


def _checked(
    rank: Rank,
    match: str,
    where: Where,
    types: tuple[str, ...],
    rowids: tuple[int, int],
    top: int,
) -> tuple[dict[str, int], Ranked]:
    """The matches whose rowid is in `rowids`, each looked up and checked under `where`
    once (a materialised CTE: the bm25 score, the lookup of its narrow access row and the
    check), counted by type (a GROUP BY on it), and the best `top` of `types`."""
    rank_sql, rank_params = rank(rowids)
    sql = (
        "WITH m AS MATERIALIZED ("  # noqa: S608
        f"SELECT {_DOC_ID} AS id, search_searchaccess.doc_type AS doc_type, "
        f"{rank_sql} AS rank FROM {_from(where)} "
        "WHERE search_fts MATCH %s AND search_fts.rowid BETWEEN %s AND %s "
        f"AND ({where.sql})) "
        "SELECT * FROM (SELECT 0, doc_type, count(*) FROM m GROUP BY doc_type) "
        "UNION ALL SELECT * FROM ("
        f"SELECT 1, id, rank FROM m WHERE {_of_types('doc_type', types)} ORDER BY rank, id "
        "LIMIT %s)"
    )
    params = [*rank_params, match, *rowids, *where.params, *types, top]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return (
        {doc_type: n for part, doc_type, n in found if part == 0},
        [(doc_id, r) for part, doc_id, r in found if part == 1],
    )


def _keyed(
    rank: Rank,
    match: str,
    types: tuple[str, ...],
    halves: list[tuple[int, int]],
    top: int,
) -> tuple[dict[str, int], Ranked]:
    """The matches whose rowid is in `halves` (ranges of one organisation with `shared`
    fixed), from the index alone: counted per type, one FTS5 count per type's rowid range
    (no bm25, no lookup; at p95 half the time of one GROUP BY on the type in the key), and
    the best `top` of `types`."""
    rank_sql, rank_params = rank((halves[0][0], halves[-1][1]))
    ranges = [
        (code, lo | code << TYPE_SHIFT, lo | code << TYPE_SHIFT | ID_MASK)
        for lo, _hi in halves
        for code in range(len(TYPE_CODES))
    ]
    counting = " UNION ALL ".join(
        [
            "SELECT 0, %s, count(*) FROM search_fts "
            "WHERE search_fts MATCH %s AND search_fts.rowid BETWEEN %s AND %s"
        ]
        * len(ranges)
    )
    codes = tuple(TYPE_CODES.index(t) for t in types if t in TYPE_CODES)
    if types and not codes:
        codes = (-1,)
    type_of = f"((search_fts.rowid >> {TYPE_SHIFT}) & 7)"
    sql = (
        f"{counting} UNION ALL SELECT * FROM ("  # noqa: S608
        f"SELECT 1, {_DOC_ID} AS id, {rank_sql} AS rank FROM search_fts "
        "WHERE search_fts MATCH %s AND search_fts.rowid BETWEEN %s AND %s "
        f"AND {_of_types(type_of, codes)} ORDER BY rank, id LIMIT %s)"
    )
    params: list[Any] = [x for code, lo, hi in ranges for x in (code, match, lo, hi)]
    params += [*rank_params, match, halves[0][0], halves[-1][1], *codes, top]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    counts: dict[str, int] = {}
    for part, code, n in found:
        if part == 0 and n:
            counts[TYPE_CODES[code]] = counts.get(TYPE_CODES[code], 0) + n
    return counts, [(doc_id, r) for part, doc_id, r in found if part == 1]


def _documents(ranks: dict[int, float], wanted: set[str], check: Where | None = None) -> list[Row]:
    """The page's documents (read only now, for the page shown), in the order of `ranks`;
    with `check` (the full access rule on the document rows), only those it allows."""
    if not ranks:
        return []
    allowed = f" AND ({check.sql})" if check else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS}, 0 FROM search_searchdocument "  # noqa: S608
            f"WHERE id IN ({', '.join(['%s'] * len(ranks))}){allowed}",
            [*ranks, *(check.params if check else ())],
        )
        by_id = {r[0]: (*r[:-1], ranks[r[0]]) for r in cursor.fetchall()}
    if len(by_id) < len(ranks) and check:
        # A key that disagrees with the access rule: a bug to hunt, never a leak.
        logger.error(
            "search: %d of the page's documents refused by the access check",
            len(ranks) - len(by_id),
        )
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
