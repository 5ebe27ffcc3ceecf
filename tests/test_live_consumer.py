"""The live room over real WebSockets (channels' WebsocketCommunicator on the ASGI app)."""

import asyncio
import uuid

import pytest
from channels.testing import WebsocketCommunicator

from peerassist.assists.models import Format, Participation, PeerAssist, Role, Status
from peerassist.live.consumers import RoomConsumer
from peerassist.live.models import Contribution, Room, RoomEvent
from tests.factories import PersonFactory, UserFactory

# Data migrations (formats, languages) must survive the flush after each test.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


@pytest.fixture
def room_setup(org):
    """A live four-part assist with a home peer, a visiting peer and a facilitator."""
    fmt = Format.objects.get(organisation=None, kind="four_part")
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Live test",
        format=fmt,
        status=Status.LIVE,
        focus_questions=["What worked?"],
    )
    from peerassist.assists.services import _copy_steps

    _copy_steps(fmt, assist)
    people = {}
    from peerassist.accounts.models import Membership

    for role in (Role.HOME_PEER, Role.VISITING_PEER, Role.FACILITATOR):
        user = UserFactory(email=f"{role}@live.test")
        Membership.objects.create(user=user, organisation=org, role="member")
        person = PersonFactory(organisation=org, user=user, email=user.email, name=role.title())
        Participation.objects.create(assist=assist, person=person, role=role)
        people[role] = user
    return assist, people


async def connect(assist, user=None, query=""):
    communicator = WebsocketCommunicator(RoomConsumer.as_asgi(), f"/ws/assists/{assist.pk}/{query}")
    communicator.scope["url_route"] = {"kwargs": {"assist_id": assist.pk}}
    if user is not None:
        communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive_type(communicator, wanted, timeout=3):
    """The next message of a type, skipping presence and others."""
    deadline = asyncio.get_event_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_event_loop().time()
        message = await communicator.receive_json_from(timeout=max(left, 0.01))
        if message["type"] == wanted:
            return message


async def joined(assist, user, last_seq=0):
    communicator, connected, _ = await connect(assist, user)
    assert connected
    await communicator.send_json_to({"type": "hello", "last_seq": last_seq})
    return communicator


def post(text, kind="question", client_id=None):
    return {
        "type": "post",
        "client_id": client_id or str(uuid.uuid4()),
        "text": text,
        "kind": kind,
        "focus_question": 0,
        "group_id": None,
        "on_behalf_of": None,
    }


async def test_anonymous_and_outsiders_are_refused(room_setup, other_org_member):
    assist, _ = room_setup
    _, connected, _ = await connect(assist)
    assert not connected
    _, connected, _ = await connect(assist, other_org_member.user)
    assert not connected


async def test_state_then_a_post_is_stored_before_everyone_sees_it(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    state = await receive_type(facilitator, "state")
    assert state["me"]["may"]["control"] is True
    assert state["agenda"][0]["name"] == "Clarify the purpose"
    listener = await joined(assist, people[Role.VISITING_PEER])
    await receive_type(listener, "state")

    await facilitator.send_json_to({"type": "timer", "action": "start"})
    event = await receive_type(listener, "event")
    assert event["event"] == "timer.changed" and event["data"]["status"] == "running"

    home = await joined(assist, people[Role.HOME_PEER])
    await receive_type(home, "state")
    client_id = str(uuid.uuid4())
    await home.send_json_to(post("Why 90 days today?", client_id=client_id))
    ack = await receive_type(home, "ack")
    assert ack["contribution"]["client_id"] == client_id
    seen = await receive_type(listener, "event")
    assert seen["event"] == "contribution.created"
    assert seen["data"]["text"] == "Why 90 days today?"
    assert await Contribution.objects.filter(client_id=client_id).acount() == 1
    for c in (facilitator, listener, home):
        await c.disconnect()


async def test_rights_name_the_event_they_follow_so_a_late_replay_cannot_undo_a_step(
    room_setup,
):
    """Each `me` carries the seq of the event it follows (PROTOCOL.md): the client keeps the
    highest, since a reconnect's replay may answer after a step change made meanwhile."""
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    visitor = await joined(assist, people[Role.VISITING_PEER])
    state = await receive_type(visitor, "state")
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    started = await receive_type(visitor, "event")
    me = await receive_type(visitor, "me")
    assert started["event"] == "timer.changed" and me["seq"] == started["seq"] > state["seq"]
    await facilitator.send_json_to({"type": "timer", "action": "next"})
    moved = await receive_type(visitor, "event")
    assert (await receive_type(visitor, "me"))["seq"] == moved["seq"]
    await visitor.disconnect()

    # Back from the start's seq: the replay sends the step change, then rights with its seq.
    again = await joined(assist, people[Role.VISITING_PEER], last_seq=started["seq"])
    replayed = await receive_type(again, "event")
    assert replayed["seq"] == moved["seq"]
    me = await receive_type(again, "me")
    assert me["seq"] == moved["seq"] and me["role"] == "visiting_peer"
    for c in (facilitator, again):
        await c.disconnect()


async def test_a_retry_returns_the_saved_note_not_a_copy(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    client_id = str(uuid.uuid4())
    for _ in range(3):
        await facilitator.send_json_to(post("Only once", kind="insight", client_id=client_id))
    acks = [await receive_type(facilitator, "ack") for _ in range(3)]
    assert len({a["contribution"]["id"] for a in acks}) == 1
    assert [a["created"] for a in acks] == [True, False, False]
    assert await Contribution.objects.filter(assist=assist).acount() == 1
    await facilitator.disconnect()


async def test_rights_follow_the_step(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    visitor = await joined(assist, people[Role.VISITING_PEER])
    await receive_type(visitor, "state")
    home = await joined(assist, people[Role.HOME_PEER])
    await receive_type(home, "state")

    # Step 1, "Clarify the purpose": the home team presents; visiting peers read only.
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    me = await receive_type(visitor, "me")
    assert me["may"]["post"] is False
    me = await receive_type(home, "me")
    assert {"purpose", "context", "question"} <= set(me["may"]["kinds"])
    await visitor.send_json_to(post("My experience", kind="practice"))
    refused = await receive_type(visitor, "error")
    assert refused["code"] == "not_now" and "home team works" in refused["message"]

    # Step 2, "Peers question and share": the receivers only listen and star; the visiting
    # peers post their answers themselves, recommendations included.
    await facilitator.send_json_to({"type": "timer", "action": "next"})
    me = await receive_type(home, "me")
    assert me["may"]["post"] is False and me["may"]["star"] is True
    await home.send_json_to(post("We will do it this way", kind="insight"))
    refused = await receive_type(home, "error")
    assert refused["code"] == "not_now" and "listen" in refused["message"]
    await visitor.send_json_to(post("Pilot with one team first", kind="recommendation"))
    await receive_type(visitor, "ack")
    await visitor.send_json_to(post("We used a single portal", kind="practice"))
    ack = await receive_type(visitor, "ack")

    # Only the facilitator controls the timer; the home team stars.
    await home.send_json_to({"type": "timer", "action": "next"})
    assert (await receive_type(home, "error"))["code"] == "not_allowed"
    await home.send_json_to(
        {"type": "star", "contribution_id": ack["contribution"]["id"], "starred": True}
    )
    starred = await receive_type(visitor, "event")
    while starred["event"] != "contribution.starred":
        starred = await receive_type(visitor, "event")
    assert starred["data"]["starred"] is True
    for c in (facilitator, visitor, home):
        await c.disconnect()


async def test_facilitator_posts_on_someones_behalf(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    visitor_person = (
        await Participation.objects.filter(assist=assist, role=Role.VISITING_PEER)
        .values_list("person_id", flat=True)
        .aget()
    )
    message = post("Said aloud by a peer", kind="lesson")
    message["on_behalf_of"] = visitor_person
    await facilitator.send_json_to(message)
    ack = await receive_type(facilitator, "ack")
    assert ack["contribution"]["author"]["person_id"] == visitor_person
    assert ack["contribution"]["recorded_by"]["name"] == "Facilitator"
    await facilitator.disconnect()


async def test_a_reconnecting_client_catches_up_in_order(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    state = await receive_type(facilitator, "state")
    seq = state["seq"]
    for i in range(5):
        await facilitator.send_json_to(post(f"note {i}", kind="insight"))
        await receive_type(facilitator, "ack")
    late = await joined(assist, people[Role.VISITING_PEER], last_seq=seq + 2)
    replayed = [await receive_type(late, "event") for _ in range(3)]
    assert [e["seq"] for e in replayed] == [seq + 3, seq + 4, seq + 5]
    assert [e["data"]["text"] for e in replayed] == ["note 2", "note 3", "note 4"]
    for c in (facilitator, late):
        await c.disconnect()


async def test_too_far_behind_gets_a_fresh_state(room_setup, monkeypatch):
    from peerassist.live import selectors

    monkeypatch.setattr(selectors, "REPLAY_LIMIT", 2)
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    for i in range(4):
        await facilitator.send_json_to(post(f"n{i}", kind="insight"))
        await receive_type(facilitator, "ack")
    late = await joined(assist, people[Role.VISITING_PEER], last_seq=1)
    state = await receive_type(late, "state")
    assert len(state["contributions"]) == 4
    for c in (facilitator, late):
        await c.disconnect()


async def test_oversized_and_malformed_messages_get_clear_errors(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    await facilitator.send_to(text_data="x" * (17 * 1024))
    assert (await receive_type(facilitator, "error"))["code"] == "too_large"
    await facilitator.send_to(text_data="{not json")
    assert (await receive_type(facilitator, "error"))["code"] == "invalid"
    await facilitator.send_json_to(post("", kind="insight"))
    assert (await receive_type(facilitator, "error"))["code"] == "invalid"
    await facilitator.disconnect()


async def test_message_flood_is_rate_limited(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    for _ in range(40):
        await facilitator.send_json_to({"type": "ping"})
    error = await receive_type(facilitator, "error")
    assert error["code"] == "rate_limited"
    await facilitator.disconnect()


async def test_removing_a_participant_closes_their_socket(room_setup, org):
    from asgiref.sync import sync_to_async

    from peerassist.assists import services as assist_services
    from tests.conftest import make_persona

    assist, people = room_setup
    visitor = await joined(assist, people[Role.VISITING_PEER])
    await receive_type(visitor, "state")
    organiser = await sync_to_async(make_persona)(org, "organiser", "boss@live.test")
    participation = await Participation.objects.filter(
        assist=assist, role=Role.VISITING_PEER
    ).aget()
    await sync_to_async(assist_services.participation_remove)(
        viewer=organiser.viewer, assist=assist, participation_id=participation.pk
    )
    closed = await visitor.receive_output(timeout=5)
    while closed["type"] != "websocket.close":
        closed = await visitor.receive_output(timeout=5)
    assert closed["code"] == 4403


async def test_projector_link_reads_but_cannot_post_and_revoking_closes_it(room_setup):
    from asgiref.sync import sync_to_async

    from peerassist.live import services as live_services

    assist, people = room_setup
    token = await sync_to_async(live_services.projector_link_create)(
        assist=assist, user_id=people[Role.FACILITATOR].pk
    )
    projector, connected, _ = await connect(assist, query=f"?projector={token}")
    assert connected
    await projector.send_json_to({"type": "hello", "last_seq": 0})
    state = await receive_type(projector, "state")
    assert state["me"]["role"] == "projector" and state["me"]["may"]["post"] is False
    await projector.send_json_to(post("sneaky", kind="insight"))
    assert (await receive_type(projector, "error"))["code"] == "not_allowed"
    await sync_to_async(live_services.projector_link_revoke)(
        assist=assist, user_id=people[Role.FACILITATOR].pk
    )
    closed = await projector.receive_output(timeout=5)
    while closed["type"] != "websocket.close":
        closed = await projector.receive_output(timeout=5)
    _, connected, _ = await connect(assist, query=f"?projector={token}")
    assert not connected


async def test_events_are_numbered_and_stored(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    await facilitator.send_json_to(post("one", kind="insight"))
    await receive_type(facilitator, "ack")
    seqs = [s async for s in RoomEvent.objects.filter(assist=assist).values_list("seq", flat=True)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert (await Room.objects.aget(assist=assist)).last_seq == seqs[-1]
    await facilitator.disconnect()


async def test_auto_advance_moves_on_when_the_step_runs_out(room_setup):
    from asgiref.sync import sync_to_async

    from peerassist.live import services as live_services

    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    await facilitator.send_json_to({"type": "timer", "action": "auto_advance", "on": True})
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    started = await receive_type(facilitator, "event")
    while started["data"]["status"] != "running":
        started = await receive_type(facilitator, "event")
    first_step = started["data"]["step_id"]
    # Pretend the step's time ran out.
    await Room.objects.filter(assist=assist).aupdate(extra_seconds=-20 * 60 - 1)
    assert await sync_to_async(live_services.auto_advance_if_due)(assist_id=assist.pk)
    moved = await receive_type(facilitator, "event")
    while moved["data"]["step_id"] == first_step:
        moved = await receive_type(facilitator, "event")
    assert moved["event"] == "timer.changed" and moved["data"]["status"] == "running"
    assert not await sync_to_async(live_services.auto_advance_if_due)(assist_id=assist.pk)
    await facilitator.disconnect()


async def test_a_note_typed_offline_in_an_earlier_step_is_accepted_late(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    visitor = await joined(assist, people[Role.VISITING_PEER])
    await receive_type(visitor, "state")
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    await facilitator.send_json_to({"type": "timer", "action": "next"})  # peers share
    shared = await receive_type(visitor, "me")
    while not shared["may"]["post"]:
        shared = await receive_type(visitor, "me")
    sharing_step = (await Room.objects.aget(assist=assist)).current_step_id
    await facilitator.send_json_to({"type": "timer", "action": "next"})  # receivers analyse
    closed = await receive_type(visitor, "me")
    while closed["may"]["post"]:
        closed = await receive_type(visitor, "me")
    late = post("Typed on the train", kind="practice")
    await visitor.send_json_to(late)
    assert (await receive_type(visitor, "error"))["code"] == "not_now"
    late["step_id"] = sharing_step
    await visitor.send_json_to(late)
    ack = await receive_type(visitor, "ack")
    assert ack["contribution"]["step_id"] == sharing_step
    # A step that has not come yet cannot be claimed.
    future = (await Room.objects.select_related("assist").aget(assist=assist)).assist.steps.filter(
        order=4
    )
    claim = post("From the future", kind="recommendation")
    claim["step_id"] = (await future.afirst()).pk
    await visitor.send_json_to(claim)
    assert (await receive_type(visitor, "error"))["code"] == "not_now"
    for c in (facilitator, visitor):
        await c.disconnect()


class PresenceSeen:
    """A socket's presence list as a browser keeps it: the state's, then each change."""

    def __init__(self, state):
        self.people = {p["person_id"] or p["name"]: p for p in state["presence"]}

    async def until(self, communicator, condition, timeout=3):
        deadline = asyncio.get_event_loop().time() + timeout
        while not condition(list(self.people.values())):
            left = deadline - asyncio.get_event_loop().time()
            message = await communicator.receive_json_from(timeout=max(left, 0.01))
            if message["type"] == "presence":
                self.people = {p["person_id"] or p["name"]: p for p in message["presence"]}
            elif message["type"] == "presence.changed":
                for key in message["left"]:
                    self.people.pop(key, None)
                for entry in message["joined"]:
                    self.people[entry["person_id"] or entry["name"]] = entry
        return list(self.people.values())


async def test_presence_lists_each_connected_person_once_and_drops_those_who_leave(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    seen = PresenceSeen(await receive_type(facilitator, "state"))
    sockets = [await joined(assist, people[Role.VISITING_PEER]) for _ in range(2)]
    home = await joined(assist, people[Role.HOME_PEER])
    present = await seen.until(facilitator, lambda p: len(p) >= 3)
    assert sorted(p["role"] for p in present) == ["facilitator", "home_peer", "visiting_peer"]
    for s in (*sockets, home):
        await s.disconnect()
    present = await seen.until(facilitator, lambda p: len(p) <= 1)
    assert [p["role"] for p in present] == ["facilitator"]
    await facilitator.disconnect()


async def test_a_reconnecting_socket_gets_the_whole_presence_list_before_the_replay(room_setup):
    """A replay (hello with a last_seq) sends no state: the client's presence list is from
    its last connection, and the changes that follow are from the current one."""
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    await receive_type(facilitator, "event")  # seq 1
    home = await joined(assist, people[Role.HOME_PEER])
    seen = PresenceSeen(await receive_type(home, "state"))
    await seen.until(home, lambda p: len(p) >= 2)
    again = await joined(assist, people[Role.HOME_PEER], last_seq=1)
    message = await again.receive_json_from(timeout=3)
    while message["type"] == "presence.changed":  # queued before the hello: overwritten
        message = await again.receive_json_from(timeout=3)
    assert message["type"] == "presence"
    assert {p["role"] for p in message["presence"]} >= {"facilitator", "home_peer"}
    for c in (facilitator, home, again):
        await c.disconnect()


async def test_a_note_typed_offline_is_accepted_even_after_the_facilitator_went_back(room_setup):
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    await receive_type(facilitator, "state")
    visitor = await joined(assist, people[Role.VISITING_PEER])
    await receive_type(visitor, "state")
    await facilitator.send_json_to({"type": "timer", "action": "start"})
    await facilitator.send_json_to({"type": "timer", "action": "next"})  # peers share
    shared = await receive_type(visitor, "me")
    while not shared["may"]["post"]:
        shared = await receive_type(visitor, "me")
    sharing_step = (await Room.objects.aget(assist=assist)).current_step_id
    await facilitator.send_json_to({"type": "timer", "action": "previous"})  # back to step 1
    back = await receive_type(visitor, "me")
    while back["may"]["post"]:
        back = await receive_type(visitor, "me")
    late = post("Typed before the facilitator went back", kind="practice")
    late["step_id"] = sharing_step
    await visitor.send_json_to(late)
    ack = await receive_type(visitor, "ack")
    assert ack["contribution"]["step_id"] == sharing_step
    for c in (facilitator, visitor):
        await c.disconnect()


async def test_a_socket_from_another_origin_is_refused_before_anything_else(room_setup):
    from peerassist.asgi import application

    assist, _ = room_setup

    async def close_code(origin: bytes):
        communicator = WebsocketCommunicator(
            application,
            f"/ws/assists/{assist.pk}/",
            headers=[(b"host", b"testserver"), (b"origin", origin)],
        )
        connected, code = await communicator.connect()
        assert connected is False
        await communicator.disconnect()
        return code

    # An allowed origin reaches the room, which refuses a socket without a session (4403);
    # a foreign origin is turned away by the Origin check before the room sees it.
    assert await close_code(b"http://testserver") == 4403
    assert await close_code(b"http://evil.example") != 4403


async def test_a_client_ahead_of_the_room_gets_a_fresh_state(room_setup):
    assist, people = room_setup
    confused = await joined(assist, people[Role.VISITING_PEER], last_seq=999)
    state = await receive_type(confused, "state")
    assert state["seq"] == 0
    await confused.disconnect()
