"""A committed room event is handed to the server's event loop, not waited for (core/events.py,
issue 19): the thread that saved a note (the live room's database thread) goes on at once,
and the loop's one outbox task publishes the events in the order they were committed."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from peerassist.core import events


def room_event(seq: int) -> dict[str, Any]:
    return {"type": "room.event", "assist_id": 1, "event": {"seq": seq}}


@pytest.fixture
def delivered(monkeypatch):
    got: list[int] = []

    async def deliver(message: Any) -> None:
        if message["event"]["seq"] == 13:
            raise RuntimeError("the layer is down")
        got.append(message["event"]["seq"])

    monkeypatch.setattr(events, "local_delivery", deliver)
    return got


@pytest.mark.asyncio
async def test_the_committing_thread_does_not_wait_for_the_loop_and_order_is_kept(delivered):
    def commit_three() -> tuple[float, list[int]]:
        started = time.perf_counter()
        for seq in (1, 2, 3):
            events._publish_committed(room_event(seq))
        return time.perf_counter() - started, list(delivered)

    task = asyncio.ensure_future(sync_to_async(commit_three, thread_sensitive=True)())
    await asyncio.sleep(0)  # the thread starts
    time.sleep(0.3)  # the loop is busy (as with a note going out to 500 sockets)
    took, seen_in_thread = await task
    assert took < 0.2  # it did not wait for the loop to be free
    assert seen_in_thread == []
    for _ in range(10):
        await asyncio.sleep(0)
    assert delivered == [1, 2, 3]


@pytest.mark.asyncio
async def test_a_failed_publish_is_logged_and_the_next_ones_still_go_out(delivered, caplog):
    def commit() -> None:
        for seq in (12, 13, 14):
            events._publish_committed(room_event(seq))

    with caplog.at_level(logging.ERROR, logger="peerassist.core.events"):
        await sync_to_async(commit)()
        for _ in range(10):
            await asyncio.sleep(0)
    assert delivered == [12, 14]
    assert "could not publish a room event (assist 1)" in caplog.text


def test_without_a_server_it_publishes_before_returning(delivered):
    events._publish_committed(room_event(7))
    assert delivered == [7]
