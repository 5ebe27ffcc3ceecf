"""Joining a big room (issue 19): the state a socket gets is built from the hub's snapshot of
the room's shared part plus the socket's own part. It must be the same state the room would
read from scratch, never another role's or person's, and never older than the room."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from peerassist.assists.models import BreakoutGroup
from peerassist.live import questions, selectors, services, votes
from peerassist.live import state as live_state
from peerassist.live.consumers import RoomConsumer
from peerassist.live.fanout import hub
from tests.writeups_support import make_scene

# The time-dependent fields: the clock and the countdown of the moment each was made.
MOMENT = ("server_time",)


def _comparable(state):
    state = json.loads(json.dumps(state))  # tuples as lists, as on the wire
    for key in MOMENT:
        state.pop(key)
    state["timer"].pop("remaining_seconds")
    return state


def _actor(scene, persona):
    return selectors.actor_for_user(assist=scene.assist, user_id=persona.user.pk)


def _from_snapshot(scene, persona, kept=None, presence="[]"):
    actor = _actor(scene, persona)
    snapshot = live_state.joining_snapshot(assist_id=scene.assist.pk, actor=actor, kept=kept)
    text = live_state.state_text(snapshot=snapshot, actor=actor, presence_json=presence)
    return snapshot, json.loads(text)


def _personas(scene):
    return (scene.home, scene.facilitator, scene.note_taker, scene.visiting, scene.observer)


def _start(scene):
    services.timer_control(
        assist_id=scene.assist.pk, user_id=scene.facilitator.user.pk, action="start"
    )


@pytest.fixture
def scene(org):
    return make_scene(org)


def _busy_room(scene):
    """Notes, an anonymous question, an upvote, a vote with a ballot, groups: every part of
    the state that differs from one person to the next is there."""
    assist_id = scene.assist.pk
    step = scene.assist.steps.get(name="What the visiting peers know")
    services.timer_control(
        assist_id=assist_id, user_id=scene.facilitator.user.pk, action="goto", step_id=step.pk
    )
    services.timer_control(assist_id=assist_id, user_id=scene.facilitator.user.pk, action="start")
    questions.anonymous_questions_set(
        assist_id=assist_id, user_id=scene.facilitator.user.pk, step_id=step.pk, on=True
    )
    asked = services.contribution_post(
        assist_id=assist_id,
        user_id=scene.home.user.pk,
        client_id=str(uuid.uuid4()),
        text="Who decided this?",
        kind="question",
        anonymous=True,
    ).contribution
    questions.question_upvote(
        assist_id=assist_id, user_id=scene.visiting.user.pk, contribution_id=asked["id"], on=True
    )
    options = [
        services.contribution_post(
            assist_id=assist_id,
            user_id=scene.visiting.user.pk,
            client_id=str(uuid.uuid4()),
            text=f"Option {i}",
            kind="option",
        ).contribution["id"]
        for i in range(2)
    ]
    vote = votes.vote_open(
        assist_id=assist_id,
        user_id=scene.facilitator.user.pk,
        contribution_ids=options,
        dots=3,
        voters="everyone",
    )
    votes.vote_cast(
        assist_id=assist_id,
        user_id=scene.visiting.user.pk,
        vote_id=vote["id"],
        client_id=str(uuid.uuid4()),
        dots={str(options[0]): 2},
    )
    BreakoutGroup.objects.create(
        assist=scene.assist, name="Table 1", order=1, spokesperson=scene.visiting.person
    )
    return asked


@pytest.mark.django_db
def test_the_state_from_a_snapshot_is_the_state_read_from_scratch_for_every_role(scene):
    asked = _busy_room(scene)
    kept = None
    for persona in _personas(scene):
        scratch = live_state.room_state(
            assist_id=scene.assist.pk, actor=_actor(scene, persona), presence=[]
        )
        kept, state = _from_snapshot(scene, persona, kept)
        assert _comparable(state) == _comparable(scratch), persona.user.email
    home = _from_snapshot(scene, scene.home)[1]
    visiting = _from_snapshot(scene, scene.visiting)[1]
    question = {c["id"]: c for c in home["contributions"]}[asked["id"]]
    assert question.get("mine") is True and "upvoted" not in question
    question = {c["id"]: c for c in visiting["contributions"]}[asked["id"]]
    assert "mine" not in question and question.get("upvoted") is True
    assert visiting["my_ballots"] and not home["my_ballots"]


@pytest.mark.django_db
def test_one_persons_marks_never_reach_the_shared_snapshot(scene):
    asked = _busy_room(scene)
    snapshot, _state = _from_snapshot(scene, scene.home)  # the author's copy says `mine`
    _from_snapshot(scene, scene.visiting, snapshot)  # the upvoter's says `upvoted`
    shared = {c["id"]: c for c in snapshot.contributions}[asked["id"]]
    assert "mine" not in shared and "upvoted" not in shared
    assert '"mine"' not in snapshot.contributions_json
    assert '"upvoted"' not in snapshot.contributions_json
    observer = _from_snapshot(scene, scene.observer, snapshot)[1]
    question = {c["id"]: c for c in observer["contributions"]}[asked["id"]]
    assert "mine" not in question and "upvoted" not in question
    assert observer["my_ballots"] == {}


@pytest.mark.django_db
def test_a_facilitators_snapshot_is_not_used_for_a_participant(scene):
    """The prompt questions are for the facilitator and note-taker: a snapshot made for them
    does not fit anyone else, whatever order people join in."""
    facilitator, state = _from_snapshot(scene, scene.facilitator)
    assert any(step["prompt_questions"] for step in state["agenda"])
    participant, state = _from_snapshot(scene, scene.visiting, facilitator)
    assert participant is not facilitator
    assert not any(step["prompt_questions"] for step in state["agenda"])
    assert state["me"]["role"] == "visiting_peer"
    assert _from_snapshot(scene, scene.note_taker, facilitator)[0] is facilitator


@pytest.mark.django_db
def test_a_snapshot_is_used_again_until_the_room_changes(scene):
    _start(scene)
    snapshot, state = _from_snapshot(scene, scene.visiting)
    assert _from_snapshot(scene, scene.home, snapshot)[0] is snapshot
    posted = services.contribution_post(
        assist_id=scene.assist.pk,
        user_id=scene.home.user.pk,
        client_id=str(uuid.uuid4()),
        text="A note after the snapshot",
        kind="question",
    ).contribution
    fresh, later = _from_snapshot(scene, scene.visiting, snapshot)  # an event: seq moved on
    assert fresh is not snapshot and later["seq"] > state["seq"]
    assert posted["id"] in {c["id"] for c in later["contributions"]}
    # Groups and the agenda change outside the room, without an event: still noticed.
    group = BreakoutGroup.objects.create(assist=scene.assist, name="Table 9", order=9)
    newer, latest = _from_snapshot(scene, scene.visiting, fresh)
    assert newer is not fresh and group.pk in {g["id"] for g in latest["groups"]}
    step = scene.assist.steps.order_by("order").first()
    step.duration_minutes += 5
    step.save()
    renewed, latest = _from_snapshot(scene, scene.visiting, newer)
    assert renewed is not newer
    assert {s["id"]: s["minutes"] for s in latest["agenda"]}[step.pk] == step.duration_minutes


@pytest.mark.django_db
def test_a_snapshot_in_another_language_is_not_used(scene):
    from django.utils import translation

    with translation.override("fr"):
        french, in_french = _from_snapshot(scene, scene.visiting)
    with translation.override("en"):
        english, in_english = _from_snapshot(scene, scene.visiting, french)
    assert english is not french
    names = [[step["name"] for step in state["agenda"]] for state in (in_french, in_english)]
    assert names[0] != names[1]


@pytest.mark.django_db
def test_attendance_is_written_only_until_it_is_recorded(scene):
    entry = selectors.room_entry(assist_id=scene.assist.pk, user=scene.visiting.user)
    assert entry is not None and entry.attendance_due
    services.attendance_seen(assist_id=scene.assist.pk, person_id=scene.visiting.person.pk)
    entry = selectors.room_entry(assist_id=scene.assist.pk, user=scene.visiting.user)
    assert entry is not None and not entry.attendance_due
    organiser = selectors.room_entry(assist_id=scene.assist.pk, user=scene.facilitator.user)
    assert organiser is not None and organiser.actor.role == "facilitator"


@pytest.mark.django_db
def test_the_one_query_entry_reads_what_the_full_read_does(scene, other_org_member):
    from django.utils import timezone

    from peerassist.accounts.models import Membership, Role
    from tests.conftest import make_persona

    admin = make_persona(scene.assist.organisation, Role.ADMIN, "ada@meridian.test")
    people = [p.user for p in _personas(scene)] + [other_org_member.user, admin.user]
    for user in people:
        fast = selectors.room_entry(assist_id=scene.assist.pk, user=user)
        full = selectors._room_entry_read(assist_id=scene.assist.pk, user=user)
        assert fast == full, user.email
    assert selectors.room_entry(assist_id=scene.assist.pk, user=other_org_member.user) is None
    organiser = selectors.room_entry(assist_id=scene.assist.pk, user=admin.user)
    assert organiser is not None and organiser.actor.role == "organiser"
    Membership.objects.filter(user=scene.visiting.user).update(deactivated_at=timezone.now())
    assert selectors.room_entry(assist_id=scene.assist.pk, user=scene.visiting.user) is None


# --- Through the socket: the hub keeps the snapshots -------------------------------------


async def _state(assist, user):
    communicator = WebsocketCommunicator(RoomConsumer.as_asgi(), f"/ws/assists/{assist.pk}/")
    communicator.scope["url_route"] = {"kwargs": {"assist_id": assist.pk}}
    communicator.scope["user"] = user
    connected, _code = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "hello", "last_seq": 0})
    while True:
        message = await communicator.receive_json_from(timeout=3)
        if message["type"] == "state":
            return communicator, message


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_joiners_share_a_snapshot_per_view_and_an_event_drops_it(org):
    scene = await sync_to_async(make_scene)(org)
    await sync_to_async(_start)(scene)
    assist = scene.assist
    sockets = []
    try:
        communicator, facilitator = await _state(assist, scene.facilitator.user)
        sockets.append(communicator)
        communicator, visiting = await _state(assist, scene.visiting.user)
        sockets.append(communicator)
        communicator, home = await _state(assist, scene.home.user)
        sockets.append(communicator)
        assert any(step["prompt_questions"] for step in facilitator["agenda"])
        for state in (visiting, home):
            assert not any(step["prompt_questions"] for step in state["agenda"])
        assert (visiting["me"]["role"], home["me"]["role"]) == ("visiting_peer", "home_peer")
        assert len(hub.snapshots[assist.pk]) == 2  # with and without the prompts
        posted = await sync_to_async(services.contribution_post)(
            assist_id=assist.pk,
            user_id=scene.home.user.pk,
            client_id=str(uuid.uuid4()),
            text="Posted while people join",
            kind="question",
        )
        while True:  # the event reached this process's sockets: the snapshots went
            message = await sockets[1].receive_json_from(timeout=3)
            if message.get("event") == "contribution.created":
                break
        assert assist.pk not in hub.snapshots
        communicator, observer = await _state(assist, scene.observer.user)
        sockets.append(communicator)
        assert observer["seq"] == message["seq"]
        assert posted.contribution["id"] in {c["id"] for c in observer["contributions"]}
        assert observer["me"]["role"] == "observer"
    finally:
        for communicator in sockets:
            await communicator.disconnect()
    assert assist.pk not in hub.snapshots


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_a_joiner_right_after_another_gets_the_state_without_the_database(org, monkeypatch):
    """Within SNAPSHOT_TRUSTED_S of a fingerprint read, a joiner whose own part needs no read
    gets its state from the hub's snapshot in the event loop: no trip to the database
    thread, where 500 joiners would queue. The state is the one read from scratch."""
    from peerassist.live import snapshots

    scene = await sync_to_async(make_scene)(org)
    await sync_to_async(_start)(scene)
    assist = scene.assist
    trips = []
    read_snapshot = live_state.joining_snapshot

    def counting(*, assist_id, actor, kept):  # runs only in the database thread's path
        trips.append(actor.role)
        return read_snapshot(assist_id=assist_id, actor=actor, kept=kept)

    monkeypatch.setattr(live_state, "joining_snapshot", counting)
    sockets = []
    try:
        communicator, _visiting = await _state(assist, scene.visiting.user)
        sockets.append(communicator)
        communicator, home = await _state(assist, scene.home.user)
        sockets.append(communicator)
        assert trips == ["visiting_peer"]  # the home peer's came from the kept snapshot
        actor = await sync_to_async(_actor)(scene, scene.home)
        scratch = await sync_to_async(live_state.room_state)(
            assist_id=assist.pk, actor=actor, presence=home["presence"]
        )
        assert _comparable(home) == _comparable(scratch)
        # Past the trusted time the fingerprint is read again (and the snapshot kept anew).
        monkeypatch.setattr(snapshots, "SNAPSHOT_TRUSTED_S", 0.0)
        communicator, _observer = await _state(assist, scene.observer.user)
        sockets.append(communicator)
        assert trips == ["visiting_peer", "observer"]
    finally:
        for communicator in sockets:
            await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_joiners_share_the_agenda_read_while_the_room_has_sockets(org, monkeypatch):
    """Each socket keeps the session's steps for its life; people arriving together share
    one read of them (kept like the snapshots: a second at most, dropped by an event and
    when the room empties here)."""
    from peerassist.live import snapshots

    scene = await sync_to_async(make_scene)(org)
    await sync_to_async(_start)(scene)
    assist = scene.assist
    reads = []
    read_agenda = selectors.agenda_steps

    def counting(*, assist_id):
        reads.append(assist_id)
        return read_agenda(assist_id=assist_id)

    monkeypatch.setattr(selectors, "agenda_steps", counting)
    sockets = []
    try:
        for persona in (scene.visiting, scene.home, scene.observer):
            communicator, state = await _state(assist, persona.user)
            sockets.append(communicator)
        # The first joiner's read is not kept (nothing would drop it if it left at once).
        assert len(reads) == 2
        steps = hub.snapshots.agenda(assist.pk)
        assert steps is not None and {s["id"] for s in state["agenda"]} == set(steps)
        monkeypatch.setattr(snapshots, "SNAPSHOT_TRUSTED_S", 0.0)
        communicator, _later = await _state(assist, scene.note_taker.user)
        sockets.append(communicator)
        assert len(reads) == 3  # past the trusted time: read again
    finally:
        for communicator in sockets:
            await communicator.disconnect()
    assert hub.snapshots.agenda(assist.pk) is None and assist.pk not in hub.snapshots.agendas


def test_a_snapshot_older_than_a_delivered_event_is_neither_kept_nor_used(scene):
    """The drop on delivery can come between a snapshot's read (database thread) and its
    keeping: the snapshot's number is compared with the last event written out here."""
    from peerassist.live.snapshots import RoomSnapshots

    _start(scene)
    assist_id = scene.assist.pk
    kept = RoomSnapshots()
    actor = _actor(scene, scene.visiting)
    snapshot = live_state.joining_snapshot(assist_id=assist_id, actor=actor, kept=None)
    key = (snapshot.language, snapshot.prompts)
    kept.keep(assist_id, snapshot, delivered=snapshot.seq)
    assert kept.fresh(assist_id, key, delivered=snapshot.seq) is snapshot
    assert kept.get(assist_id, key) is snapshot
    # An event newer than the snapshot was written out: not used without a check.
    assert kept.fresh(assist_id, key, delivered=snapshot.seq + 1) is None
    kept.drop(assist_id)
    kept.keep(assist_id, snapshot, delivered=snapshot.seq + 1)
    assert assist_id not in kept
    assert kept.get(assist_id, key) is None
