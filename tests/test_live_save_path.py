"""A note's save in a big room (issue 19): the people in the room get it as its transaction
commits, and the search index catches up just after (core/deferred.py); a note whose
indexing was lost is indexed by the periodic catch-up; the author's part is read in one
query."""

import datetime as dt
import logging
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerassist.assists.models import PeerAssist, Status
from peerassist.core import deferred, events
from peerassist.core.periodic import run_jobs
from peerassist.live import selectors, services
from peerassist.live.models import Contribution
from peerassist.search import selectors as search
from peerassist.search import services as search_services
from peerassist.search.models import SearchDocument
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(org):
    scene = make_scene(org)
    services.timer_control(
        assist_id=scene.assist.pk, user_id=scene.facilitator.user.pk, action="start"
    )
    return scene


def _post(scene, text, persona=None):
    return services.contribution_post(
        assist_id=scene.assist.pk,
        user_id=(persona or scene.facilitator).user.pk,
        client_id=str(uuid.uuid4()),
        text=text,
        kind="question",
    ).contribution


def _indexed(note_id):
    return SearchDocument.objects.filter(doc_type="contribution", object_id=note_id).exists()


# --- core.deferred --------------------------------------------------------------------------


def test_deferred_writes_run_in_order_when_the_block_ends():
    done = []
    with deferred.after():
        assert deferred.defer(lambda: done.append(1))
        assert deferred.defer(lambda: done.append(2))
        assert done == []
    assert done == [1, 2]


def test_nothing_deferred_runs_when_the_block_raises():
    done = []
    with pytest.raises(ValueError), deferred.after():
        deferred.defer(lambda: done.append(1))
        raise ValueError
    assert done == []


def test_a_failed_deferred_write_is_logged_and_the_next_still_runs(caplog):
    done = []

    def fails():
        raise RuntimeError("the index is locked")

    with caplog.at_level(logging.ERROR, logger="peerassist.core.deferred"), deferred.after():
        deferred.defer(fails)
        deferred.defer(lambda: done.append(2))
    assert done == [2]
    assert "A deferred write failed" in caplog.text


def test_outside_a_block_nothing_is_deferred():
    assert deferred.defer(lambda: None) is False


# --- A note in the room ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_note_is_published_as_it_commits_and_indexed_just_after(org, monkeypatch):
    """The room's event goes out at the note's COMMIT; the search rows are written after it,
    in a transaction of their own, before the author's acknowledgement."""
    scene = make_scene(org)
    services.timer_control(
        assist_id=scene.assist.pk, user_id=scene.facilitator.user.pk, action="start"
    )
    order = []
    publish = events._publish_committed

    def published(message):
        order.append(("published", _indexed(message["event"]["data"]["id"])))
        publish(message)

    monkeypatch.setattr(events, "_publish_committed", published)
    with CaptureQueriesContext(connection) as queries:
        note = _post(scene, "Calibrate the loggers before the frost")
    assert order == [("published", False)]  # not yet in search when the room got it
    assert _indexed(note["id"])
    sql = [q["sql"] for q in queries.captured_queries]
    note_insert = next(
        i for i, s in enumerate(sql) if s.startswith('INSERT INTO "live_contribution"')
    )
    search_insert = next(
        i for i, s in enumerate(sql) if s.startswith('INSERT INTO "search_searchdocument"')
    )
    commit = next(i for i in range(note_insert, len(sql)) if sql[i] == "COMMIT")
    assert note_insert < commit < search_insert
    found = search.search(viewer=scene.observer.viewer, q="frost").hits
    assert [h.object_id for h in found] == [note["id"]]


def test_inside_a_callers_transaction_the_note_is_indexed_before_it_returns(scene):
    note = _post(scene, "Calibrate the loggers before the frost")
    assert _indexed(note["id"])
    assert [h.object_id for h in search.search(viewer=scene.home.viewer, q="frost").hits] == [
        note["id"]
    ]


def test_a_refused_note_leaves_nothing_to_index(scene):
    with pytest.raises(services.RoomError):
        services.contribution_post(
            assist_id=scene.assist.pk,
            user_id=scene.facilitator.user.pk,
            client_id=str(uuid.uuid4()),
            text="   ",
            kind="question",
        )
    assert not SearchDocument.objects.filter(doc_type="contribution", body="").exists()


def test_a_note_whose_indexing_failed_is_still_saved_and_acknowledged(scene, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(search_services, "document_sync", broken)
    with transaction.atomic():  # the deferred write's savepoint rolls back alone
        note = _post(scene, "Saved even if search is broken")
    assert Contribution.objects.filter(pk=note["id"]).exists()
    assert not _indexed(note["id"])
    monkeypatch.undo()
    assert search_services.notes_catch_up(now=timezone.now()) == 1
    assert _indexed(note["id"])


# --- The catch-up ---------------------------------------------------------------------------


def test_the_catch_up_indexes_live_notes_missing_from_search_once(scene):
    kept = _post(scene, "Indexed as it was saved")
    lost = _post(scene, "Its process died before it was indexed")
    SearchDocument.objects.filter(doc_type="contribution", object_id=lost["id"]).delete()
    gone = _post(scene, "Deleted later")
    Contribution.objects.filter(pk=gone["id"]).update(deleted_at=timezone.now())
    SearchDocument.objects.filter(doc_type="contribution", object_id=gone["id"]).delete()
    assert search_services.notes_catch_up(now=timezone.now()) == 1
    assert _indexed(lost["id"]) and _indexed(kept["id"]) and not _indexed(gone["id"])
    assert search_services.notes_catch_up(now=timezone.now()) == 0
    assert run_jobs()["search.notes_catch_up"] == 0


def test_the_catch_up_looks_at_recently_live_assists_only(scene):
    lost = _post(scene, "From a session concluded long ago")
    SearchDocument.objects.filter(doc_type="contribution", object_id=lost["id"]).delete()
    long_ago = timezone.now() - dt.timedelta(days=search_services.CATCH_UP_DAYS + 1)
    PeerAssist.objects.filter(pk=scene.assist.pk).update(
        status=Status.CONCLUDED, updated_at=long_ago
    )
    assert search_services.notes_catch_up(now=timezone.now()) == 0  # `reindex` covers it
    PeerAssist.objects.filter(pk=scene.assist.pk).update(updated_at=timezone.now())
    assert search_services.notes_catch_up(now=timezone.now()) == 1


# --- Who posts, in one query ----------------------------------------------------------------


def test_a_participant_is_read_in_one_query(scene):
    with CaptureQueriesContext(connection) as queries:
        actor = selectors.actor_for_user(assist=scene.assist, user_id=scene.home.user.pk)
    assert (actor.person_id, actor.role) == (scene.home.person.pk, "home_peer")
    assert len(queries.captured_queries) == 1


def test_a_deactivated_member_is_no_one_in_the_room_even_while_taking_part(scene):
    scene.home.membership.deactivated_at = timezone.now()
    scene.home.membership.save()
    assert selectors.actor_for_user(assist=scene.assist, user_id=scene.home.user.pk) is None
    with pytest.raises(Exception, match="no longer take part"):
        _post(scene, "After I left", persona=scene.home)


def test_an_organiser_watching_is_read_as_before(scene, organiser):
    actor = selectors.actor_for_user(assist=scene.assist, user_id=organiser.user.pk)
    assert (actor.person_id, actor.role) == (None, "organiser")
