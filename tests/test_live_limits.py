# ruff: noqa: F811 - room_setup is the shared fixture imported from test_live_consumer
"""The live room's Origin check (scheme, host and port) and its connection and message limits,
over real WebSockets (channels' WebsocketCommunicator on the ASGI application)."""

import logging

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from peerassist.assists.models import Role
from peerassist.live.fanout import hub
from peerassist.live.limits import CLOSE_LIMIT
from peerassist.live.origin import origin_allowed, parse_origin
from tests.test_live_consumer import connect, joined, post, receive_type, room_setup  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def handshake(assist, *, host: bytes, origin: bytes | None, scheme="ws"):
    """Open the real ASGI application's socket; returns (connected, close code)."""
    from peerassist.asgi import application

    headers = [(b"host", host)] + ([(b"origin", origin)] if origin is not None else [])
    communicator = WebsocketCommunicator(application, f"/ws/assists/{assist.pk}/", headers)
    communicator.scope["scheme"] = scheme
    connected, code = await communicator.connect()
    await communicator.disconnect()
    return connected, code


# No session cookie: an allowed origin reaches the room, which refuses with 4403; a refused
# origin is turned away at the handshake (channels closes it before the room sees it).
ORIGINS = [
    (b"127.0.0.1:8000", b"http://127.0.0.1:8000", "ws", 4403),
    (b"127.0.0.1:8000", b"http://127.0.0.1:9999", "ws", None),  # same host, other port
    (b"127.0.0.1:8000", b"https://127.0.0.1:8000", "ws", None),  # other scheme
    (b"127.0.0.1:8000", b"http://127.0.0.1", "ws", None),  # default port 80 is another port
    (b"localhost:8000", b"http://127.0.0.1:8000", "ws", 4403),  # SITE_URL's origin
    (b"localhost:8000", b"http://localhost:8001", "ws", None),
    (b"example.org", b"https://example.org", "wss", 4403),
    (b"example.org", b"https://example.org:443", "wss", 4403),
    (b"example.org", b"http://example.org", "wss", None),
    (b"evil.example", b"http://evil.example", "ws", None),  # a Host not in ALLOWED_HOSTS
    (b"127.0.0.1:8000", None, "ws", None),  # no Origin at all
    (b"127.0.0.1:8000", b"null", "ws", None),
]


@override_settings(ALLOWED_HOSTS=["127.0.0.1", "localhost", "example.org"])
@pytest.mark.parametrize(("host", "origin", "scheme", "expected"), ORIGINS)
@pytest.mark.asyncio
async def test_origin_must_match_scheme_host_and_port(room_setup, host, origin, scheme, expected):
    assist, _ = room_setup
    connected, code = await handshake(assist, host=host, origin=origin, scheme=scheme)
    assert connected is False
    if expected is None:
        assert code != 4403, "a foreign origin must be refused before the room sees it"
    else:
        assert code == expected


@override_settings(
    ALLOWED_HOSTS=["peerassist.example.org"],
    WEBSOCKET_ALLOWED_ORIGINS=["https://app.example.org:8443"],
)
def test_listed_origins_are_allowed_with_their_exact_port():
    scope = {"headers": [(b"host", b"peerassist.example.org"), (b"origin", b"")], "scheme": "ws"}

    def allowed(origin: bytes) -> bool:
        return origin_allowed({**scope, "headers": [scope["headers"][0], (b"origin", origin)]})

    assert allowed(b"https://app.example.org:8443")
    assert not allowed(b"https://app.example.org")
    assert not allowed(b"http://app.example.org:8443")


def test_origins_are_compared_with_default_ports_and_case_folded():
    assert parse_origin("HTTPS://Example.ORG") == ("https", "example.org", 443)
    assert parse_origin("http://[::1]:8000") == ("http", "::1", 8000)
    assert parse_origin("ftp://example.org") is None
    assert parse_origin("http://example.org:99999") is None


@pytest.mark.asyncio
async def test_one_users_21st_socket_is_refused_with_a_reason(room_setup, caplog):
    assist, people = room_setup
    user = people[Role.VISITING_PEER]
    sockets = []
    for _ in range(20):
        communicator, connected, _code = await connect(assist, user)
        assert connected
        sockets.append(communicator)
    with caplog.at_level(logging.WARNING, logger="peerassist.live.consumers"):
        extra, connected, _code = await connect(assist, user)
        error = await extra.receive_json_from(timeout=3)
        closed = await extra.receive_output(timeout=3)
    assert error["type"] == "error" and error["code"] == "too_many_connections"
    assert "20" in error["message"]
    assert closed == {"type": "websocket.close", "code": CLOSE_LIMIT, "reason": error["code"]}
    assert "too_many_connections" in caplog.text

    # Another person is not affected, and a closed window frees a place.
    other, connected, _code = await connect(assist, people[Role.HOME_PEER])
    assert connected
    await other.disconnect()
    await sockets.pop().disconnect()
    again, connected, _code = await connect(assist, user)
    assert connected
    await again.send_json_to({"type": "ping"})
    assert (await receive_type(again, "pong"))["type"] == "pong"
    for communicator in [*sockets, again]:
        await communicator.disconnect()
    # Every place is given back (other tests' sockets may still be counted in this process).
    assert user.pk not in hub.sockets_of_user and assist.pk not in hub.sockets_in_room


@override_settings(LIVE_MAX_SOCKETS_PER_ROOM=2)
@pytest.mark.asyncio
async def test_a_full_room_refuses_the_next_socket(room_setup):
    assist, people = room_setup
    first = await joined(assist, people[Role.HOME_PEER])
    second = await joined(assist, people[Role.FACILITATOR])
    third, _connected, _code = await connect(assist, people[Role.VISITING_PEER])
    error = await third.receive_json_from(timeout=3)
    assert error["code"] == "room_full"
    assert (await third.receive_output(timeout=3))["code"] == CLOSE_LIMIT
    for communicator in (first, second):
        await communicator.disconnect()


@override_settings(LIVE_MAX_SOCKETS_PER_ROOM=1)
@pytest.mark.asyncio
async def test_a_full_room_tells_only_someone_allowed_in_that_it_is_full(room_setup):
    """The limits are counted before the database is asked who the socket is (one trip per
    join); a socket a limit refuses is asked then, so an outsider learns nothing of the room:
    no `room_full`, the same 4403 as when the room has space."""
    from asgiref.sync import sync_to_async

    from peerassist.accounts.models import Membership
    from tests.factories import UserFactory

    assist, people = room_setup

    @sync_to_async
    def outsider():
        user = UserFactory(email="outsider@live.test")
        Membership.objects.create(user=user, organisation=assist.organisation, role="member")
        return user

    stranger = await outsider()
    first = await joined(assist, people[Role.HOME_PEER])
    for user in (stranger, None):
        _refused, connected, code = await connect(assist, user)
        assert (connected, code) == (False, 4403)
    assert hub.sockets_in_room[assist.pk] == 1  # the refused sockets were counted out again
    member = await connect(assist, people[Role.VISITING_PEER])
    assert (await member[0].receive_json_from(timeout=3))["code"] == "room_full"
    await first.disconnect()


@override_settings(LIVE_USER_MESSAGE_BURST=5, LIVE_USER_MESSAGES_PER_SECOND=0.01)
@pytest.mark.asyncio
async def test_messages_are_limited_per_user_across_all_their_sockets(room_setup, caplog):
    from peerassist.live.models import Contribution

    assist, people = room_setup
    user = people[Role.FACILITATOR]
    windows = [await joined(assist, user) for _ in range(3)]
    for window in windows:
        await receive_type(window, "state")  # each hello took one of the five
    answers = []
    with caplog.at_level(logging.WARNING, logger="peerassist.live.consumers"):
        for window in windows:
            for i in range(2):
                await window.send_json_to(post(f"note {i}", kind="insight"))
                answer = await window.receive_json_from(timeout=3)
                while answer["type"] not in ("ack", "error"):
                    answer = await window.receive_json_from(timeout=3)
                answers.append(answer)
    assert [a["type"] for a in answers] == ["ack", "ack", "error", "error", "error", "error"]
    errors = answers[2:]
    assert {e["code"] for e in errors} == {"rate_limited"}
    assert "across your open windows" in errors[0]["message"]
    assert await Contribution.objects.filter(assist=assist).acount() == 2
    assert caplog.text.count("rate-limited (user)") == 2, caplog.text  # once per socket
    # Pings are never limited: the socket stays alive.
    await windows[2].send_json_to({"type": "ping"})
    assert (await receive_type(windows[2], "pong"))["type"] == "pong"
    for window in windows:
        await window.disconnect()
