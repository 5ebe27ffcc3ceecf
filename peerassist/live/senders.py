"""Each socket's own queue and sender task: how the hub (live/fanout.py) gets a message to
one socket, in order, without one slow socket holding up the others.

The room's writer hands a message to every socket's queue and moves on, so one socket that
is slow to read, or closing (a send to a closing socket waits for its closing handshake),
delays only itself. Before, the writer awaited each send in turn: a send waits while the
socket's buffer is full (a stalled network) or the socket is closing, and so did every other
socket of the room on this process (tests/test_live_fanout_slow_socket.py).

A message that is the same text for every socket (a room event, a presence change) is
written at once as one prebuilt frame to each socket that has nothing queued and whose
sender is idle (`to_all`, live/frames.py): the same order as through the queue, without its
per-copy cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from peerassist.live.frames import text_frame

if TYPE_CHECKING:
    from peerassist.live.events import LiveEvent, PresenceEntry
    from peerassist.live.frames import FrameWriter

logger = logging.getLogger(__name__)

#: How many messages may wait for one socket before the hub gives up on it: a client that
#: reads this slowly (a stalled network) is closed with 1013, "try again later", and the
#: page reconnects and replays what it missed, instead of the server holding an ever
#: longer queue for it.
SOCKET_BACKLOG = 1000
#: The close code for a socket that fell too far behind (RFC 6455: try again later).
CLOSE_TOO_SLOW = 1013

type SocketSend = Callable[[], Awaitable[None]]


class RoomSocket(Protocol):
    """A socket as the hub sees it (live/consumers.py's RoomConsumer)."""

    assist_id: int
    person_id: int | None
    user_id: int | None
    # Writes a prebuilt frame straight to the connection (live/frames.py), or None.
    frame_writer: FrameWriter | None

    def presence_entry(self) -> PresenceEntry | None: ...

    async def send_text(self, text: str) -> None: ...
    async def send_event(self, event: LiveEvent, text: str) -> None: ...
    async def kick(self, reason: str = "") -> None: ...
    async def close(self, code: int | None = None, reason: str | None = None) -> None: ...


def hub_task(coroutine: Any) -> asyncio.Task[Any]:
    """Start one of the hub's tasks (ticker, receiver, a room's writer, presence) in a context
    of its own. The hub serves the whole process; a task inherits the context of whoever
    starts it, and a socket's context holds that socket's database executor, which quits
    when the socket closes: every database call the task made after that failed
    ("CurrentThreadExecutor already quit or is broken"), and the failure was swallowed. In
    the 90-minute replay the facilitator reopened the room, and from then on no spokesperson
    learned that the plenary let them post their group's insight."""
    return asyncio.get_running_loop().create_task(coroutine, context=contextvars.Context())


class Senders:
    """The queues and sender tasks of one process's sockets (the hub has one)."""

    def __init__(self) -> None:
        self.queues: dict[RoomSocket, asyncio.Queue[SocketSend]] = {}
        self.tasks: dict[RoomSocket, asyncio.Task[None]] = {}
        # Sockets whose sender is writing (not waiting on its queue): nothing may be written
        # to them directly meanwhile (`to_all`).
        self.sending: set[RoomSocket] = set()
        self.background: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self.queues)

    def open(self, socket: RoomSocket) -> None:
        queue: asyncio.Queue[SocketSend] = asyncio.Queue()
        self.queues[socket] = queue
        self.tasks[socket] = hub_task(self._send_loop(socket, queue))

    def close(self, socket: RoomSocket) -> bool:
        """Stop the socket's sender; True if it was still open."""
        was_open = self.queues.pop(socket, None) is not None
        sender = self.tasks.pop(socket, None)
        if sender is not None and sender is not asyncio.current_task():
            sender.cancel()
        return was_open

    async def _send_loop(self, socket: RoomSocket, queue: asyncio.Queue[SocketSend]) -> None:
        """Write one socket's messages in the order the room's writer queued them."""
        while True:
            send = await queue.get()
            self.sending.add(socket)
            # A socket closing meanwhile must not stop its sender: leave() ends it.
            try:
                await send()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("live: a message did not reach one socket of room %s",
                               socket.assist_id, exc_info=True)  # fmt: skip
            finally:
                self.sending.discard(socket)

    def to_all(
        self,
        sockets: list[RoomSocket],
        text: str,
        send: Callable[[RoomSocket], SocketSend],
    ) -> None:
        """Give every socket the same `text`: written at once as one prebuilt frame where
        the socket has nothing queued and its sender is idle (so its order is kept), else
        queued as `send(socket)`. See live/frames.py."""
        frame: bytes | None = None
        for socket in sockets:
            writer = socket.frame_writer
            if writer is not None and socket not in self.sending:
                queue = self.queues.get(socket)
                if queue is not None and queue.empty():
                    if frame is None:
                        frame = text_frame(text)
                    if writer.write(frame):
                        continue
            self.to_socket(socket, send(socket))

    def to_socket(self, socket: RoomSocket, send: SocketSend) -> None:
        """Queue `send` for `socket` and return at once."""
        queue = self.queues.get(socket)
        if queue is None:  # left meanwhile
            return
        if queue.qsize() >= SOCKET_BACKLOG:
            logger.warning(
                "live: a socket of room %s fell %d messages behind; closed so that it "
                "reconnects and catches up",
                socket.assist_id,
                queue.qsize(),
            )
            self.queues.pop(socket, None)
            task = hub_task(self._close_slow(socket))
            self.background.add(task)
            task.add_done_callback(self.background.discard)
            return
        queue.put_nowait(send)

    async def _close_slow(self, socket: RoomSocket) -> None:
        with contextlib.suppress(Exception):
            await socket.close(code=CLOSE_TOO_SLOW)

    async def written(self, socket: RoomSocket) -> None:
        """Wait until the socket's sender has written all it has queued now (or is gone)."""
        sender = self.tasks.get(socket)
        if sender is None or socket not in self.queues:
            return
        done = asyncio.get_running_loop().create_future()

        async def mark() -> None:
            if not done.done():
                done.set_result(None)

        self.to_socket(socket, mark)
        await asyncio.wait({done, sender}, return_when=asyncio.FIRST_COMPLETED)
