"""Reads from the search index, always through what the viewer may see.

Access control is part of the query itself: `visible_documents` is a queryset whose
WHERE clause (organisation, the viewer's assists as a subquery, members-only types) is
compiled and handed to the backend, which ranks, pages and counts inside it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from peerassist.core import access
from peerassist.core.scoping import Viewer
from peerassist.people.selectors import unit_with_descendant_ids
from peerassist.search import text
from peerassist.search.backends import Row, Where, get_backend
from peerassist.search.models import DocType, SearchDocument
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


def visible_documents(*, viewer: Viewer) -> QuerySet[SearchDocument]:
    """Index entries the viewer may see: their organisation's, and of those the ones of an
    assist they may see; members also see people, topics and gives; published write-ups
    reach the people they were sent to."""
    allowed = Q(assist_id__in=access.assist_ids_visible(viewer))
    if viewer.is_member:
        allowed |= Q(assist__isnull=True)
    allowed |= Q(doc_type=DocType.WRITEUP, assist_id__in=access.assist_ids_sent_writeup(viewer))
    return SearchDocument.objects.filter(Q(organisation=viewer.organisation) & allowed)


def _filtered(viewer: Viewer, filters: SearchFilters) -> QuerySet[SearchDocument]:
    """What the viewer may see, with every filter but the type (counts are per type)."""
    qs = visible_documents(viewer=viewer)
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
    return qs


def _compile(qs: QuerySet[SearchDocument]) -> Where:
    compiler = qs.query.get_compiler(connection=connection)
    try:
        sql, params = qs.query.where.as_sql(compiler, connection)
    except EmptyResultSet:  # e.g. a unit filter naming no unit the viewer can see
        return Where(sql="1=0", params=())
    except FullResultSet:
        return Where(sql="1=1", params=())
    return Where(sql=sql or "1=1", params=tuple(params))


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
    # Compiled once: building the access-control queryset costs about as much as a query.
    where = _compile(_filtered(viewer, filters))
    backend = get_backend()
    hits, counts = backend.page(
        query=query,
        where=where,
        types=filters.types,
        language=language,
        limit=per_page,
        offset=(page - 1) * per_page,
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
    qs = visible_documents(viewer=viewer)
    if types:
        qs = qs.filter(doc_type__in=types)
    return _in_reader_language(
        get_backend().search(query=query, where=_compile(qs), language=None, limit=limit, offset=0)
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
