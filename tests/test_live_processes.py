"""The live room across real server processes: two uvicorn processes sharing a room through a
throw-away Redis, and a server killed mid-session with notes in flight."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import websockets

from tests.harness.app import PEERASSIST, free_port, run_cli, server_env, wait_healthy

SETUP = """
import json
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from peerassist.accounts.models import Membership, Organisation, User
from peerassist.assists.models import PeerAssist
assist = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers")
out = {"assist_id": assist.pk, "sessions": {}}
roles = ["facilitator", "visiting_peer"]
for p in assist.participations.select_related("person").filter(role__in=roles)[:3]:
    user, _ = User.objects.get_or_create(email=p.person.email)
    Membership.objects.get_or_create(
        user=user, organisation=assist.organisation, defaults={"role": "member"}
    )
    p.person.user = user
    p.person.save(update_fields=["user"])
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    out["sessions"].setdefault(p.role, []).append(s.session_key)
print(json.dumps(out))
"""

COUNT = """
import json
from collections import Counter
from peerassist.live.models import Contribution
print(json.dumps(Counter(str(c) for c in Contribution.objects.values_list("client_id", flat=True))))
"""


def _shell(script: str, env: dict[str, str], cwd: Path) -> dict:
    result = subprocess.run(
        [str(PEERASSIST), "shell", "--no-imports", "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(autouse=True)
def _no_stale_running_loop():
    # A sync fixture runs outside any event loop, so a loop that still looks "running" here
    # was left by Playwright's sync API in a browser test that ran too early (one lacked
    # the browser marker that sorts them last); clear it so pytest-asyncio can start ours.
    if asyncio._get_running_loop() is not None:
        asyncio._set_running_loop(None)


@pytest.fixture
def site(tmp_path):
    env = server_env(tmp_path)
    run_cli(["migrate", "--no-input"], env, tmp_path)
    run_cli(["demo", "--quiet"], env, tmp_path)
    return env, tmp_path, _shell(SETUP, env, tmp_path)


@contextmanager
def server(env: dict[str, str], cwd: Path, port: int, name: str) -> Iterator[subprocess.Popen]:
    log = cwd / f"{name}.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(PEERASSIST), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def open_room(port: int, assist_id: int, session: str, last_seq: int = 0):
    socket = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/assists/{assist_id}/",
        additional_headers={"Cookie": f"sessionid={session}"},
        origin=f"http://127.0.0.1:{port}",
        open_timeout=10,
    )
    await socket.send(json.dumps({"type": "hello", "last_seq": last_seq}))
    return socket


async def next_of(socket, wanted: str, timeout: float = 10) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == wanted:
                return message


def post(client_id: str, text: str) -> str:
    return json.dumps(
        {
            "type": "post",
            "client_id": client_id,
            "text": text,
            "kind": "insight",
            "focus_question": None,
            "group_id": None,
            "on_behalf_of": None,
        }
    )


@pytest.mark.asyncio
async def test_two_server_processes_share_one_room_through_redis(site, redis_url):
    env, tmp, setup = site
    env = {**env, "REDIS_URL": redis_url}
    facilitator = setup["sessions"]["facilitator"][0]
    visitor = setup["sessions"]["visiting_peer"][0]
    port_a, port_b = free_port(), free_port()
    with server(env, tmp, port_a, "a"), server(env, tmp, port_b, "b"):
        poster = await open_room(port_a, setup["assist_id"], facilitator)
        listener = await open_room(port_b, setup["assist_id"], visitor)
        await next_of(poster, "state")
        await next_of(listener, "state")
        client_id = str(uuid.uuid4())
        await poster.send(post(client_id, "Posted on process A"))
        ack = await next_of(poster, "ack")
        event = await next_of(listener, "event")
        assert event["event"] == "contribution.created"
        assert event["data"]["client_id"] == client_id == ack["client_id"]
        assert event["data"]["text"] == "Posted on process A"
        await poster.close()
        await listener.close()


@pytest.mark.asyncio
async def test_killing_the_server_loses_no_acknowledged_note_and_duplicates_none(site):
    env, tmp, setup = site
    facilitator = setup["sessions"]["facilitator"][0]
    port = free_port()
    notes = {str(uuid.uuid4()): f"note {i}" for i in range(30)}
    acked: set[str] = set()
    with server(env, tmp, port, "first") as proc:
        socket = await open_room(port, setup["assist_id"], facilitator)
        await next_of(socket, "state")
        for client_id, text in notes.items():
            await socket.send(post(client_id, text))
        # Take a few acknowledgements, then kill the server with the rest in flight.
        while len(acked) < 8:
            acked.add((await next_of(socket, "ack"))["client_id"])
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with pytest.raises((websockets.ConnectionClosed, OSError, TimeoutError)):
            while True:
                message = json.loads(await asyncio.wait_for(socket.recv(), 5))
                if message["type"] == "ack":
                    acked.add(message["client_id"])
    stored_after_crash = _shell(COUNT, env, tmp)
    assert acked <= set(stored_after_crash), "an acknowledged note was lost"

    with server(env, tmp, port, "second"):
        # The client resends everything it has no ack for (and, to be sure, a few it has).
        socket = await open_room(port, setup["assist_id"], facilitator)
        await next_of(socket, "state")
        resend = [c for c in notes if c not in acked] + sorted(acked)[:3]
        for client_id in resend:
            await socket.send(post(client_id, notes[client_id]))
        for _ in resend:
            acked.add((await next_of(socket, "ack"))["client_id"])
        await socket.close()

    stored = _shell(COUNT, env, tmp)
    ours = {c: n for c, n in stored.items() if c in notes}
    assert set(ours) == set(notes), "a note was lost"
    assert set(ours.values()) == {1}, "a note was stored twice"
