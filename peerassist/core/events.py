"""Publishing to live rooms, usable from any app without depending on the live room's code.

A publish goes, once per event, either straight to this process's sockets (in-memory
channel layer: there is only this process) or to the room's channel-layer group, which has
one member per server process (Redis): never one message per client.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any, Literal, TypedDict

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

Delivery = Callable[[Mapping[str, Any]], Awaitable[None]]

logger = logging.getLogger(__name__)

#: A kick or a close must reach the servers, since someone's access has ended and no later
#: event repairs a lost one (unlike room events, which the hubs fetch from the database).
#: A send that fails (Redis stalled or restarting) is tried again after these pauses.
CONTROL_RETRY_DELAYS = (0.2, 0.5, 1.0)

#: Set by the live room's hub when it starts in this process.
local_delivery: Delivery | None = None


def room_group(assist_id: int) -> str:
    return f"room.{assist_id}"


#: Every server process's hub listens here for orders about all its rooms.
HUBS_GROUP = "live.hubs"


# The bus carries one message kind per `type` (all typed in live/events.py). The two that
# lower apps send are built here, since they may not import the live room:


class RoomKick(TypedDict):
    """Close the sockets of one person in one room (removed, declined, projector revoked)."""

    type: Literal["room.kick"]
    assist_id: int
    person_id: int


class UserClose(TypedDict):
    """Close every socket of a user, in every room (their access ended)."""

    type: Literal["user.close"]
    user_id: int
    reason: str


async def room_publish(message: Mapping[str, Any]) -> None:
    """Send a bus message about one room (it has an `assist_id`) to every server process
    serving that room."""
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        if local_delivery is not None:
            await local_delivery(message)
        return
    await layer.group_send(room_group(message["assist_id"]), dict(message))


def room_publish_on_commit(message: Mapping[str, Any]) -> None:
    """Publish once the current transaction has committed: stored before it is broadcast.
    A publish that fails (Redis unreachable) is logged, not raised: the change is committed
    and its author gets the acknowledgement; each server's hub finds a room event in the
    database and delivers it (live/fanout.py, catch-up).

    In a server process the committing thread (the live room's database thread, or a page's
    request thread) hands the message to its event loop's outbox and goes on: it does not
    wait for the loop, busy writing the previous note to 500 sockets, to take it (issue 19:
    that wait held the next note's save and its author's acknowledgement). One outbox per
    loop, emptied by one task in order, keeps the room's events in the order they were
    committed. Elsewhere (a command, the worker) it publishes before returning, as before."""
    transaction.on_commit(lambda: _publish_committed(message), robust=True)


def _publish_committed(message: Mapping[str, Any]) -> None:
    loop = _server_loop()
    if loop is None:
        async_to_sync(room_publish)(message)
        return
    try:
        loop.call_soon_threadsafe(_outbox_put, message)
    except RuntimeError:  # the loop closed meanwhile (the server is stopping)
        async_to_sync(room_publish)(message)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop this thread does synchronous work for (asgiref records it in
    each thread it runs sync code in), or None (no server, or this is the loop's thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return None  # called on the loop itself: async_to_sync refuses, as before
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(local, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() and not loop.is_closed() else None


_outbox: asyncio.Queue[Mapping[str, Any]] | None = None
_outbox_task: asyncio.Task[None] | None = None


def _outbox_put(message: Mapping[str, Any]) -> None:
    """On the loop: queue `message` for the outbox task (started on first use)."""
    global _outbox, _outbox_task
    loop = asyncio.get_running_loop()
    if (
        _outbox is None
        or _outbox_task is None
        or _outbox_task.done()
        or (_outbox_task.get_loop() is not loop)
    ):
        _outbox = asyncio.Queue()
        # A context of its own, not that of the thread that happened to publish first
        # (as live/senders.hub_task does for the hub's tasks).
        _outbox_task = loop.create_task(_outbox_drain(_outbox), context=contextvars.Context())
    _outbox.put_nowait(message)


async def _outbox_drain(queue: asyncio.Queue[Mapping[str, Any]]) -> None:
    while True:
        message = await queue.get()
        try:
            await room_publish(message)
        except Exception:
            logger.exception(
                "could not publish a room event (assist %s); the hubs will fetch it",
                message.get("assist_id"),
            )


def room_kick(*, assist_id: int, person_id: int) -> RoomKick:
    from peerassist.core.metrics import ROOM_EVENTS

    ROOM_EVENTS.labels("control").inc()
    return {"type": "room.kick", "assist_id": assist_id, "person_id": person_id}


def _control_on_commit(send: Callable[[], Awaitable[None]], what: str) -> None:
    """Send a kick or a close once the change has committed, trying again on failure; the
    last failure is logged, not raised (the change has committed; the request that made it
    must not end in an error page)."""

    def run() -> None:
        for delay in (*CONTROL_RETRY_DELAYS, None):
            try:
                async_to_sync(send)()
            except Exception:
                if delay is None:
                    raise
                logger.warning("could not send %s; trying again in %.1f s", what, delay)
                time.sleep(delay)
            else:
                return

    transaction.on_commit(run, robust=True)


def room_kick_on_commit(*, assist_id: int, person_id: int) -> None:
    """Close the person's sockets in the room once the change that ends their part commits."""
    message = room_kick(assist_id=assist_id, person_id=person_id)
    _control_on_commit(partial(room_publish, message), f"room.kick for assist {assist_id}")


async def user_sockets_close(user_id: int, reason: str) -> None:
    """Close every live-room socket of the user, in every room and every server process."""
    message: UserClose = {"type": "user.close", "user_id": user_id, "reason": reason}
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        if local_delivery is not None:
            await local_delivery(message)
        return
    await layer.group_send(HUBS_GROUP, dict(message))


def user_sockets_close_on_commit(*, user_id: int, reason: str) -> None:
    """Close the user's sockets once the change that ends their access has committed (a
    failed publish is logged, not raised: the change itself has committed, and the request
    that made it must not end in an error page)."""
    _control_on_commit(
        partial(user_sockets_close, user_id, reason), f"user.close for user {user_id}"
    )


# --- Domain events: "after this happened" -----------------------------------------------------
#
# A service that changed something other apps care about publishes it by name, inside its
# transaction; an app that cares declares a subscriber in its `subscribers.py` (discovered
# like the periodic jobs), so the lower app never imports the higher one:
#
#     from peerassist.core.events import subscriber
#
#     @subscriber("assist.changed")
#     def resend_calendar(payload): ...
#
# Subscribers run at once, in the publisher's transaction: what they write (deliveries,
# notifications, outbox rows) commits or rolls back with the change itself, and anything
# that leaves the process (mail, HTTP) goes through the outbox after commit.

EventPayload = dict[str, Any]
Subscriber = Callable[[EventPayload], None]

_subscribers: dict[str, list[Subscriber]] = {}
_discovered = False


def subscriber(name: str) -> Callable[[Subscriber], Subscriber]:
    """Register `function` to be called with the payload of every `name` event."""

    def register(function: Subscriber) -> Subscriber:
        registered = _subscribers.setdefault(name, [])
        if function not in registered:
            registered.append(function)
        return function

    return register


def subscribers(name: str) -> list[Subscriber]:
    """The subscribers of `name`, after importing each installed app's `subscribers` module."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("subscribers")
        _discovered = True
    return list(_subscribers.get(name, []))


def publish(name: str, payload: EventPayload) -> None:
    """Tell the subscribers of `name` what happened (call it inside the service's transaction;
    the payload is built by the app that emits the event, from plain JSON-able values)."""
    for function in subscribers(name):
        function(payload)
