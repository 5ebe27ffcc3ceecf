"""Reads from the search index, always through what the viewer may see.

Access control is part of the query itself: `visible_access` is a queryset on the narrow
access rows whose WHERE clause (organisation; shared with every member, or of an assist the
viewer takes part in, as a subquery; write-ups sent to them) is compiled and handed to the
backend, which ranks, pages and counts inside it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from peerassist.core import access
from peerassist.core.scoping import Viewer
from peerassist.people.selectors import unit_with_descendant_ids
from peerassist.search import text
from peerassist.search.backends import Audience, Row, Where, get_backend
from peerassist.search.models import DocType, SearchAccess, SearchDocument
from peerassist.search.providers import contribution_title

PER_PAGE = 20
MAX_PAGE = 50
#: When all the words together find fewer than this, the search looks for any of them
#: (and the page says so).
ANY_WORD_BELOW = 3


@dataclass(frozen=True)
class SearchFilters:
    types: tuple[str, ...] = ()
    unit_id: int | None = None
    community_id: int | None = None
    language: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: list[Row]
    count: int  # matches with every filter applied
    counts_by_type: dict[str, int]  # matches per type with every filter but the type
    page: int
    per_page: int
    filters: SearchFilters = field(default_factory=SearchFilters)
    #: True when all the words together found little and these are any-word matches.
    any_word: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.count / self.per_page)))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.hits)


def visible_access(*, viewer: Viewer) -> QuerySet[SearchAccess]:
    """Access rows of the documents the viewer may see: their organisation's, and of those
    the ones of an assist they may see (`access.assist_visible_q`: organisers all, members
    those shared with the organisation and those they were asked to, guests only those);
    members also see what belongs to no assist (people, topics, gives); published
    write-ups reach the people they were sent to. `shared` is the assist's visibility (or
    no assist), kept in step by the indexer; who takes part is asked here, every time."""
    same_org = SearchAccess.objects.filter(organisation=viewer.organisation)
    if viewer.can_manage_people:
        return same_org
    participation = apps.get_model("assists", "Participation")
    asked = participation._default_manager.filter(person__user=viewer.user).values("assist_id")
    # `shared` first: for a member it settles most rows without a lookup in the subqueries.
    allowed = Q(shared=True) if viewer.is_member else Q(pk__in=[])
    allowed |= Q(assist_id__in=asked)
    allowed |= Q(doc_type=DocType.WRITEUP, assist_id__in=access.assist_ids_sent_writeup(viewer))
    return same_org.filter(allowed)


def visible_documents(*, viewer: Viewer) -> QuerySet[SearchDocument]:
    """The same rule as `visible_access` on the document rows themselves, for a backend that
    reads each match's document row anyway (PostgreSQL: its tsvector is there): the assists
    the viewer may see as a subquery instead of the `shared` copy of their visibility."""
    allowed = Q(assist_id__in=access.assist_ids_visible(viewer))
    if viewer.is_member:
        allowed |= Q(assist__isnull=True)
    allowed |= Q(doc_type=DocType.WRITEUP, assist_id__in=access.assist_ids_sent_writeup(viewer))
    return SearchDocument.objects.filter(Q(organisation=viewer.organisation) & allowed)


def page_check(*, viewer: Viewer) -> QuerySet[SearchDocument]:
    """The rule of `visible_documents`, asked of each document rather than as the set of
    every assist the viewer may see (a member's is most of the organisation's, which a
    subquery would gather at every search): for the few documents of a page, each one's
    assist is looked up (`access.assist_visible_q`)."""
    assists = apps.get_model("assists", "PeerAssist")._default_manager
    allowed = Q(Exists(assists.filter(access.assist_visible_q(viewer), pk=OuterRef("assist_id"))))
    if viewer.is_member:
        allowed |= Q(assist__isnull=True)
    allowed |= Q(doc_type=DocType.WRITEUP, assist_id__in=access.assist_ids_sent_writeup(viewer))
    return SearchDocument.objects.filter(Q(organisation=viewer.organisation) & allowed)


def _visible(viewer: Viewer, *, narrow: bool) -> QuerySet[Any]:
    return visible_access(viewer=viewer) if narrow else visible_documents(viewer=viewer)


def _filters(viewer: Viewer, filters: SearchFilters) -> QuerySet[SearchDocument] | None:
    """Every filter but the type (counts are per type), or None when there is none."""
    qs = SearchDocument.objects.all()
    if filters.unit_id is not None:
        qs = qs.filter(unit_id__in=unit_with_descendant_ids(viewer=viewer, unit_id=filters.unit_id))
    if filters.community_id is not None:
        qs = qs.filter(community_id=filters.community_id)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    return qs if qs.query.where else None


def _compile(qs: QuerySet[Any]) -> Where:
    compiler = qs.query.get_compiler(connection=connection)
    try:
        sql, params = qs.query.where.as_sql(compiler, connection)
    except EmptyResultSet:  # e.g. a unit filter naming no unit the viewer can see
        return Where(sql="1=0", params=())
    except FullResultSet:
        return Where(sql="1=1", params=())
    return Where(sql=sql or "1=1", params=tuple(params))


#: The access clause compiled per viewer (see `_access_where`), at most this many kept.
_ACCESS_CACHE_SIZE = 1024
_access_cache: dict[tuple[Any, ...], Where] = {}


def _access_where(viewer: Viewer, *, narrow: bool, page: bool = False) -> Where:
    """`_visible` compiled to SQL, once per viewer and process: building and compiling the
    querysets costs more than a typical search query. The SQL depends only on the key (the
    role picks the rule; the organisation and user ids are its parameters); who takes part
    in which assist, and which write-ups were sent to whom, stay subqueries in it, asked
    at every search, so a change there counts at once (tests/test_search_access.py). Should
    a rule in `core.access` ever branch in Python on stored data rather than on the role,
    that data belongs in the key."""
    key = (connection.vendor, narrow, page, viewer.role, viewer.organisation.pk, viewer.user.pk)
    where = _access_cache.get(key)
    if where is None:
        if len(_access_cache) >= _ACCESS_CACHE_SIZE:
            _access_cache.clear()
        qs = page_check(viewer=viewer) if page else _visible(viewer, narrow=narrow)
        where = _access_cache[key] = _compile(qs)
    return where


def _where(viewer: Viewer, filters: SearchFilters | None = None, *, narrow: bool) -> Where:
    """Access control (on the access rows when `narrow`, else on the documents) and the
    filters (on the documents), compiled."""
    allowed = _access_where(viewer, narrow=narrow)
    narrowed = _filters(viewer, filters) if filters else None
    if narrowed is None:
        return allowed
    more = _compile(narrowed)
    return Where(
        sql=f"({allowed.sql}) AND ({more.sql})",
        params=(*allowed.params, *more.params),
        documents=True,
    )


def _audience(viewer: Viewer) -> Audience:
    """The same rule as `visible_access`, for a backend whose index knows each document's
    organisation and `shared` (SQLite's keyed rowids): organisers see all of the
    organisation's, members its shared documents; the rest needs `visible_access`. `check`
    is the rule on the document rows (`page_check`, which asks the assists, not `shared`),
    for the page shown."""
    return Audience(
        organisation_id=viewer.organisation.pk,
        sees_all=viewer.can_manage_people,
        sees_shared=viewer.is_member,
        check=_access_where(viewer, narrow=False, page=True),
    )


def search(
    *,
    viewer: Viewer,
    q: str,
    filters: SearchFilters | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """One page of what the viewer may see matching `q`, best first, with counts per type.
    Raises ValidationError (with a message for the person) when `q` has nothing to search."""
    filters = filters or SearchFilters()
    query = text.parse_query(q)
    language = text.normalise_language(filters.language)
    page = max(1, min(int(page), MAX_PAGE))
    backend = get_backend()
    # Compiled once: building the access-control queryset costs about as much as a query.
    where = _where(viewer, filters, narrow=backend.narrow_access)
    audience = _audience(viewer) if backend.narrow_access else None
    hits, counts = backend.page(
        query=query,
        where=where,
        types=filters.types,
        language=language,
        limit=per_page,
        offset=(page - 1) * per_page,
        audience=audience,
    )
    count = sum(n for t, n in counts.items() if not filters.types or t in filters.types)
    any_word = False
    if count < ANY_WORD_BELOW and query.widenable:
        wide_hits, wide_counts = backend.page(
            query=query.widened(),
            where=where,
            types=filters.types,
            language=language,
            limit=per_page,
            offset=(page - 1) * per_page,
            audience=audience,
        )
        wide = sum(n for t, n in wide_counts.items() if not filters.types or t in filters.types)
        if wide > count:
            hits, counts, count, any_word = wide_hits, wide_counts, wide, True
    return SearchPage(
        query=q,
        hits=_in_reader_language(hits),
        count=count,
        counts_by_type=counts,
        page=page,
        per_page=per_page,
        filters=filters,
        any_word=any_word,
    )


def search_documents(
    *, viewer: Viewer, q: str, types: tuple[str, ...] = (), limit: int = 50
) -> list[Row]:
    """The best `limit` documents the viewer may see for `q` (no counts, no paging): for
    callers such as the recommender that need evidence, not a results page. Each Row has
    doc_type, object_id, title, snippet (safe HTML), url, date, score, assist_id, unit_id."""
    query = text.parse_query(q)
    backend = get_backend()
    qs = _visible(viewer, narrow=backend.narrow_access)
    if types:
        qs = qs.filter(doc_type__in=types)
    return _in_reader_language(
        backend.search(query=query, where=_compile(qs), language=None, limit=limit, offset=0)
    )


def _in_reader_language(hits: list[Row]) -> list[Row]:
    """Titles the index stores in the default language, rebuilt in the active one: a note's
    title names its kind ("Recommendation: …"), which the reader reads in their language."""
    ids = [hit.object_id for hit in hits if hit.doc_type == DocType.CONTRIBUTION]
    if not ids:
        return hits
    contribution = apps.get_model("live", "Contribution")
    current = {
        pk: (kind, title)
        for pk, kind, title in contribution._default_manager.filter(pk__in=ids).values_list(
            "pk", "kind", "assist__title"
        )
    }
    return [
        replace(hit, title=contribution_title(*current[hit.object_id]))
        if hit.doc_type == DocType.CONTRIBUTION and hit.object_id in current
        else hit
        for hit in hits
    ]
