"""Room events survive a Redis that stalls or loses its data: two real server processes
share a room through a real redis-server, which the test pauses with SIGSTOP (longer than
redis-py's default 5-second reply timeout, which the channel layer's 5-second BZPOPMIN used
to race: a message handed over at the last moment was dropped with the timed-out
connection) and then empties with FLUSHALL (what a restart without persistence does: the
hubs' group memberships are gone, so every publish reaches nobody). Every note posted
meanwhile must reach the other server's socket: through Redis once it answers again, or
from the database by the hub's catch-up (live/fanout.py)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import uuid

import pytest
import redis

from tests.harness.app import free_port
from tests.test_live_processes import (  # noqa: F401 - fixtures
    _no_stale_running_loop,
    next_of,
    open_room,
    post,
    server,
    site,
)


async def ack_for(socket, client_id: str, timeout: float) -> dict:
    """The acknowledgement of this note (earlier notes' acks and events are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == "ack" and message["client_id"] == client_id:
                return message


async def event_for(socket, client_id: str, timeout: float) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if (
                message["type"] == "event"
                and message["event"] == "contribution.created"
                and message["data"]["client_id"] == client_id
            ):
                return message


@pytest.mark.asyncio
async def test_a_stalled_or_emptied_redis_loses_no_room_event(site, redis_url):  # noqa: F811
    env, tmp, setup = site
    env = {**env, "REDIS_URL": redis_url}
    store = redis.Redis.from_url(redis_url)
    redis_pid = store.info("server")["process_id"]
    facilitator = setup["sessions"]["facilitator"][0]
    visitor = setup["sessions"]["visiting_peer"][0]
    port_a, port_b = free_port(), free_port()
    with server(env, tmp, port_a, "a"), server(env, tmp, port_b, "b"):
        poster = await open_room(port_a, setup["assist_id"], facilitator)
        listener = await open_room(port_b, setup["assist_id"], visitor)
        await next_of(poster, "state")
        await next_of(listener, "state")
        warm = str(uuid.uuid4())
        await poster.send(post(warm, "Before anything goes wrong"))
        await ack_for(poster, warm, timeout=20)
        await event_for(listener, warm, timeout=20)
        seqs = []

        # 1. Redis stops answering for 7 s while a note is posted on A.
        stalled = str(uuid.uuid4())
        os.kill(redis_pid, signal.SIGSTOP)
        try:
            await poster.send(post(stalled, "Posted while Redis stalls"))
            await asyncio.sleep(7)
        finally:
            os.kill(redis_pid, signal.SIGCONT)
        await ack_for(poster, stalled, timeout=30)
        seqs.append((await event_for(listener, stalled, timeout=30))["seq"])

        # 2. Redis forgets everything, group memberships included.
        store.flushall()
        for n in range(2):  # the first from the database, the next through Redis again
            emptied = str(uuid.uuid4())
            await poster.send(post(emptied, f"Posted after Redis lost its data ({n})"))
            await ack_for(poster, emptied, timeout=30)
            seqs.append((await event_for(listener, emptied, timeout=30))["seq"])
        assert seqs == sorted(seqs)
        await poster.close()
        await listener.close()
    logs = (tmp / "a.log").read_text() + (tmp / "b.log").read_text()
    assert "delivered from the database" in logs  # the catch-up did the work in step 2
