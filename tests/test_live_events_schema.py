"""Zulip's check for the live room: every service that emits a live message is exercised
here, every message it puts on the bus and every frame a socket receives matches its
TypedDict in live/events.py exactly (no missing, extra or wrongly typed field), and the
kinds typed there are the kinds live/PROTOCOL.md lists.

A new event kind therefore needs its TypedDict, its line in PROTOCOL.md and its service
exercised below, or this module fails.
"""

import asyncio
import re
import typing
import uuid
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from pydantic import ConfigDict, TypeAdapter

import peerassist.live
from peerassist.accounts.models import Membership
from peerassist.assists import services as assist_services
from peerassist.assists.models import (
    BreakoutGroup,
    Format,
    Participation,
    PeerAssist,
    Role,
    Rsvp,
    Status,
)
from peerassist.core import events as core_events
from peerassist.invitations import services as invitation_services
from peerassist.live import events, questions, selectors, services, votes
from peerassist.live.consumers import RoomConsumer
from peerassist.live.models import Room
from peerassist.members import services as member_services
from tests.conftest import make_persona
from tests.factories import PersonFactory, UserFactory

PROTOCOL = (Path(peerassist.live.__file__).parent / "PROTOCOL.md").read_text()


def _typed_dicts(root: type) -> set[type]:
    """`root` and every TypedDict its fields name, however deeply."""
    found: set[type] = set()
    todo = [root]
    while todo:
        t = todo.pop()
        if typing.is_typeddict(t):
            if t in found:
                continue
            found.add(t)
            todo.extend(typing.get_type_hints(t).values())
        else:
            todo.extend(typing.get_args(t))
    return found


# Validate strictly: a field the type does not name is an error, and nothing is coerced.
for _t in set().union(
    *(_typed_dicts(t) for t in (*events.EVENT_TYPES.values(), *events.BUS_MESSAGE_TYPES.values()))
):
    _t.__pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[attr-defined]
for _types in events.SERVER_MESSAGE_TYPES.values():
    for _root in _types:
        for _t in _typed_dicts(_root):
            _t.__pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[attr-defined]


def check_bus_message(message) -> None:
    """A bus message matches the type its `type` names; a room event also its kind's type."""
    TypeAdapter(events.BUS_MESSAGE_TYPES[message["type"]]).validate_python(message)
    if message["type"] == "room.event":
        check_event(message["event"])


def check_event(event) -> None:
    assert event["event"] in events.EVENT_TYPES, f"{event['event']} has no TypedDict"
    TypeAdapter(events.EVENT_TYPES[event["event"]]).validate_python(event)


def check_frame(text: str) -> str:
    """A frame a socket received matches one of its `type`'s TypedDicts (as JSON)."""
    import json

    kind = json.loads(text)["type"]
    assert kind in events.SERVER_MESSAGE_TYPES, f"{kind} has no TypedDict"
    if kind == "event":
        TypeAdapter(events.EVENT_TYPES[json.loads(text)["event"]]).validate_json(text)
    else:
        (only,) = events.SERVER_MESSAGE_TYPES[kind]
        TypeAdapter(only).validate_json(text)
    return kind


@pytest.fixture
def bus(monkeypatch):
    """Every message published to the bus in this process, checked and recorded, then
    delivered as usual."""
    published = []
    deliver = core_events.local_delivery

    async def record(message):
        check_bus_message(message)
        published.append(message)
        if deliver is not None:
            await deliver(message)

    monkeypatch.setattr(core_events, "local_delivery", record)
    return published


def _live_assist(org):
    fmt = Format.objects.get(organisation=None, kind="four_part")
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Typed room",
        format=fmt,
        status=Status.LIVE,
        focus_questions=["What worked?", "What would you change?"],
    )
    assist_services._copy_steps(fmt, assist)
    people = {}
    for role in (Role.HOME_PEER, Role.VISITING_PEER, Role.FACILITATOR):
        user = UserFactory(email=f"{role}@typed.test")
        Membership.objects.create(user=user, organisation=org, role="member")
        person = PersonFactory(organisation=org, user=user, email=user.email, name=role.title())
        Participation.objects.create(assist=assist, person=person, role=role)
        people[role] = user
    return assist, people


# --- The kinds here are the kinds in PROTOCOL.md ------------------------------------------


def _table(heading: str) -> dict[str, str]:
    """The rows of the table under `## heading`: the backticked first cell → the row."""
    section = PROTOCOL.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \|(.*)$", section, flags=re.M)
    return dict(rows)


def test_the_event_kinds_are_the_ones_the_protocol_lists():
    listed = re.search(r"`event` \(one of ([^)]*)\)", _table("Server → client")["event"])
    assert listed, "PROTOCOL.md's `event` row lists the event kinds: (one of `a`, `b`, …)"
    assert set(re.findall(r"`([a-z_.]+)`", listed.group(1))) == set(events.EVENT_TYPES)


def test_the_server_messages_are_the_ones_the_protocol_lists():
    assert set(_table("Server → client")) == set(events.SERVER_MESSAGE_TYPES)


def test_the_bus_messages_are_the_ones_the_protocol_lists():
    assert set(_table("Between server processes (not sent to browsers)")) == set(
        events.BUS_MESSAGE_TYPES
    )


def test_the_consumer_handles_exactly_the_client_messages_the_protocol_lists():
    handled = {name.removeprefix("on_") for name in dir(RoomConsumer) if name.startswith("on_")}
    assert handled == set(_table("Client → server"))


def test_a_message_with_a_field_its_type_does_not_name_is_refused():
    """The check itself is strict (else the tests below would prove little)."""
    from pydantic import ValidationError

    kick = {"type": "room.kick", "assist_id": 1, "person_id": 2}
    check_bus_message(kick)
    with pytest.raises(ValidationError):
        check_bus_message({**kick, "text": "surprise"})
    with pytest.raises(ValidationError):
        check_bus_message({**kick, "person_id": "2"})
    with pytest.raises(AssertionError):
        check_event({"type": "event", "seq": 1, "event": "note.teleported", "data": {}})


# --- Every emitting service, exercised ----------------------------------------------------


@pytest.mark.django_db
def test_every_service_emits_messages_that_match_their_types(
    org, bus, django_capture_on_commit_callbacks
):
    assist, people = _live_assist(org)
    facilitator, home, visitor = (
        people[Role.FACILITATOR].pk,
        people[Role.HOME_PEER].pk,
        people[Role.VISITING_PEER].pk,
    )
    group = BreakoutGroup.objects.create(assist=assist, name="Depot")
    on = {"assist_id": assist.pk}

    def timer(action, **kwargs):
        return services.timer_control(**on, user_id=facilitator, action=action, **kwargs)

    with django_capture_on_commit_callbacks(execute=True):
        timer("start")
        timer("pause")
        timer("resume")
        timer("extend", minutes=5)
        timer("next")
        timer("previous")
        timer("auto_advance", on=True)
        Room.objects.filter(assist=assist).update(extra_seconds=-100 * 60)  # the step ran out
        assert services.auto_advance_if_due(**on)
        note = services.contribution_post(
            **on, user_id=facilitator, client_id=str(uuid.uuid4()), text="A", kind="insight"
        ).contribution
        other = services.contribution_post(
            **on,
            user_id=facilitator,
            client_id=str(uuid.uuid4()),
            text="B",
            kind="lesson",
            focus_question=1,
            group_id=group.pk,
            on_behalf_of=Participation.objects.get(
                assist=assist, role=Role.VISITING_PEER
            ).person_id,
        ).contribution
        services.contribution_edit(
            **on, user_id=facilitator, contribution_id=note["id"], text="A2", kind="insight"
        )
        services.contribution_tag(
            **on, user_id=home, contribution_id=note["id"], tags=["vans", "depot"]
        )
        services.contribution_move(
            **on, user_id=facilitator, contribution_id=note["id"], focus_question=0, group_id=None
        )
        services.contribution_star(**on, user_id=home, contribution_id=note["id"], starred=True)
        services.contribution_merge(
            **on, user_id=facilitator, contribution_id=other["id"], into_id=note["id"]
        )
        services.contribution_delete(**on, user_id=facilitator, contribution_id=other["id"])
        timer("goto", step_id=selectors.room_get(**on).current_step_id)
        # Anonymous questions, upvotes, answers and a dot-vote (issue 16).
        step_id = selectors.room_get(**on).current_step_id
        questions.anonymous_questions_set(**on, user_id=facilitator, step_id=step_id, on=True)
        asked = services.contribution_post(
            **on, user_id=facilitator, client_id=str(uuid.uuid4()), text="Q?", kind="question"
        ).contribution
        questions.question_upvote(**on, user_id=home, contribution_id=asked["id"], on=True)
        questions.question_answer(
            **on, user_id=facilitator, contribution_id=asked["id"], answered=True
        )
        vote = _open_vote(assist, facilitator)
        votes.vote_cast(
            **on,
            user_id=home,
            vote_id=vote["id"],
            client_id=str(uuid.uuid4()),
            dots={str(vote["note_ids"][0]): 2},
        )
        votes.vote_close(**on, user_id=facilitator, vote_id=vote["id"])
    with django_capture_on_commit_callbacks(execute=True):
        services.projector_link_create(assist=assist, user_id=facilitator)
        services.projector_link_revoke(assist=assist, user_id=facilitator)
        organiser = make_persona(org, "organiser", "boss@typed.test")
        assist_services.participation_remove(
            viewer=organiser.viewer,
            assist=assist,
            participation_id=Participation.objects.get(assist=assist, role=Role.HOME_PEER).pk,
        )
        invitation_services.participation_answer(
            assist_id=assist.pk,
            person_id=Participation.objects.get(assist=assist, role=Role.VISITING_PEER).person_id,
            rsvp=Rsvp.DECLINED,
        )
        admin = make_persona(org, "admin", "root@typed.test")
        member_services.member_deactivate(
            viewer=admin.viewer,
            membership_id=Membership.objects.get(user_id=visitor, organisation=org).pk,
        )

    kinds = {m["event"]["event"] for m in bus if m["type"] == "room.event"}
    assert kinds == set(events.EVENT_TYPES), "every event kind is emitted by a service here"
    # Presence is the hub's own, exercised with a real socket below.
    assert {m["type"] for m in bus} == set(events.BUS_MESSAGE_TYPES) - {"room.presence"}
    # What a reconnecting client replays from the store matches the types too.
    replayed = selectors.events_since(**on, seq=0)
    assert replayed and len(replayed) == selectors.room_get(**on).last_seq
    for event in replayed:
        check_event(event)


def _open_vote(assist, facilitator_user_id):
    """Two options and a dot-vote over them, opened by the facilitator."""
    options = [
        services.contribution_post(
            assist_id=assist.pk,
            user_id=facilitator_user_id,
            client_id=str(uuid.uuid4()),
            text=f"Option {i}",
            kind="option",
        ).contribution
        for i in (1, 2)
    ]
    return votes.vote_open(
        assist_id=assist.pk,
        user_id=facilitator_user_id,
        contribution_ids=[o["id"] for o in options],
        dots=2,
    )


# --- Every frame a socket receives --------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_every_frame_a_socket_receives_matches_its_type(org, bus):
    assist, people = await sync_to_async(_live_assist)(org)
    frames: list[str] = []

    async def connect(user):
        socket = WebsocketCommunicator(RoomConsumer.as_asgi(), f"/ws/assists/{assist.pk}/")
        socket.scope["url_route"] = {"kwargs": {"assist_id": assist.pk}}
        socket.scope["user"] = user
        connected, _code = await socket.connect(timeout=15)  # a busy CI machine is slow
        assert connected
        return socket

    async def until(socket, wanted):
        """Frames up to the first of type `wanted`, each checked against its type."""
        while True:
            output = await asyncio.wait_for(socket.receive_output(), timeout=15)
            assert output["type"] == "websocket.send", output
            frames.append(output["text"])
            if check_frame(output["text"]) == wanted:
                return

    facilitator = await connect(people[Role.FACILITATOR])
    await facilitator.send_json_to({"type": "hello", "last_seq": 0})
    await until(facilitator, "state")
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    await until(facilitator, "me")  # rights follow the step, after its timer.changed
    await facilitator.send_json_to(
        {"type": "post", "client_id": str(uuid.uuid4()), "text": "Typed", "kind": "insight"}
    )
    await until(facilitator, "ack")
    await facilitator.send_json_to({"type": "hello", "last_seq": 1})  # replay, then `me`
    await until(facilitator, "me")
    await facilitator.send_json_to({"type": "ping"})
    await until(facilitator, "pong")
    await facilitator.send_json_to({"type": "timer", "action": "sideways"})
    await until(facilitator, "error")
    visitor = await connect(people[Role.VISITING_PEER])
    await until(facilitator, "presence.changed")  # (the replay above sent a `presence`)
    # A ballot is answered with `ballot` (to the voter only).
    vote = await sync_to_async(_open_vote)(assist, people[Role.FACILITATOR].pk)
    await visitor.send_json_to({"type": "hello", "last_seq": 0})
    await until(visitor, "state")
    await visitor.send_json_to(
        {
            "type": "vote_cast",
            "vote_id": vote["id"],
            "client_id": str(uuid.uuid4()),
            "dots": {str(vote["note_ids"][0]): 1},
        }
    )
    await until(visitor, "ballot")
    await visitor.disconnect()
    await facilitator.disconnect()

    import json

    assert {json.loads(f)["type"] for f in frames} == set(events.SERVER_MESSAGE_TYPES)
    assert "room.presence" in {m["type"] for m in bus}
