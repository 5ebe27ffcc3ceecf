"""The production stack on loopback, as deploy/ describes it (tests/harness/stack.py): nginx
with deploy/nginx.conf in front of two `peerassist serve` processes, the worker, PostgreSQL
and Redis. A Peer Assist is run through nginx from start to end: planned and invited over the
API (the worker sends the invitations), held in the live room by 50 sockets split across both
servers, one server killed with SIGKILL mid-session (its clients reconnect through nginx to
the other one; no acknowledged note is lost and none is stored twice) and restarted, then
concluded, written up, published and exported."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import websockets

from tests.harness.postgres import ServiceUnavailable
from tests.harness.stack import Stack, get, running_stack, ssl_context
from tests.test_live_processes import COUNT, post

pytestmark = pytest.mark.stack

CLIENTS = 50
NOTES_PER_CLIENT = 4
RECONNECT_ATTEMPTS = 8
TITLE = "Stack test: moving the call centre to the cloud"

# Run in `peerassist shell` on the stack's database: API tokens for the organiser and for a
# facilitator (a person of the demo who gets an account), and the people to invite.
SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from peerassist.accounts import services
from peerassist.accounts.models import Membership, User
from peerassist.assists.models import Format
from peerassist.people.models import Person
organiser = User.objects.get(email="organiser@meridian.example")
org = Membership.objects.filter(user=organiser).first().organisation
people = list(
    Person.objects.filter(organisation=org, is_external=False, user__isnull=True)
    .exclude(email="").order_by("pk")[:4]
)
facilitator = people[0]
user = User.objects.create(email=facilitator.email)
Membership.objects.create(user=user, organisation=org, role="member")
facilitator.user = user
facilitator.save(update_fields=["user"])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
def token(owner):
    return services.api_token_create(user=owner, organisation=org, name="stack test").raw
print(json.dumps({
    "organiser_token": token(organiser),
    "facilitator_token": token(user),
    "facilitator_session": session.session_key,
    "facilitator_id": facilitator.pk,
    "peers": [{"id": p.pk, "email": p.email} for p in people[1:]],
    "format_id": Format.objects.get(organisation=None, kind="four_part").pk,
}))
"""


def say(message: str) -> None:
    """Progress on stderr: pytest shows it when the test fails, with the time of each step."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@pytest.fixture
def stack(tmp_path, production_static) -> Iterator[Stack]:
    extra = {
        # 50 tabs of one participant stand for 50 people: lift the per-person limits (also
        # for the attempts a client gave up on while a busy server was still counting them).
        "LIVE_MAX_SOCKETS_PER_USER": "1000",
        "LIVE_USER_MESSAGE_BURST": "1000",
        "LIVE_USER_MESSAGES_PER_SECOND": "1000",
    }
    try:
        with running_stack(tmp_path, static_root=production_static, env_extra=extra) as stack:
            yield stack
    except ServiceUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the stack test needs it: {exc}")
        pytest.skip(str(exc))


class Api:
    """The JSON API through nginx over TLS, as an integration would call it."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        status, content = self.raw(method, path, body)
        assert 200 <= status < 300, f"{method} {path}: {status} {content[:2000]!r}"
        return json.loads(content)

    def raw(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 (always https://127.0.0.1)
            f"{self.base}/api/v1{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            context = ssl_context()
            with urllib.request.urlopen(request, timeout=120, context=context) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def plan_and_invite(stack: Stack, setup: dict[str, Any]) -> int:
    """Plan a new assist and invite its people over the API; it goes live."""
    api = Api(stack.https, setup["organiser_token"])
    created = api.call("POST", "/assists/", {"title": TITLE, "format_id": setup["format_id"]})
    assist_id = int(created["assist"]["id"])
    api.call(
        "POST",
        f"/assists/{assist_id}/participations",
        {"person_id": setup["facilitator_id"], "role": "facilitator"},
    )
    for peer in setup["peers"]:
        api.call(
            "POST",
            f"/assists/{assist_id}/participations",
            {"person_id": peer["id"], "role": "visiting_peer"},
        )
    starts = (datetime.now(UTC) + timedelta(days=14)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    api.call(
        "PATCH",
        f"/assists/{assist_id}",
        {
            "business_context": "Customer Services moves its call centre to a cloud platform.",
            "challenge": "Moving 300 agents without a day of lost calls.",
            "planned_approach": "Two pilot teams first, then the rest in waves.",
            "desired_outcome": "What to change in the plan before the contract is signed.",
            "focus_questions": ["What would you do differently if you started again?"],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "decision_date": (starts + timedelta(days=30)).date().isoformat(),
            "place": "Room 4.2, Head Office",
        },
    )
    assert api.call("POST", f"/assists/{assist_id}/transition", {"status": "planned"})
    api.call("POST", f"/assists/{assist_id}/transition", {"status": "invited"})
    people = [p["person"]["id"] for p in api.call("GET", f"/assists/{assist_id}/participations")]
    sent = api.call("POST", f"/assists/{assist_id}/invitations", {"person_ids": people})
    assert len(sent) == len(people) == 2 + len(setup["peers"])  # with the organiser
    api.call("POST", f"/assists/{assist_id}/transition", {"status": "live"})
    return assist_id


def conclude_write_up_export(stack: Stack, setup: dict[str, Any], assist_id: int) -> None:
    facilitator = Api(stack.https, setup["facilitator_token"])
    concluded = facilitator.call("POST", f"/assists/{assist_id}/conclude")
    assert concluded["status"] == "concluded"
    writeup = facilitator.call("GET", f"/assists/{assist_id}/writeup")
    assert writeup["status"] == "draft"
    assert TITLE in writeup["body"]
    published = facilitator.call("POST", f"/assists/{assist_id}/writeup/publish", {})
    assert published["status"] == "published"
    status, pdf = facilitator.raw("GET", f"/assists/{assist_id}/writeup/export?format=pdf")
    assert status == 200
    assert pdf.startswith(b"%PDF-")
    status, markdown = facilitator.raw("GET", f"/assists/{assist_id}/writeup/export?format=md")
    assert status == 200
    assert TITLE in markdown.decode()


def wait_for_log(stack: Stack, name: str, texts: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = stack.log(name)
        if all(text in log for text in texts):
            return
        time.sleep(1)
    missing = [text for text in texts if text not in stack.log(name)]
    raise AssertionError(f"{name} did not log {missing} within {timeout:.0f} s")


def websockets_per_server(stack: Stack) -> dict[str, float]:
    counts = {}
    for name in ("a", "b"):
        status, _headers, body = get(f"http://127.0.0.1:{stack.ports[name]}/metrics")
        assert status == 200
        line = next(
            line
            for line in body.decode().splitlines()
            if line.startswith("peerassist_websocket_connections ")
        )
        counts[name] = float(line.split()[1])
    return counts


class Client:
    """One participant's tab: posts notes, keeps those not acknowledged, reconnects."""

    def __init__(self, url: str, origin: str, session: str, index: int) -> None:
        self.url, self.origin, self.session, self.index = url, origin, session, index
        self.notes = {str(uuid.uuid4()): f"note {index}.{n}" for n in range(NOTES_PER_CLIENT)}
        self.acked: set[str] = set()
        self.socket: websockets.ClientConnection | None = None
        self.last_seq = 0
        self.reconnects = 0

    async def connect(self) -> None:
        self.socket = await websockets.connect(
            self.url,
            additional_headers={"Cookie": f"sessionid={self.session}"},
            origin=self.origin,
            ssl=ssl_context(),
            open_timeout=60,  # after the kill, 25 sockets reconnect to one busy server
            close_timeout=5,
            ping_interval=None,  # a busy test machine must not time the client out
            # Every tab receives every note of the room (200 events): never pause reading
            # (websockets stops reading after 16 unread frames, and a paused socket cannot
            # see the server's close frame, so closing it would wait for the timeout).
            max_queue=None,
        )
        await self.socket.send(json.dumps({"type": "hello", "last_seq": self.last_seq}))

    async def send_pending(self, first: int | None = None) -> None:
        assert self.socket is not None
        pending = [c for c in self.notes if c not in self.acked]
        for client_id in pending[:first]:
            await self.socket.send(post(client_id, self.notes[client_id]))

    async def read_acks(self, wanted: int, timeout: float) -> None:
        assert self.socket is not None
        async with asyncio.timeout(timeout):
            while len(self.acked) < wanted:
                message = json.loads(await self.socket.recv())
                if message["type"] == "ack":
                    self.acked.add(message["client_id"])
                elif message["type"] == "event":
                    self.last_seq = max(self.last_seq, message["seq"])
                elif message["type"] == "state":
                    self.last_seq = message["seq"]
                elif message["type"] == "error":
                    raise AssertionError(f"client {self.index}: {message}")

    async def settle(self) -> None:
        """Wait for every ack; when the socket died, reconnect and resend, as the page does
        (after a random pause of up to 2 s, so that the reconnections do not all come at once)."""
        try:
            await self.read_acks(NOTES_PER_CLIENT, timeout=30)
            return
        except (websockets.ConnectionClosed, TimeoutError, OSError):
            pass
        for attempt in range(RECONNECT_ATTEMPTS):
            await asyncio.sleep(random.uniform(0, 2))
            try:
                self.reconnects += 1
                await self.connect()
                await self.send_pending()
                await self.read_acks(NOTES_PER_CLIENT, timeout=90)
                return
            except (websockets.ConnectionClosed, websockets.InvalidStatus, TimeoutError, OSError):
                if attempt == RECONNECT_ATTEMPTS - 1:
                    raise

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()


async def live_session_with_a_crash(stack: Stack, setup: dict[str, Any], assist_id: int) -> None:
    url = f"wss://127.0.0.1:{stack.ports['https']}/ws/assists/{assist_id}/"
    clients = [Client(url, stack.https, setup["facilitator_session"], i) for i in range(CLIENTS)]
    for client in clients:  # one after the other: nginx's round robin alternates servers
        await client.connect()
    per_server = await asyncio.to_thread(websockets_per_server, stack)
    say(f"{CLIENTS} sockets open, per server: {per_server}")
    assert per_server["a"] > 0, per_server  # both servers took some of the 50 sockets
    assert per_server["b"] > 0, per_server

    # Half the notes acknowledged; the rest in flight when server A is killed.
    await asyncio.gather(*(c.send_pending(first=2) for c in clients))
    await asyncio.gather(*(c.read_acks(2, timeout=60) for c in clients))
    say("first half of the notes acknowledged")
    await asyncio.gather(*(c.send_pending() for c in clients))
    stack.procs["a"].send_signal(signal.SIGKILL)
    await asyncio.to_thread(stack.procs["a"].wait, 10)
    say("server a killed")

    await asyncio.gather(*(c.settle() for c in clients))
    say(f"every note acknowledged; {sum(c.reconnects > 0 for c in clients)} clients reconnected")
    await asyncio.gather(*(c.close() for c in clients))

    stored = await asyncio.to_thread(stack.shell, COUNT)
    reconnected = 0
    for client in clients:
        assert client.acked == set(client.notes)
        ours = {c: stored.get(c, 0) for c in client.notes}
        assert 0 not in ours.values(), f"client {client.index}: an acknowledged note was lost"
        assert set(ours.values()) == {1}, f"client {client.index}: a note was stored twice"
        reconnected += client.reconnects > 0
    # The clients of the killed server came back through nginx (to server B).
    assert reconnected > 0


#: Loopback, but not nginx's 127.0.0.1: the address the servers must see for this client.
OTHER_CLIENT = "127.0.0.2"


def request_from_another_address(stack: Stack) -> None:
    """A browser at OTHER_CLIENT, claiming to be 203.0.113.9 in its own X-Forwarded-For."""
    import http.client

    connection = http.client.HTTPSConnection(
        "127.0.0.1",
        stack.ports["https"],
        source_address=(OTHER_CLIENT, 0),
        context=ssl_context(),
        timeout=30,
    )
    try:
        connection.request(
            "GET", "/accounts/login/?from=other-client", headers={"X-Forwarded-For": "203.0.113.9"}
        )
        assert connection.getresponse().status == 200
    finally:
        connection.close()


@pytest.mark.asyncio
async def test_a_peer_assist_through_nginx_survives_a_server_killed_mid_session(stack):
    # Probes: plain HTTP by IP is answered; everything else is sent to HTTPS.
    assert (await asyncio.to_thread(get, f"{stack.http}/healthz"))[0] == 200
    status, headers, _body = await asyncio.to_thread(get, f"{stack.http}/")
    assert status == 301
    assert headers["Location"].startswith("https://")
    status, _headers, body = await asyncio.to_thread(get, f"{stack.https}/readyz")
    assert status == 200, body
    assert set(json.loads(body)["checks"]) == {"database", "migrations", "redis", "static"}
    # Static files come through nginx with their hashed names.
    status, _headers, page = await asyncio.to_thread(get, f"{stack.https}/accounts/login/")
    assert status == 200
    stylesheet = page.decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert (await asyncio.to_thread(get, f"{stack.https}{stylesheet}"))[0] == 200

    # The client's own address reaches the servers through nginx; one it claims does not.
    await asyncio.to_thread(request_from_another_address, stack)
    logs = stack.log("a") + stack.log("b")
    assert f'{OTHER_CLIENT}:0 - "GET /accounts/login/?from=other-client' in logs, logs[-3000:]
    assert "203.0.113.9" not in logs

    setup = await asyncio.to_thread(stack.shell, SETUP)
    assist_id = await asyncio.to_thread(plan_and_invite, stack, setup)
    say(f"assist {assist_id} planned, invited and live")
    # The worker sends the invitations after the requests committed.
    await asyncio.to_thread(wait_for_log, stack, "worker", [p["email"] for p in setup["peers"]])
    say("the worker sent the invitations")

    async with asyncio.timeout(900):
        await live_session_with_a_crash(stack, setup, assist_id)

    # Server A comes back and is ready for traffic again; nginx uses it again.
    await asyncio.to_thread(stack.serve, "a")
    status, _headers, body = await asyncio.to_thread(
        get, f"http://127.0.0.1:{stack.ports['a']}/readyz"
    )
    assert status == 200, body
    say("server a restarted")

    await asyncio.to_thread(conclude_write_up_export, stack, setup, assist_id)
    say("concluded, published and exported")
