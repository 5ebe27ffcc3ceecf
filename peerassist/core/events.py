"""Publishing to live rooms, usable from any app without depending on the live room's code.

A publish goes, once per event, either straight to this process's sockets (in-memory
channel layer: there is only this process) or to the room's channel-layer group, which has
one member per server process (Redis): never one message per client.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

Delivery = Callable[[dict[str, Any]], Awaitable[None]]

#: Set by the live room's hub when it starts in this process.
local_delivery: Delivery | None = None


def room_group(assist_id: int) -> str:
    return f"room.{assist_id}"


def bus_message(
    assist_id: int, payload: dict[str, Any] | None = None, **control: Any
) -> dict[str, Any]:
    """A message on the bus: a JSON text for every socket of the room, or a control order."""
    from peerassist.core.metrics import ROOM_EVENTS

    ROOM_EVENTS.labels(str(payload.get("type", "event")) if payload else "control").inc()
    return {
        "type": "room.message",
        "assist_id": assist_id,
        "text": json.dumps(payload, separators=(",", ":")) if payload is not None else None,
        **control,
    }


async def room_publish(message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        if local_delivery is not None:
            await local_delivery(message)
        return
    await layer.group_send(room_group(message["assist_id"]), message)


#: Every server process's hub listens here for orders about all its rooms.
HUBS_GROUP = "live.hubs"


async def user_sockets_close(user_id: int, reason: str) -> None:
    """Close every live-room socket of the user, in every room and every server process."""
    message = {
        "type": "room.message",
        "assist_id": None,
        "close_user_id": user_id,
        "reason": reason,
    }
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        if local_delivery is not None:
            await local_delivery(message)
        return
    await layer.group_send(HUBS_GROUP, message)


def user_sockets_close_on_commit(*, user_id: int, reason: str) -> None:
    """Close the user's sockets once the change that ends their access has committed."""
    transaction.on_commit(lambda: async_to_sync(user_sockets_close)(user_id, reason))


def room_publish_on_commit(message: dict[str, Any]) -> None:
    """Publish once the current transaction has committed: stored before it is broadcast."""
    transaction.on_commit(lambda: async_to_sync(room_publish)(message))


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
