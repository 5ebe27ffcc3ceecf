"""The live room's limits: sockets per user and per room, messages per user.

They are counted in this server process's hub (no awaits between check and count, so
sockets connecting at the same moment cannot both take the last place); with several
server processes each one applies them to its own sockets.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _


class Hub(Protocol):
    """What the limits keep in the process's hub (live/fanout.py)."""

    sockets_of_user: dict[int, int]
    sockets_in_room: dict[int, int]
    user_buckets: dict[int, tuple[float, float]]


#: Close code for a socket refused by a limit (the client does not reconnect by itself).
CLOSE_LIMIT = 4429


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    limit: int


def admit(hub: Hub, *, user_id: int | None, assist_id: int) -> Refusal | None:
    """Count a new socket in, or say which limit refuses it."""
    per_user: int = settings.LIVE_MAX_SOCKETS_PER_USER
    per_room: int = settings.LIVE_MAX_SOCKETS_PER_ROOM
    if user_id is not None and hub.sockets_of_user.get(user_id, 0) >= per_user:
        return Refusal(
            "too_many_connections",
            _(
                "You already have %(n)d live room windows open, the most one person may "
                "have. Close one of them, then reload this page."
            )
            % {"n": per_user},
            per_user,
        )
    if hub.sockets_in_room.get(assist_id, 0) >= per_room:
        return Refusal(
            "room_full",
            _(
                "This room already has %(n)d connections, the most it takes. Try again in "
                "a moment, or ask the facilitator."
            )
            % {"n": per_room},
            per_room,
        )
    if user_id is not None:
        hub.sockets_of_user[user_id] = hub.sockets_of_user.get(user_id, 0) + 1
    hub.sockets_in_room[assist_id] = hub.sockets_in_room.get(assist_id, 0) + 1
    return None


def release(hub: Hub, *, user_id: int | None, assist_id: int) -> None:
    """Count a socket admitted by `admit` out again."""
    if user_id is not None:
        left = hub.sockets_of_user.get(user_id, 0) - 1
        if left > 0:
            hub.sockets_of_user[user_id] = left
        else:
            hub.sockets_of_user.pop(user_id, None)
            hub.user_buckets.pop(user_id, None)
    left = hub.sockets_in_room.get(assist_id, 0) - 1
    if left > 0:
        hub.sockets_in_room[assist_id] = left
    else:
        hub.sockets_in_room.pop(assist_id, None)


def take_user_token(hub: Hub, *, user_id: int | None) -> bool:
    """One message from `user_id`, across all their sockets: a burst, then a steady rate."""
    if user_id is None:
        return True
    burst = float(settings.LIVE_USER_MESSAGE_BURST)
    rate = float(settings.LIVE_USER_MESSAGES_PER_SECOND)
    now = time.monotonic()
    tokens, refilled = hub.user_buckets.get(user_id, (burst, now))
    tokens = min(burst, tokens + (now - refilled) * rate)
    if tokens < 1:
        hub.user_buckets[user_id] = (tokens, now)
        return False
    hub.user_buckets[user_id] = (tokens - 1, now)
    return True
