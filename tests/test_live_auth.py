# ruff: noqa: F811 - room_setup is the shared fixture imported from test_live_consumer
"""Who a live-room socket is comes from the session cookie alone, read in the join's one trip
to the database thread (live/auth.py, live/joining.py), through the real ASGI application."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

from peerassist.assists.models import Role
from tests.test_live_consumer import receive_type, room_setup  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOST = b"127.0.0.1:8000"


def _session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


async def _open(assist, cookie: str | None):
    from peerassist.asgi import application

    headers = [(b"host", HOST), (b"origin", b"http://" + HOST)]
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/assists/{assist.pk}/", headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


@override_settings(ALLOWED_HOSTS=["127.0.0.1"])
@pytest.mark.asyncio
async def test_the_session_cookie_says_who_joins(room_setup):
    assist, people = room_setup
    key = await sync_to_async(_session_for)(people[Role.VISITING_PEER])
    communicator, connected, _code = await _open(assist, key)
    assert connected
    await communicator.send_json_to({"type": "hello", "last_seq": 0})
    state = await receive_type(communicator, "state")
    assert state["me"]["role"] == Role.VISITING_PEER
    await communicator.disconnect()


@override_settings(ALLOWED_HOSTS=["127.0.0.1"])
@pytest.mark.asyncio
async def test_no_unknown_or_stale_session_gets_in(room_setup):
    assist, people = room_setup
    user = people[Role.HOME_PEER]
    stale = await sync_to_async(_session_for)(user)

    @sync_to_async
    def change_password():
        user.set_password("a new password 4 the test")
        user.save()

    await change_password()  # the session's auth hash no longer verifies
    for cookie in (None, "", "no-such-session", stale):
        _communicator, connected, code = await _open(assist, cookie)
        assert (connected, code) == (False, 4403), cookie
