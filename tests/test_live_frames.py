"""Room events written as one prebuilt frame per socket (live/frames.py), issue 19.

The writer is checked against a real uvicorn server (the protocol `peerassist serve` uses)
and a real client: a frame written directly arrives as the same message the ASGI way would
have sent, in order with the others, and the writer says no wherever the ASGI way would
behave differently (compression negotiated, the socket closing). Then the hub: it writes
directly only to a socket with nothing queued and an idle sender, so each socket still gets
its messages in order. The fan-out benchmark and the browser tests run it end to end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
import websockets

from peerassist.live.fanout import hub
from peerassist.live.frames import SCOPE_KEY, DirectFrames, FrameWriter, text_frame
from tests.harness.app import free_port

ROOM = 987_654_322  # no such assist: the hub only keys its rooms by the number


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accepts, then for each text `"go"` sends "one" (ASGI), "two" (directly if the writer
    agrees, else ASGI), "three" (ASGI), then a report of what the writer did."""
    assert scope["type"] == "websocket"
    writer: FrameWriter | None = scope.get(SCOPE_KEY)
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") == "close":
            await send({"type": "websocket.close", "code": 1000})
            # The close frame is written; a frame now must not follow it.
            assert writer is not None
            refused = not writer.write(text_frame("after close"))
            scope["state"]["after_close_refused"] = refused
            return
        await send({"type": "websocket.send", "text": "one"})
        direct = writer is not None and writer.write(text_frame("two ✓"))
        if not direct:
            await send({"type": "websocket.send", "text": "two ✓"})
        await send({"type": "websocket.send", "text": "three"})
        report = {"writer": writer is not None, "direct": direct}
        await send({"type": "websocket.send", "text": json.dumps(report)})


@contextlib.asynccontextmanager
async def uvicorn_server(*, deflate: bool, state: dict[str, Any]) -> AsyncIterator[str]:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope["state"] = state
        await DirectFrames(echo_app)(scope, receive, send)

    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",  # what `peerassist serve` gets (uvicorn's "auto")
        ws_per_message_deflate=deflate,
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started, "uvicorn did not start"
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def exchange(url: str, *, compression: str | None) -> list[str]:
    async with websockets.connect(url, compression=compression) as ws:
        received = []
        for _ in range(2):  # twice: the second round starts with nothing queued either
            await ws.send("go")
            received += [await asyncio.wait_for(ws.recv(), 5) for _ in range(4)]
        return received


@pytest.mark.asyncio
async def test_a_frame_written_directly_arrives_in_order_as_the_same_message():
    async with uvicorn_server(deflate=False, state={}) as url:
        got = await exchange(url, compression=None)
    assert got[:3] == ["one", "two ✓", "three"] == got[4:7]
    assert json.loads(got[3]) == json.loads(got[7]) == {"writer": True, "direct": True}


@pytest.mark.asyncio
async def test_with_compression_negotiated_the_writer_says_no_and_the_asgi_way_sends_it():
    async with uvicorn_server(deflate=True, state={}) as url:
        got = await exchange(url, compression="deflate")
    assert got[:3] == ["one", "two ✓", "three"]
    assert json.loads(got[3]) == {"writer": True, "direct": False}


@pytest.mark.asyncio
async def test_once_the_server_closed_the_socket_the_writer_says_no():
    state: dict[str, Any] = {}
    async with (
        uvicorn_server(deflate=False, state=state) as url,
        websockets.connect(url, compression=None) as ws,
    ):
        await ws.send("close")
        with pytest.raises(websockets.ConnectionClosedOK):
            await asyncio.wait_for(ws.recv(), 5)
    assert state["after_close_refused"] is True


@pytest.mark.asyncio
async def test_under_another_server_there_is_no_writer():
    seen: dict[str, Any] = {}

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.update(scope)

    async def some_send(message: dict[str, Any]) -> None:  # not uvicorn's protocol
        pass

    await DirectFrames(inner)({"type": "websocket"}, None, some_send)
    assert SCOPE_KEY not in seen


def test_the_frame_is_the_one_the_protocol_would_build():
    frame = text_frame('{"seq":1,"text":"é"}')
    from websockets.protocol import SERVER, Protocol

    protocol = Protocol(SERVER)
    protocol.send_text('{"seq":1,"text":"é"}'.encode())
    assert frame == b"".join(protocol.data_to_send())
    assert frame[0] == 0x81  # FIN, text; no compression bit
    assert frame[1] & 0x80 == 0  # a server's frame is not masked


# --- The hub: directly only to a socket with nothing queued and an idle sender --------------


class Recorder:
    """Stands in for a FrameWriter: records the frames (the real one is tested above)."""

    def __init__(self, socket: StandIn) -> None:
        self.socket = socket

    def write(self, frame: bytes) -> bool:
        self.socket.texts.append(frame[2:].decode())  # short frames: 2-byte header
        self.socket.direct += 1
        return True


class StandIn:
    def __init__(self, person_id: int) -> None:
        self.assist_id = ROOM
        self.person_id = person_id
        self.user_id = person_id
        self.texts: list[str] = []
        self.direct = 0
        self.frame_writer: Any = Recorder(self)
        self.release = asyncio.Event()
        self.hold = False

    def presence_entry(self) -> None:
        return None

    async def send_text(self, text: str) -> None:
        if self.hold:
            await self.release.wait()  # a send that is still being written
        self.texts.append(text)

    async def send_event(self, event: dict[str, Any], text: str) -> None:
        await self.send_text(text)

    async def kick(self, reason: str = "") -> None:
        pass

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        pass


def note(seq: int, event: str = "contribution.created") -> dict[str, Any]:
    return {
        "type": "room.event",
        "assist_id": ROOM,
        "event": {"seq": seq, "event": event, "data": {"id": seq}},
    }


def seqs(socket: StandIn) -> list[int]:
    return [json.loads(t)["seq"] for t in socket.texts if t.startswith('{"seq"')]


@pytest.mark.asyncio
async def test_the_hub_writes_directly_to_idle_sockets_and_queues_behind_a_send_in_progress():
    idle, busy = StandIn(1), StandIn(2)
    for socket in (idle, busy):
        await hub.join(socket)  # type: ignore[arg-type]
    try:
        # `busy` is in the middle of writing its state when two notes come.
        busy.hold = True
        hub.senders.to_socket(busy, lambda: busy.send_text("state"))  # type: ignore[arg-type]
        await asyncio.sleep(0)  # its sender takes the state and waits in the send
        assert busy in hub.senders.sending
        await hub.deliver(note(1))  # type: ignore[arg-type]
        await hub.deliver(note(2))  # type: ignore[arg-type]
        assert seqs(idle) == [1, 2] and idle.direct == 2
        assert busy.texts == []
        busy.release.set()
        for _ in range(20):
            await asyncio.sleep(0)
        assert busy.texts[0] == "state" and seqs(busy) == [1, 2] and busy.direct == 0
        # Once its queue is empty and its sender idle again, it is written to directly too.
        busy.hold = False
        await hub.deliver(note(3))  # type: ignore[arg-type]
        assert seqs(busy) == [1, 2, 3] and busy.direct == 1
    finally:
        for socket in (idle, busy):
            await hub.leave(socket)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_a_timer_change_goes_through_each_sockets_queue_with_its_rights():
    socket = StandIn(1)
    await hub.join(socket)  # type: ignore[arg-type]
    try:
        await hub.deliver(note(1, event="timer.changed"))  # type: ignore[arg-type]
        for _ in range(5):
            await asyncio.sleep(0)
        assert seqs(socket) == [1] and socket.direct == 0
    finally:
        await hub.leave(socket)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_a_socket_whose_writer_says_no_gets_the_event_the_asgi_way():
    socket = StandIn(1)
    socket.frame_writer.write = lambda frame: False
    await hub.join(socket)  # type: ignore[arg-type]
    try:
        await hub.deliver(note(1))  # type: ignore[arg-type]
        for _ in range(5):
            await asyncio.sleep(0)
        assert seqs(socket) == [1]
    finally:
        await hub.leave(socket)  # type: ignore[arg-type]
