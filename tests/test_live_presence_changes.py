"""Presence goes to the browsers as changes: the whole list once (in `state`, or `presence`
after a replay), then `presence.changed` with who joined and who left (issue 19: every
arrival used to send every socket the whole list, 20–30 KB in a room of 300–500).

A socket must never miss a change or get one twice, however its `state` (made from the
hub's view in the database thread, while changes keep coming) and the changes interleave.
These tests drive the process's hub with stand-in sockets, as
tests/test_live_fanout_slow_socket.py does, and other server processes with `room.presence`
messages of their own process id; each socket's frames are then applied as a browser does
(live/static/live/model.js), strictly: a change that adds what the client has, or drops what
it does not have, fails the test.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from peerassist.live.fanout import hub
from peerassist.live.presence import presence_changed
from tests.test_live_fanout_slow_socket import hand_out, until

ROOM = 987_654_322  # no such assist: the hub only keys its rooms by the number


class StandIn:
    frame_writer = None  # messages go through its queue (see test_live_frames.py)

    def __init__(self, person_id: int | None, name: str) -> None:
        self.assist_id = ROOM
        self.person_id = person_id
        self.user_id = person_id
        self.name = name
        self.texts: list[str] = []

    def presence_entry(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "role": "visiting_peer"}

    async def send_text(self, text: str) -> None:
        self.texts.append(text)

    async def send_event(self, event: dict[str, Any], text: str) -> None:
        self.texts.append(text)

    async def kick(self, reason: str = "") -> None:
        pass

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        pass


@pytest.fixture(autouse=True)
def no_ticker(monkeypatch):
    """The hub's once-a-second ticker asks the database (auto-advance): not here."""

    async def idle() -> None:
        return None

    monkeypatch.setattr(hub, "_tick", idle)


def key(entry: dict[str, Any]) -> int | str:
    return entry["person_id"] or entry["name"]


def applied(texts: list[str]) -> list[dict[str, Any]] | None:
    """The presence list a browser shows after these frames (None: no list yet). A change
    that repeats what the client has, or drops what it lacks, after its list arrived, is a
    change applied twice or one missed before: an AssertionError."""
    people: dict[int | str, dict[str, Any]] | None = None
    for text in texts:
        message = json.loads(text)
        if message["type"] in ("state", "presence"):
            people = {key(e): e for e in message["presence"]}
        elif message["type"] == "presence.changed" and people is not None:
            for gone in message["left"]:
                assert gone in people, f"{gone!r} left twice, or its arrival was missed"
                del people[gone]
            for entry in message["joined"]:
                assert people.get(key(entry)) != entry, f"{entry} applied twice"
                people[key(entry)] = entry
    if people is None:
        return None
    return sorted(people.values(), key=lambda e: e["name"])


def other_process(process: str, *people: tuple[int | None, str]) -> dict[str, Any]:
    return {
        "type": "room.presence",
        "assist_id": ROOM,
        "process_id": process,
        "entries": [{"person_id": p, "name": n, "role": "home_peer"} for p, n in people],
    }


async def joined_with_state(socket: StandIn, during=None) -> None:
    """What the consumer does on `hello`: join, read the view, make the state (in the
    database thread: `during` runs meanwhile), then send it through the hub."""
    await hub.join(socket)  # type: ignore[arg-type]
    view = hub.presence_view(ROOM)
    state = {"type": "state", "presence": json.loads(hub.presence_json(ROOM))}
    if during is not None:
        await during()
    await hub.send_state(socket, json.dumps(state), view)  # type: ignore[arg-type]


async def settled() -> None:
    """Until this process's own announcements (a quarter of a second apart) are through."""
    await asyncio.sleep(0.3)
    await until(lambda: not hub.announcing and not hub.background)
    await asyncio.sleep(0.05)


async def _leave(*sockets: StandIn) -> None:
    """Leave, and end the room's writer: the next test runs in an event loop of its own."""
    for socket in sockets:
        await hub.leave(socket)  # type: ignore[arg-type]
    await settled()
    writer = hub.writers.pop(ROOM, None)
    if writer is not None:
        writer.cancel()
    hub.outbox.pop(ROOM, None)
    hub.presence.forget(ROOM)


def test_a_change_names_who_joined_who_left_and_whose_entry_changed() -> None:
    ann = {"person_id": 1, "name": "Ann", "role": "home_peer"}
    bob = {"person_id": 2, "name": "Bob", "role": "home_peer"}
    guest = {"person_id": None, "name": "Guest", "role": None}
    assert presence_changed({1: ann}, {1: ann}) is None
    assert presence_changed({1: ann, 2: bob}, {1: ann, "Guest": guest}) == {
        "type": "presence.changed",
        "joined": [guest],
        "left": [2],
    }
    facilitator = {**ann, "role": "facilitator"}
    assert presence_changed({1: ann}, {1: facilitator}) == {
        "type": "presence.changed",
        "joined": [facilitator],
        "left": [],
    }


@pytest.mark.asyncio
async def test_sockets_get_changes_not_the_whole_list() -> None:
    alice = StandIn(1, "Alice")
    await joined_with_state(alice)
    try:
        await settled()
        await hand_out(other_process("p2", (2, "Bob"), (3, "Cleo")))
        await hand_out(other_process("p2", (3, "Cleo")))
        await until(lambda: len(alice.texts) >= 4)
        kinds = [json.loads(t)["type"] for t in alice.texts]
        assert kinds == ["state", "presence.changed", "presence.changed", "presence.changed"]
        assert json.loads(alice.texts[-1]) == {
            "type": "presence.changed",
            "joined": [],
            "left": [2],
        }
        assert applied(alice.texts) == hub.presence.sorted(ROOM)
        assert [p["name"] for p in hub.presence.sorted(ROOM)] == ["Alice", "Cleo"]
        # The same view again (a process repeating itself) changes nothing: nothing is sent.
        await hand_out(other_process("p2", (3, "Cleo")))
        await asyncio.sleep(0.05)
        assert len(alice.texts) == 4
    finally:
        await _leave(alice)


@pytest.mark.asyncio
async def test_a_change_made_while_a_state_is_being_made_reaches_the_joiner_once() -> None:
    """The state is made from the view before the change and arrives after it: the change
    follows the state again, and the one that came first is overwritten."""
    alice, bob = StandIn(1, "Alice"), StandIn(2, "Bob")
    await joined_with_state(alice)
    try:
        await settled()

        async def dana_arrives() -> None:
            await hand_out(other_process("p2", (4, "Dana")))

        await joined_with_state(bob, during=dana_arrives)
        kinds = [json.loads(t)["type"] for t in bob.texts]
        assert kinds == ["presence.changed", "state", "presence.changed"], bob.texts
        assert [p["name"] for p in applied(bob.texts) or []] == ["Alice", "Dana"]
        await settled()  # bob's own arrival, then Dana leaves
        await hand_out(other_process("p2"))
        await until(lambda: [p["name"] for p in applied(bob.texts) or []] == ["Alice", "Bob"])
        assert applied(alice.texts) == applied(bob.texts) == hub.presence.sorted(ROOM)
    finally:
        await _leave(alice, bob)


@pytest.mark.asyncio
async def test_a_replay_sends_the_whole_list_in_order_with_the_changes() -> None:
    alice = StandIn(1, "Alice")
    await joined_with_state(alice)
    try:
        await settled()
        await hand_out(other_process("p2", (2, "Bob")))
        # Alice's browser reconnects with an old list; the replay path sends `presence`.
        back = StandIn(1, "Alice")  # joins as the consumer does before its hello
        await hub.join(back)  # type: ignore[arg-type]
        await hand_out(other_process("p2", (2, "Bob"), (3, "Cleo")))
        await hub.send_presence(back)  # type: ignore[arg-type]
        await hand_out(other_process("p2", (3, "Cleo")))
        await settled()
        kinds = [json.loads(t)["type"] for t in back.texts]
        assert "presence" in kinds and kinds.index("presence") > 0
        assert applied(back.texts) == applied(alice.texts) == hub.presence.sorted(ROOM)
        assert [p["name"] for p in hub.presence.sorted(ROOM)] == ["Alice", "Cleo"]
    finally:
        await _leave(alice, back)


@pytest.mark.asyncio
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_joiners_leavers_and_other_processes_in_any_order_agree_with_the_hub(
    seed: int,
) -> None:
    """Sockets join (their states taking a random while), leave, and two other processes
    change their people, all interleaved: each remaining socket ends with the hub's list,
    having applied every change once."""
    rng = random.Random(seed)
    here: list[StandIn] = []
    others: dict[str, set[tuple[int, str]]] = {"p2": set(), "p3": set()}
    joins: list[asyncio.Task[None]] = []
    next_id = 100

    async def late(seconds: float) -> None:
        await asyncio.sleep(seconds)

    try:
        for _ in range(40):
            roll = rng.random()
            if roll < 0.35:
                next_id += 1
                socket = StandIn(next_id, f"Person {next_id:03d}")
                here.append(socket)
                wait = rng.choice([0.0, 0.01, 0.05, 0.3])
                joins.append(asyncio.create_task(joined_with_state(socket, lambda w=wait: late(w))))
            elif roll < 0.5 and len(here) > 2:
                gone = here.pop(rng.randrange(len(here)))
                await until(lambda s=gone: s in hub.senders.queues)
                await hub.leave(gone)  # type: ignore[arg-type]
            else:
                process = rng.choice(["p2", "p3"])
                people = others[process]
                if people and rng.random() < 0.4:
                    people.discard(rng.choice(sorted(people)))
                else:
                    next_id += 1
                    people.add((next_id, f"Person {next_id:03d}"))
                await hand_out(other_process(process, *sorted(people)))
            await asyncio.sleep(rng.choice([0.0, 0.0, 0.01, 0.1]))
        await asyncio.gather(*joins)
        await settled()
        expected = hub.presence.sorted(ROOM)
        assert {p["person_id"] for p in expected} == {s.person_id for s in here} | {
            p for people in others.values() for p, _ in people
        }
        for socket in here:
            assert applied(socket.texts) == expected, socket.name
    finally:
        await asyncio.gather(*joins, return_exceptions=True)
        await _leave(*here)


@pytest.mark.asyncio
async def test_the_last_socket_leaving_forgets_the_view() -> None:
    alice = StandIn(1, "Alice")
    await joined_with_state(alice)
    await settled()
    assert hub.presence_view(ROOM)
    await hub.leave(alice)  # type: ignore[arg-type]
    await settled()
    assert ROOM not in hub.presence.views and ROOM not in hub.presence.by_process
    await _leave()
