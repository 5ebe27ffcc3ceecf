"""In-process fan-out: each server process keeps its rooms' sockets and writes each event to
them directly. Across processes the room's channel-layer group has ONE member per process
(this hub's channel), so an event costs one layer message per process, not per client."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from channels.layers import InMemoryChannelLayer, get_channel_layer

from peerassist.core import events
from peerassist.core.events import RoomKick
from peerassist.live.collector import ArrivalsCollector
from peerassist.live.events import (
    Presence,
    PresenceEntry,
    RoomEventMessage,
    RoomPresenceMessage,
    UnknownBusMessage,
    bus_message_parse,
    room_presence,
)
from peerassist.live.presence import PresenceView, RoomsPresence, changed_text
from peerassist.live.senders import RoomSocket, Senders, hub_task
from peerassist.live.snapshots import RoomSnapshots

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


PROCESS_ID = uuid.uuid4().hex
#: How long a stored event may still be on its way through Redis before the hub fetches it
#: from the database instead (a message lost in the channel layer must not stay lost; on a
#: busy machine an event can take over a second to arrive, and one fetched too early is
#: sent twice: harmless, clients skip a number they have, but wasted).
CATCH_UP_AFTER = 3.0
#: How often the hub renews its group memberships (Redis may have restarted empty, and a
#: membership expires after a day).
RESUBSCRIBE_EVERY = 60.0
#: Events after which each socket is sent something of its own (a new step's rights, see
#: consumers.send_event): they go through the sockets' queues, never as a shared frame.
PER_SOCKET_EVENTS = frozenset({"timer.changed"})


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[int, set[RoomSocket]] = {}
        self.channel: str | None = None
        self.receiver: asyncio.Task[None] | None = None
        self.ticker: asyncio.Task[None] | None = None
        # Who is present, per room and per server process (each announces only its own
        # sockets), and what this process's sockets were last told (live/presence.py).
        self.presence = RoomsPresence()
        self.announcing: set[int] = set()
        self.background: set[asyncio.Task[None]] = set()
        self.outbox: dict[
            int, asyncio.Queue[RoomEventMessage | RoomPresenceMessage | RoomKick]
        ] = {}
        self.writers: dict[int, asyncio.Task[None]] = {}
        # Each socket's own queue and sender task (live/senders.py).
        self.senders = Senders()
        # Limits (live/limits.py) count sockets from the moment they are admitted, before
        # they join, so that two sockets connecting at once cannot both take the last place.
        self.sockets_of_user: dict[int, int] = {}
        self.sockets_in_room: dict[int, int] = {}
        self.user_buckets: dict[int, tuple[float, float]] = {}
        # Catch-up: the last event number written to this process's sockets, per room, and
        # a gap to the database's number first seen when (room → (number, monotonic time)).
        self.delivered: dict[int, int] = {}
        self.behind: dict[int, tuple[int, float]] = {}
        self.subscribed_at = time.monotonic()
        # Joining: each room's shared state, kept for joiners (live/snapshots.py).
        self.snapshots = RoomSnapshots()
        # Full garbage collections a little at a time while people arrive (live/collector.py).
        self.collector = ArrivalsCollector(lambda: len(self.senders))
        events.local_delivery = self.deliver_soon

    def _distributed(self) -> bool:
        layer = get_channel_layer()
        return layer is not None and not isinstance(layer, InMemoryChannelLayer)

    async def _tick(self) -> None:
        """Once a second, advance rooms whose step ran out when auto-advance is on, and
        deliver the events that never arrived through the channel layer."""
        from channels.db import database_sync_to_async

        from peerassist.live.services import auto_advance_if_due

        while self.rooms:
            await asyncio.sleep(1)
            for assist_id in list(self.rooms):
                try:
                    await database_sync_to_async(auto_advance_if_due)(assist_id=assist_id)
                except Exception:
                    logger.exception("auto-advance failed for assist %s", assist_id)
            try:
                await self.catch_up()
            except Exception:
                logger.exception("live hub could not check its rooms for missed events")

    async def catch_up(self) -> None:
        """Deliver from the database the events that never arrived through the channel layer.

        A publish can fail (Redis stalled or restarted empty: the author still got the
        acknowledgement) and a message can be lost in transit; the clients only notice a gap
        when a later event arrives, which may be never. So once a second each hub compares
        the last event number it wrote to its sockets with each room's number in the
        database; a gap still open after CATCH_UP_AFTER is filled from the stored events, in
        order, through the room's writer, and the hub joins its groups again. Clients ignore
        an event number they already have, so a late original costs nothing."""
        if not self._distributed() or not self.rooms:
            return
        from channels.db import database_sync_to_async

        from peerassist.live.selectors import events_since, room_last_seqs

        rooms = list(self.rooms)
        latest = await database_sync_to_async(room_last_seqs)(assist_ids=rooms)
        now = time.monotonic()
        missed = 0
        for assist_id in rooms:
            last = latest.get(assist_id, 0)
            seen = self.delivered.get(assist_id)
            if seen is None:  # sockets that join get the state or a replay themselves
                self.delivered[assist_id] = last
                continue
            gap = self.behind.get(assist_id)
            if seen >= last:
                self.behind.pop(assist_id, None)
                continue
            if gap is None or seen >= gap[0]:
                self.behind[assist_id] = (last, now)  # may still be in flight: look again
                continue
            if now - gap[1] < CATCH_UP_AFTER:
                continue
            self.behind.pop(assist_id, None)
            found = await database_sync_to_async(events_since)(assist_id=assist_id, seq=seen)
            if found is None:  # too far behind: the newest alone makes clients resync
                found = await database_sync_to_async(events_since)(
                    assist_id=assist_id, seq=last - 1
                )
            for event in found or []:
                missed += 1
                caught: RoomEventMessage = {
                    "type": "room.event",
                    "assist_id": assist_id,
                    "event": event,
                }
                await self.deliver_soon(caught)
            logger.warning(
                "live hub: %s event(s) of room %s never arrived through the channel layer; "
                "delivered from the database",
                len(found or []),
                assist_id,
            )
        if missed or now - self.subscribed_at > RESUBSCRIBE_EVERY:
            await self._resubscribe()

    async def _resubscribe(self) -> None:
        """Renew this hub's group memberships (idempotent in Redis)."""
        layer = get_channel_layer()
        if layer is None or self.channel is None:
            return
        self.subscribed_at = time.monotonic()
        await layer.group_add(events.HUBS_GROUP, self.channel)
        for assist_id in list(self.rooms):
            await layer.group_add(events.room_group(assist_id), self.channel)

    async def join(self, socket: RoomSocket) -> None:
        if self.ticker is None or self.ticker.done():
            self.ticker = hub_task(self._tick())
        sockets = self.rooms.setdefault(socket.assist_id, set())
        first = not sockets
        sockets.add(socket)
        self.senders.open(socket)
        self.collector.changed(joined=True)
        if first and self._distributed():
            await self._ensure_receiver()
            layer = get_channel_layer()
            assert layer is not None and self.channel is not None  # noqa: S101
            await layer.group_add(events.room_group(socket.assist_id), self.channel)
        self._announce_soon(socket.assist_id)

    async def leave(self, socket: RoomSocket) -> None:
        if self.senders.close(socket):
            self.collector.changed(joined=False)
        sockets = self.rooms.get(socket.assist_id)
        if not sockets:
            return
        sockets.discard(socket)
        if sockets:
            self._announce_soon(socket.assist_id)
        else:
            del self.rooms[socket.assist_id]
            self.presence.forget(socket.assist_id)
            self.snapshots.drop(socket.assist_id)
            self.delivered.pop(socket.assist_id, None)
            self.behind.pop(socket.assist_id, None)
            self._announce_soon(socket.assist_id)  # others drop this process's entries
            layer = get_channel_layer()
            if self.channel and self._distributed() and layer is not None:
                await layer.group_discard(events.room_group(socket.assist_id), self.channel)

    async def _ensure_receiver(self) -> None:
        if self.receiver is not None and not self.receiver.done():
            return
        layer = get_channel_layer()
        assert layer is not None  # noqa: S101
        self.channel = await layer.new_channel("hub.")
        await layer.group_add(events.HUBS_GROUP, self.channel)
        self.receiver = hub_task(self._receive(self.channel))

    async def _receive(self, channel: str) -> None:
        layer = get_channel_layer()
        assert layer is not None  # noqa: S101
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer hiccuped (e.g. Redis restart): keep serving
                logger.exception("live hub could not read from the channel layer")
                await asyncio.sleep(0.5)
                # Redis may have come back empty: join the groups again. Whatever was lost
                # meanwhile, catch_up() fetches from the database.
                with contextlib.suppress(Exception):
                    await self._resubscribe()
                continue
            await self.deliver_soon(message)

    async def deliver_soon(self, raw: Mapping[str, Any]) -> None:
        """Queue a message for the room's writer task and return at once: whoever published
        (a database thread waiting to acknowledge a note) does not wait for the fan-out, and
        one writer per room keeps every socket's events in order."""
        try:
            message = bus_message_parse(raw)
        except UnknownBusMessage:
            logger.exception("live hub dropped a bus message it does not know")
            return
        if message["type"] == "user.close":
            await self._close_user(message["user_id"], message["reason"])
            return
        assist_id = message["assist_id"]
        if assist_id not in self.rooms:
            return
        queue = self.outbox.get(assist_id)
        if queue is None:
            queue = self.outbox[assist_id] = asyncio.Queue()
        writer = self.writers.get(assist_id)
        if writer is None or writer.done():
            self.writers[assist_id] = hub_task(self._write(assist_id, queue))
        queue.put_nowait(message)

    async def _close_user(self, user_id: int, reason: str) -> None:
        """Close this process's sockets of a user whose access just ended, in every room."""
        for sockets in list(self.rooms.values()):
            for socket in list(sockets):
                if socket.user_id == user_id:
                    with contextlib.suppress(Exception):
                        await socket.kick(reason)

    async def _write(
        self,
        assist_id: int,
        queue: asyncio.Queue[RoomEventMessage | RoomPresenceMessage | RoomKick],
    ) -> None:
        while assist_id in self.rooms or not queue.empty():
            try:
                message = await asyncio.wait_for(queue.get(), timeout=30)
            except TimeoutError:
                continue
            await self.deliver(message)
            # Let the sockets' senders write this message before the next one is handed
            # out: a burst of events must not count as a backlog against sockets that
            # read promptly.
            await asyncio.sleep(0)
        self.outbox.pop(assist_id, None)
        self.writers.pop(assist_id, None)

    async def deliver(self, message: RoomEventMessage | RoomPresenceMessage | RoomKick) -> None:
        """Hand one bus message to each of this process's sockets of the room (their own
        queues keep each socket's messages in order)."""
        if message["type"] == "room.presence":
            await self._on_presence(message)
            return
        sockets = list(self.rooms.get(message["assist_id"], ()))
        if not sockets:
            return
        if message["type"] == "room.kick":
            for socket in sockets:
                if socket.person_id == message["person_id"]:
                    self.senders.to_socket(socket, socket.kick)
            return
        event = message["event"]
        self.snapshots.drop(message["assist_id"])  # stale now (its fingerprint says so too)
        # Written even if catch_up already did: clients skip a number they have.
        self.delivered[message["assist_id"]] = max(
            event["seq"], self.delivered.get(message["assist_id"], 0)
        )
        text = json.dumps(event, separators=(",", ":"))  # once for all of this process's sockets
        if event["event"] in PER_SOCKET_EVENTS:
            for socket in sockets:
                self.senders.to_socket(socket, functools.partial(socket.send_event, event, text))
            return
        self.senders.to_all(sockets, text, lambda s: functools.partial(s.send_event, event, text))

    def _local_entries(self, assist_id: int) -> list[PresenceEntry]:
        entries = [s.presence_entry() for s in self.rooms.get(assist_id, ())]
        return [e for e in entries if e is not None]

    def _announce_soon(self, assist_id: int) -> None:
        task = hub_task(self.announce(assist_id))
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def announce(self, assist_id: int) -> None:
        """Tell every process (this one included) who is connected here now, at most about
        four times a second per room, so that 500 people arriving at 9:30 do not cost
        500 × 500 presence messages."""
        if assist_id in self.announcing:
            return
        self.announcing.add(assist_id)
        try:
            await asyncio.sleep(0.25)
        finally:
            self.announcing.discard(assist_id)
        await events.room_publish(
            room_presence(assist_id, PROCESS_ID, self._local_entries(assist_id))
        )

    def presence_view(self, assist_id: int) -> PresenceView:
        """Who this process's sockets of the room were last told is present."""
        return self.presence.view(assist_id)

    def presence_json(self, assist_id: int) -> str:
        """That view as JSON, made once per change of it (each joiner's state has it)."""
        return self.presence.json(assist_id, keep=assist_id in self.rooms)

    async def send_state(self, socket: RoomSocket, text: str, view: PresenceView) -> None:
        """Send a joiner its `state` (`text`, made with the presence `view`) in order with
        what the hub queued for it, and return once it is written (or the socket left).

        The state goes through the socket's own queue, and the changes to presence since
        `view` (read before the state was made, which took a trip to the database thread)
        right behind it, in the same step: every `presence.changed` queued later is a change
        from the view the client then has. One queued before the state reaches the client
        first and is overwritten by the state, so none is lost or applied twice."""
        self.senders.to_socket(socket, functools.partial(socket.send_text, text))
        self._presence_since(socket, view)
        await self.senders.written(socket)

    async def send_presence(self, socket: RoomSocket) -> None:
        """Send a socket the whole presence list, in order with the changes queued for it
        (after a replay, the client's list is older than the changes the hub sends now)."""
        presence: Presence = {
            "type": "presence",
            "presence": self.presence.sorted(socket.assist_id),
        }
        self.senders.to_socket(socket, functools.partial(socket.send_text, json.dumps(presence)))
        await self.senders.written(socket)

    def _presence_since(self, socket: RoomSocket, view: PresenceView) -> None:
        text = changed_text(view, self.presence.view(socket.assist_id))
        if text is not None:
            self.senders.to_socket(socket, functools.partial(socket.send_text, text))

    async def _on_presence(self, message: RoomPresenceMessage) -> None:
        """Merge one process's entries, and send this process's sockets what changed, as
        one text for all of them. From updating the view to queueing its change for every
        socket nothing awaits: a joiner's state is made from one view or the next, never
        from one whose change it is then sent again, or not at all (`send_state`)."""
        assist_id = message["assist_id"]
        if assist_id not in self.rooms:
            return  # no socket here any more (its last one left while this was on its way)
        sender = message["process_id"]
        is_new, text = self.presence.update(assist_id, sender, message["entries"])
        if text is not None:
            self.senders.to_all(
                list(self.rooms.get(assist_id, ())),
                text,
                lambda s: functools.partial(s.send_text, text),
            )
        if is_new and sender != PROCESS_ID:
            # A newcomer process learns about us too; in the background, so that the room's
            # writer does not wait out the announcement's quarter of a second.
            self._announce_soon(assist_id)


hub = Hub()
