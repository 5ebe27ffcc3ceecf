"""Writes to the search index. Called from signal handlers (see `signals`) inside the
transaction that changed the row, so the index never disagrees with what was committed.

One exception, for speed: a note posted in the live room is indexed just after its
transaction commits (core/deferred.py), so that the 500 people in the room get it without
waiting for the index (issue 19). If the process dies between the two, the note is in the
room and the record but not yet in search until `notes_catch_up` (a periodic job, every
few minutes) indexes it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef, Q

from peerassist.core.access import SHARED_VISIBILITIES
from peerassist.search import text
from peerassist.search.models import DocType, SearchAccess, SearchDocument
from peerassist.search.providers import PROVIDERS, DocumentData, Provider, provider_for

_COMPARED = ("title", "body", "language", "assist_id", "unit_id", "community_id", "date", "url")


def _values(data: DocumentData) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": data.title[:300],
        "body": data.body,
        "language": data.language,
        "organisation_id": data.organisation_id,
        "assist_id": data.assist_id,
        "unit_id": data.unit_id,
        "community_id": data.community_id,
        "date": data.date,
        "url": data.url[:300],
    }
    if connection.vendor == "sqlite":  # PostgreSQL builds its tsvector itself
        values["title_stems"] = text.stems(values["title"], data.language)
        values["body_stems"] = text.stems(data.body, data.language)
    return values


def _shared(assist_id: int | None) -> bool:
    """May every member of the organisation see a document of this assist (or of none)?"""
    if assist_id is None:
        return True
    assist = apps.get_model("assists.PeerAssist")
    return assist.objects.filter(pk=assist_id, visibility__in=SHARED_VISIBILITIES).exists()


def _write(doc_type: str, object_id: int, data: DocumentData | None) -> None:
    if data is None:
        SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id).delete()
        return
    values = _values(data)
    existing = SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id).first()
    if existing is None:
        existing = SearchDocument.objects.create(doc_type=doc_type, object_id=object_id, **values)
    elif any(getattr(existing, f) != values[f] for f in _COMPARED) or (
        existing.organisation_id != data.organisation_id
    ):
        SearchDocument.objects.filter(pk=existing.pk).update(**values)
    access = {
        "organisation_id": data.organisation_id,
        "doc_type": doc_type,
        "assist_id": data.assist_id,
        "shared": _shared(data.assist_id),
    }
    current = SearchAccess.objects.filter(pk=existing.pk).values(*access).first()
    if current != access:
        SearchAccess.objects.update_or_create(document_id=existing.pk, defaults=access)


def access_assist_sync(*, assist_id: int, visibility: str) -> None:
    """An assist's visibility changed (or may have): its documents' audience follows at once."""
    SearchAccess.objects.filter(assist_id=assist_id).update(
        shared=visibility in SHARED_VISIBILITIES
    )


ACCESS_REBUILD_SQL = (
    "INSERT INTO search_searchaccess (document_id, organisation_id, doc_type, assist_id, shared) "
    "SELECT d.id, d.organisation_id, d.doc_type, d.assist_id, "
    "(d.assist_id IS NULL OR a.visibility IN (%s, %s)) "
    "FROM search_searchdocument d LEFT JOIN assists_peerassist a ON a.id = d.assist_id"
)


def search_access_rebuild(*, organisation_id: int | None = None) -> None:
    """Recompute every document's access row from the documents and their assists (after
    bulk inserts, which send no signals, and by `search_reindex`). PostgreSQL: in one
    statement. SQLite: only the rows that differ (its triggers keep the access rows and
    the FTS keys in step already, and each access row changed moves an FTS row), then,
    for the whole index, the FTS index is rebuilt from the access rows' keys."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite_access_rebuild(cursor, organisation_id)
        elif organisation_id is None:
            cursor.execute("DELETE FROM search_searchaccess")
            cursor.execute(ACCESS_REBUILD_SQL, list(SHARED_VISIBILITIES))
        else:
            cursor.execute(
                "DELETE FROM search_searchaccess WHERE organisation_id = %s", [organisation_id]
            )
            cursor.execute(
                ACCESS_REBUILD_SQL + " WHERE d.organisation_id = %s",
                [*SHARED_VISIBILITIES, organisation_id],
            )


_SQLITE_ACCESS = (
    "SELECT d.id AS id, d.organisation_id AS organisation_id, d.doc_type AS doc_type, "
    "d.assist_id AS assist_id, (d.assist_id IS NULL OR a.visibility IN (%s, %s)) AS shared "
    "FROM search_searchdocument d LEFT JOIN assists_peerassist a ON a.id = d.assist_id"
)


def _sqlite_access_rebuild(cursor: Any, organisation_id: int | None) -> None:
    scope, scoped = (
        ("", [])
        if organisation_id is None
        else (" WHERE d.organisation_id = %s", [organisation_id])
    )
    of_org = "" if organisation_id is None else " AND search_searchaccess.organisation_id = %s"
    cursor.execute(
        "DELETE FROM search_searchaccess WHERE NOT EXISTS (SELECT 1 FROM "  # noqa: S608
        f"search_searchdocument d WHERE d.id = search_searchaccess.document_id){of_org}",
        scoped,
    )
    cursor.execute(
        f"UPDATE search_searchaccess SET organisation_id = s.organisation_id, "  # noqa: S608
        "doc_type = s.doc_type, assist_id = s.assist_id, shared = s.shared "
        f"FROM ({_SQLITE_ACCESS}{scope}) s WHERE s.id = search_searchaccess.document_id "
        "AND (s.organisation_id IS NOT search_searchaccess.organisation_id "
        "OR s.doc_type IS NOT search_searchaccess.doc_type "
        "OR s.assist_id IS NOT search_searchaccess.assist_id "
        "OR s.shared IS NOT search_searchaccess.shared)",
        [*SHARED_VISIBILITIES, *scoped],
    )
    cursor.execute(
        "INSERT INTO search_searchaccess "  # noqa: S608
        "(document_id, organisation_id, doc_type, assist_id, shared) "
        f"SELECT * FROM ({_SQLITE_ACCESS}{scope}) s WHERE NOT EXISTS "
        "(SELECT 1 FROM search_searchaccess WHERE document_id = s.id)",
        [*SHARED_VISIBILITIES, *scoped],
    )
    if organisation_id is None:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def document_sync(*, instance: Model) -> None:
    """Bring the index entry of one row in line with the row (adding or dropping it)."""
    provider = provider_for(instance)
    if provider is None:
        return
    fresh = provider.queryset().filter(pk=instance.pk).first()
    _write(provider.doc_type, int(instance.pk), provider.build(fresh) if fresh else None)


#: How far back `notes_catch_up` looks: notes are posted in rooms that are live now or
#: were a moment ago.
CATCH_UP_DAYS = 2


def notes_catch_up(*, now: datetime) -> int:
    """Index the notes of recently live assists that are missing from the index (their
    process died between saving and indexing them, see core/deferred.py). Idempotent; returns
    how many it indexed."""
    assists = apps.get_model("assists.PeerAssist")
    notes = apps.get_model("live.Contribution")
    recent = assists.objects.filter(
        Q(status="live")
        | Q(status="concluded", updated_at__gte=now - timedelta(days=CATCH_UP_DAYS))
    )
    missing = list(
        notes.objects.filter(
            assist__in=recent.values("pk"), deleted_at__isnull=True, merged_into__isnull=True
        )
        .filter(
            ~Exists(
                SearchDocument.objects.filter(
                    doc_type=DocType.CONTRIBUTION, object_id=OuterRef("pk")
                )
            )
        )
        .values_list("pk", flat=True)
    )
    if missing:
        documents_sync(doc_type=DocType.CONTRIBUTION, object_ids=missing)
    return len(missing)


def document_remove(*, doc_type: str, object_id: int) -> None:
    """Drop one row's index entry (the row is gone)."""
    SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id).delete()


def documents_sync(*, doc_type: str, object_ids: Iterable[int]) -> None:
    """Re-index some rows of one type, e.g. after a bulk write that sends no signals."""
    provider = PROVIDERS[doc_type]
    ids = set(object_ids)
    with transaction.atomic():
        for row in provider.queryset().filter(pk__in=ids).iterator(chunk_size=500):
            _write(doc_type, row.pk, provider.build(row))
            ids.discard(row.pk)
        for gone in ids:
            document_remove(doc_type=doc_type, object_id=gone)


def _available(provider: Provider) -> bool:
    try:
        provider.model_class  # noqa: B018
    except LookupError:
        return False
    return True


def search_reindex(
    *,
    organisation_id: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    chunk: int = 500,
) -> int:
    """Rebuild the index from the rows (all organisations, or one); returns the number of
    documents. Idempotent: documents whose row is gone or hidden are dropped."""
    total_docs = 0
    for provider in PROVIDERS.values():
        if not _available(provider):
            continue
        rows = provider.queryset(organisation_id).order_by("pk")
        total = rows.count()
        done = 0
        seen: set[int] = set()
        if progress:
            progress(provider.doc_type, 0, total)
        last_pk = 0
        while True:
            batch = list(rows.filter(pk__gt=last_pk)[:chunk])
            if not batch:
                break
            with transaction.atomic():
                for row in batch:
                    data = provider.build(row)
                    _write(provider.doc_type, row.pk, data)
                    if data is not None:
                        seen.add(row.pk)
            last_pk = batch[-1].pk
            done += len(batch)
            if progress:
                progress(provider.doc_type, done, total)
        indexed = SearchDocument.objects.filter(doc_type=provider.doc_type)
        if organisation_id is not None:
            indexed = indexed.filter(organisation_id=organisation_id)
        stale = sorted(set(indexed.values_list("object_id", flat=True)) - seen)
        for start in range(0, len(stale), chunk):
            SearchDocument.objects.filter(
                doc_type=provider.doc_type, object_id__in=stale[start : start + chunk]
            ).delete()
        total_docs += len(seen)
    search_access_rebuild(organisation_id=organisation_id)
    return total_docs
