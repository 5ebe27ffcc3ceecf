"""WebSocket authentication by the session cookie, read once at connect.

Channels' AuthMiddlewareStack wraps every outgoing frame to save a changed session; the
room never changes the session, and at 500 sockets that wrapper is a measurable part of
each broadcast (bench/live_fanout.py), so this middleware only reads. It does not even read
the session: it passes its key on (`scope["session_key"]`), and the room reads the session,
its user and who that user is in the room in one trip to the database thread
(`live/joining.py`): channels runs a process's database calls on that one thread, so when
500 people open the room at once they queue there, and each trip counts.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest
from django.http.cookie import parse_cookie


def session_user(key: str) -> Any:
    """The user of the session with this key: AnonymousUser if there is no such session, it
    names no one, or it no longer verifies. Database thread."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore(key)
    # Django's own check, as a page request does (the session's auth hash, fallback keys).
    request = HttpRequest()
    request.session = session
    return get_user(request)


class SessionAuthMiddleware(BaseMiddleware):  # type: ignore[misc]  # channels is untyped
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope)
        cookies: dict[str, str] = {}
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookies = parse_cookie(value.decode("latin1"))
                break
        key = cookies.get(settings.SESSION_COOKIE_NAME)
        scope.pop("user", None)  # only the session says who this is
        scope["session_key"] = key or ""
        return await super().__call__(scope, receive, send)
