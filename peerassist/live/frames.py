"""One room event, one WebSocket frame, written to every socket (issue 19).

A room event is the same text for every socket of a server process. Sent the ASGI way,
each copy costs a trip through the socket's queue and sender task, the consumer's `send`,
the ASGI wrappers and uvicorn's `send` (which builds the frame again), all while the event
loop (and, through the GIL, the database thread saving the next note) waits. Here the frame
is built once and written to each socket's transport directly, as `websockets.broadcast()`
does (bench/README.md, `live_fanout.py`, has the figures).

Only where it is the same thing the ASGI path would do:

- the server is uvicorn's `websockets-sansio` protocol (`peerassist serve`; uvicorn and
  websockets are pinned): `DirectFrames` finds it behind the ASGI `send` of each WebSocket
  and puts a `FrameWriter` in the scope; under another server there is none and every copy
  goes the ASGI way;
- the connection is open, accepted, not closing, not paused for a full buffer (the ASGI
  path would wait), with no extension (no compression: `serve` turns it off) and no
  fragmented message in progress; otherwise `write` says no and the copy goes the ASGI way,
  which waits, or fails, as it always did.

The hub writes directly only to a socket whose own queue is empty and whose sender is idle
(live/fanout.py), so each socket still gets its messages in the order they were queued.
tests/test_live_frames.py runs a real uvicorn server.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

SCOPE_KEY = "peerassist.frame_writer"


def text_frame(text: str) -> bytes:
    """A server's (unmasked, uncompressed) frame carrying `text`."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


class FrameWriter:
    """Writes whole frames to one connection's transport, when that is safe."""

    __slots__ = ("protocol", "written")

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self.protocol = protocol
        self.written = 0  # frames written directly (tests and benchmarks read it)

    def write(self, frame: bytes) -> bool:
        """Write `frame` now and say True, or say False (the caller sends it the ASGI way)."""
        p = self.protocol
        conn = p.conn
        if (
            p.handshake_complete
            and not p.close_sent
            and not p.disconnected
            and p.initial_response is None
            and p.writable.is_set()
            and conn.state is State.OPEN
            and not conn.expect_continuation_frame
            and not conn.extensions
            and not p.transport.is_closing()
        ):
            p.transport.write(frame)
            self.written += 1
            return True
        return False


class DirectFrames:
    """ASGI wrapper (outermost): gives each WebSocket served by uvicorn's sans-I/O protocol
    a `FrameWriter` in its scope (`SCOPE_KEY`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            protocol = getattr(send, "__self__", None)
            if isinstance(protocol, WebSocketsSansIOProtocol):
                scope = {**scope, SCOPE_KEY: FrameWriter(protocol)}
        return await self.app(scope, receive, send)
