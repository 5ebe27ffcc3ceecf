"""Two full-text backends behind one call, chosen by the database vendor.

`run(where, query, ...)` takes the access-control and filter conditions already compiled
to SQL (from the ORM, see `selectors`), so both backends apply them inside the one query
that ranks, pages and counts: nothing the reader may not see is ever counted or returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection

from peerassist.search.text import ParsedQuery


@dataclass(frozen=True)
class Where:
    """A compiled WHERE clause and its parameters. For a backend with `narrow_access`, access
    is on search_searchaccess (one narrow row per document) and conditions on
    search_searchdocument (the filters by unit, community, language or date) come only with
    `documents` set, so that the wide row is read per match only when they need it; for the
    others, every condition is on search_searchdocument."""

    sql: str
    params: tuple[Any, ...]
    documents: bool = False


@dataclass(frozen=True)
class Audience:
    """Who searches, for a backend that can narrow the matches by who may see them before
    the access clause (SQLite's keyed rowids): the viewer's organisation; whether they see
    all of it (organisers) or its shared documents (members) without a look at who takes
    part; and `check`, the full access rule on the document rows, compiled, which every
    page shown is checked against again."""

    organisation_id: int
    sees_all: bool
    sees_shared: bool
    check: Where


@dataclass(frozen=True)
class Row:
    id: int
    doc_type: str
    object_id: int
    title: str
    snippet: str  # safe HTML: escaped text with <mark> around the matches
    url: str
    date: dt.date | None
    score: float
    assist_id: int | None
    unit_id: int | None
    language: str


class Backend(Protocol):
    #: Whether access is checked on the narrow access rows (search_searchaccess) or on the
    #: document rows: `selectors` compiles the conditions for the table the backend reads.
    narrow_access: bool

    def search(
        self, *, query: ParsedQuery, where: Where, language: str | None, limit: int, offset: int
    ) -> list[Row]: ...

    def counts(
        self, *, query: ParsedQuery, where: Where, language: str | None
    ) -> dict[str, int]: ...

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
        """Matches per type under `where`, and one page of those of `types` (all if empty).
        `audience` (when given) describes the same viewer as `where`."""
        ...

    def raw_search(self, *, text: str, limit: int, configs: tuple[str, ...] = ()) -> list[int]:
        """The bare engine query with no access control: the benchmark's baseline."""
        ...


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from peerassist.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from peerassist.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
