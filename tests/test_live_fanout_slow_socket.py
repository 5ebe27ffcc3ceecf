"""One socket that reads slowly, or is closing, must not hold up a room's other sockets.

The room's writer used to await each socket's send in turn, and a send waits while the
socket's buffer is full (a stalled network) or while it is closing (its closing handshake):
meanwhile every other socket of the room on that process waited too. Now each socket has its
own queue (live/senders.py, `Hub.senders`). These tests drive the process's hub directly with
stand-in sockets (the hub's contract is the `RoomSocket` protocol): no database is involved.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from peerassist.live import senders
from peerassist.live.fanout import hub
from peerassist.live.senders import CLOSE_TOO_SLOW

ROOM = 987_654_321  # no such assist: the hub only keys its rooms by the number


class StandIn:
    """A socket as the hub sees it. `stalled` ones never finish a send."""

    frame_writer = None  # messages go through its queue (see test_live_frames.py)

    def __init__(self, person_id: int, *, stalled: bool = False) -> None:
        self.assist_id = ROOM
        self.person_id = person_id
        self.user_id = person_id
        self.stalled = stalled
        self.texts: list[str] = []
        self.closed_with: int | None = None
        self.kicked = False
        self.got = asyncio.Event()

    def presence_entry(self) -> None:
        return None

    async def _deliver(self, text: str) -> None:
        if self.stalled:
            await asyncio.Event().wait()  # a peer that stopped reading: never returns
        self.texts.append(text)
        self.got.set()

    async def send_text(self, text: str) -> None:
        await self._deliver(text)

    async def send_event(self, event: dict[str, Any], text: str) -> None:
        await self._deliver(text)

    async def kick(self, reason: str = "") -> None:
        self.kicked = True

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closed_with = code


def note(seq: int) -> dict[str, Any]:
    return {
        "type": "room.event",
        "assist_id": ROOM,
        "event": {"seq": seq, "event": "contribution.created", "data": {"id": seq}},
    }


async def hand_out(message: dict[str, Any]) -> None:
    """What the room's writer does with each message (`Hub._write`)."""
    await hub.deliver(message)  # type: ignore[arg-type]
    await asyncio.sleep(0)


async def until(condition, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def _leave(*sockets: StandIn) -> None:
    for socket in sockets:
        await hub.leave(socket)  # type: ignore[arg-type]
    await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_a_stalled_socket_does_not_delay_the_others_and_order_is_kept():
    stalled = StandIn(1, stalled=True)
    fast = [StandIn(2 + i) for i in range(3)]
    for socket in [stalled, *fast]:
        await hub.join(socket)  # type: ignore[arg-type]
    try:
        for seq in range(1, 6):
            await hand_out(note(seq))
        await until(lambda: all(len(s.texts) >= 5 for s in fast))
        for socket in fast:
            seqs = [int(t.split('"seq":')[1].split(",")[0]) for t in socket.texts[-5:]]
            assert seqs == [1, 2, 3, 4, 5]
        assert stalled.texts == []
        # Leaving ends the stalled socket's sender, stuck in its send, with nothing left over.
        await _leave(stalled)
        assert stalled not in hub.senders.queues and stalled not in hub.senders.tasks
    finally:
        await _leave(*fast)


@pytest.mark.asyncio
async def test_a_socket_that_falls_too_far_behind_is_closed_so_it_reconnects(monkeypatch):
    monkeypatch.setattr(senders, "SOCKET_BACKLOG", 3)
    stalled, fast = StandIn(1, stalled=True), StandIn(2)
    await hub.join(stalled)  # type: ignore[arg-type]
    await hub.join(fast)  # type: ignore[arg-type]
    try:
        for seq in range(1, 8):
            await hand_out(note(seq))
        await until(lambda: stalled.closed_with is not None)
        assert stalled.closed_with == CLOSE_TOO_SLOW == 1013
        await until(lambda: len(fast.texts) >= 7)
        assert fast.closed_with is None
        # Nothing more is queued for the closed one.
        await hand_out(note(8))
        assert stalled not in hub.senders.queues
    finally:
        await _leave(stalled, fast)


@pytest.mark.asyncio
async def test_a_kick_reaches_only_that_person_after_what_was_queued_before_it():
    alice, bob = StandIn(1), StandIn(2)
    await hub.join(alice)  # type: ignore[arg-type]
    await hub.join(bob)  # type: ignore[arg-type]
    try:
        await hand_out(note(1))
        await hand_out({"type": "room.kick", "assist_id": ROOM, "person_id": 1})
        await until(lambda: alice.kicked)
        assert any('"seq":1' in t for t in alice.texts)
        assert not bob.kicked
    finally:
        await _leave(alice, bob)
