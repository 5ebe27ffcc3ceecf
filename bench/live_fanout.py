"""How fast does the live room fan a note out to everyone in the room? One room, N listening
clients, one poster (the facilitator) posting 10 notes/s of 200-byte texts; for every note
and every listener, the time from the poster's send to the listener's receipt of the
`contribution.created` event. Prints p50/p99/max, lost and duplicated deliveries, and the
same figures for the baseline measured in the same run: a bare `websockets` server that
relays each post to every connected client. Also runs peerassist as two server processes
sharing the room through Redis (listeners split across both, the poster on the first).

    python bench/live_fanout.py            # N = 50, 200, 500 listeners, 10 s of posting each
    python bench/live_fanout.py --quick    # N = 50, 100, 3 s each (CI: fails only on lost,
                                           # duplicated notes or a crash, never on speed)
    python bench/live_fanout.py --listeners 1000 --seconds 20 --setups bare,one
    python bench/live_fanout.py --profile /tmp/prof   # py-spy each server while posting

Exit status: 0 when every note reached every listener exactly once, 1 when notes were lost
or duplicated or a run crashed (latency never fails the run), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ASSIST_TITLE = "Flood-season messages for vulnerable customers"
SETUPS = {
    "bare": "bare websockets relay",
    "one": "peerassist, 1 process",
    "redis": "peerassist, 2 processes + Redis",
}
#: Issue 19: p99 as a multiple of the bare relay's p99 at N = 500, at most (wave 1: 2x, 3x).
TARGETS = {"one": 1.5, "redis": 2.0}
CONNECT_BATCH = 25  # listeners connecting at once
SETTLE_QUIET = 0.5  # seconds without traffic before posting starts (presence storm over)
SETTLE_MAX = 30.0
SERVER_START_TIMEOUT = 30.0
STOP_TIMEOUT = 8.0

# Logs the bench's users in without a password: N listeners who are visiting peers of the
# live demo assist, and its facilitator (given an account if the demo person has none).
# Runs inside `peerassist shell`, so it sees exactly the settings the servers will use.
SETUP_SCRIPT = r"""
import json, os
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from peerassist.accounts.models import Membership, User
from peerassist.assists.models import Participation, PeerAssist, Role
from peerassist.people.models import Person

count = int(os.environ["BENCH_LISTENERS"])

def session_key(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

with transaction.atomic():
    assist = PeerAssist.objects.get(title=os.environ["BENCH_ASSIST"], status="live")
    org = assist.organisation
    facilitator = assist.participations.select_related("person").get(role=Role.FACILITATOR).person
    if facilitator.user_id is None:
        facilitator.user = User.objects.create_user(
            "bench-facilitator@bench.test", first_name="Bench", last_name="Facilitator"
        )
        facilitator.save(update_fields=["user"])
    Membership.objects.get_or_create(
        user=facilitator.user, organisation=org, defaults={"role": "member"}
    )
    users = User.objects.bulk_create(
        User(
            email=f"bench-listener-{i}@bench.test",
            first_name="Listener",
            last_name=str(i),
            password=make_password(None),
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role="member") for u in users
    )
    people = Person.objects.bulk_create(
        Person(organisation=org, user=u, name=f"Listener {i}", email=u.email)
        for i, u in enumerate(users)
    )
    Participation.objects.bulk_create(
        Participation(assist=assist, person=p, role=Role.VISITING_PEER, rsvp="accepted")
        for p in people
    )
    result = {
        "assist_id": assist.pk,
        "poster": session_key(facilitator.user),
        "listeners": [session_key(u) for u in users],
    }
print("BENCH-SETUP " + json.dumps(result))
"""


# --- The baseline: a bare websockets relay --------------------------------------------------


async def bare_server(port: int) -> None:
    """Answers `hello` with a tiny `state`, and each `post` with an `ack` to the poster and
    an `event` to every connected client (the poster included), like the room does."""
    from websockets.asyncio.server import broadcast, serve

    clients: set[Any] = set()
    seq = 0

    async def handler(ws: Any) -> None:
        nonlocal seq
        clients.add(ws)
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "hello":
                    await ws.send(json.dumps({"type": "state", "seq": seq, "contributions": []}))
                elif message.get("type") == "post":
                    seq += 1
                    data = {k: message.get(k) for k in ("client_id", "text", "kind")}
                    data["seq"] = seq
                    now = time.time()
                    await ws.send(json.dumps({"type": "ack", "client_id": data["client_id"]}))
                    event = {"type": "event", "seq": seq, "event": "contribution.created"}
                    broadcast(clients, json.dumps({**event, "data": data, "server_time": now}))
        finally:
            clients.discard(ws)

    async with serve(handler, "127.0.0.1", port, max_size=16 * 1024):
        await asyncio.Future()


# --- Processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Proc:
    """A subprocess in its own session (Ctrl-C reaches only us: we stop it), logged to a file."""

    running: list[Proc] = []

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.log = name, argv, log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                argv,
                env=env,
                cwd=env.get("PEERASSIST_VAR_DIR"),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        Proc.running.append(self)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def cpu_seconds(self) -> float:
        """User + system CPU time so far (Linux /proc; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self in Proc.running:
            Proc.running.remove(self)
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)
            try:
                self.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=STOP_TIMEOUT)
        else:  # the leader is gone; make sure nothing it started lingers
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)

    @classmethod
    def stop_all(cls) -> None:
        for proc in list(reversed(cls.running)):
            with contextlib.suppress(Exception):
                proc.stop()

    def wait_listening(self, port: int, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(
                    f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}"
                )
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not listen on port {port} in {timeout:.0f} s")


def run_checked(argv: list[str], env: dict[str, str], what: str, timeout: float) -> str:
    done = subprocess.run(  # noqa: S603 - our own argv, no shell
        argv,
        env=env,
        cwd=env["PEERASSIST_VAR_DIR"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def peerassist_bin() -> Path:
    for candidate in (Path(sys.executable).parent / "peerassist", ROOT / ".venv/bin/peerassist"):
        if candidate.exists():
            return candidate
    raise RuntimeError("peerassist is not installed next to this Python; run `make` first")


def server_env(tmp: Path, db: Path, redis_url: str | None = None) -> dict[str, str]:
    # `serve` refuses to start without a static manifest under DEBUG=false. The bench only
    # opens WebSockets, so an empty manifest spares a minute of collectstatic.
    static = tmp / "static"
    static.mkdir(exist_ok=True)
    manifest = static / "staticfiles.json"
    if not manifest.exists():
        manifest.write_text('{"paths": {"bench.txt": "bench.txt"}, "version": "1.1", "hash": ""}')
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    env.update(
        DJANGO_SETTINGS_MODULE="peerassist.settings",
        DEBUG="false",
        SECRET_KEY="x",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DATABASE_URL=f"sqlite:///{db}",
        PEERASSIST_VAR_DIR=str(tmp),
        STATIC_ROOT=str(static),
        PYTHONUNBUFFERED="1",
        # The server loads WeasyPrint and its fonts in the background as it starts (the
        # first PDF export must not wait seconds); the bench's clients connect at once, so
        # that start-up would be measured as joining (about a tenth of the samples).
        PDF_WARM_UP="false",
        # The bench measures fan-out, not the limits: one poster posts up to 25 notes a
        # second and rooms hold up to 5000 listeners.
        LIVE_MAX_SOCKETS_PER_ROOM="10000",
        LIVE_USER_MESSAGE_BURST="1000",
        LIVE_USER_MESSAGES_PER_SECOND="100",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def prepare_database(tmp: Path, listeners: int) -> dict[str, Any]:
    """Migrate, load the demo, log the bench's users in; returns the assist id and sessions."""
    db = tmp / "bench.sqlite3"
    env = server_env(tmp, db)
    exe = str(peerassist_bin())
    run_checked([exe, "migrate", "-v", "0"], env, "peerassist migrate", 300)
    run_checked([exe, "demo", "--quiet"], env, "peerassist demo", 300)
    env.update(BENCH_LISTENERS=str(listeners), BENCH_ASSIST=ASSIST_TITLE)
    out = run_checked(
        [exe, "shell", "--no-imports", "-c", SETUP_SCRIPT], env, "the session setup", 300
    )
    for line in out.splitlines():
        if line.startswith("BENCH-SETUP "):
            return dict(json.loads(line.removeprefix("BENCH-SETUP ")))
    raise RuntimeError(f"the session setup printed no sessions:\n{out}")


def fresh_db(tmp: Path, name: str) -> Path:
    """A copy of the prepared database, so each run starts from the same room."""
    src = tmp / "bench.sqlite3"
    dst = tmp / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")
    return dst


# --- Clients --------------------------------------------------------------------------------


@dataclass
class Traffic:
    last_rx: float = 0.0  # perf_counter of the latest message any client received


class Client:
    """One socket: says hello, waits for `state`, then records what arrives."""

    def __init__(self, url: str, origin: str, session: str, traffic: Traffic) -> None:
        self.url, self.origin, self.session, self.traffic = url, origin, session, traffic
        self.ws: Any = None
        self.compression: str | None = "deflate"  # like browsers: permessage-deflate
        self.reader: asyncio.Task[None] | None = None
        self.events: list[tuple[float, str]] = []  # (receipt time, raw contribution.created)
        self.created = 0
        self.messages = 0
        self.received_bytes = 0
        self.errors: list[str] = []
        self.closed: str | None = None

    async def connect(self, timeout: float) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url,
            origin=self.origin,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={self.session}"},
            proxy=None,
            open_timeout=timeout,
            ping_interval=None,  # the server pings; our own pings would only add noise
            max_size=8 * 1024 * 1024,  # `state` carries the whole room
            max_queue=None,
            compression=self.compression,
        )
        await self.ws.send(json.dumps({"type": "hello", "last_seq": 0}))
        deadline = time.monotonic() + timeout
        for _ in range(10_000):  # presence may arrive before the state
            left = deadline - time.monotonic()
            if left <= 0:
                break
            raw = await asyncio.wait_for(self.ws.recv(), left)
            self.received_bytes += len(raw)
            message = json.loads(raw)
            if message.get("type") == "state":
                self.reader = asyncio.create_task(self._read())
                return
            if message.get("type") == "error":
                raise RuntimeError(f"refused: {raw[:300]}")
        raise TimeoutError(f"no `state` within {timeout:.0f} s")

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.perf_counter()
                self.traffic.last_rx = now
                self.messages += 1
                self.received_bytes += len(raw)
                if isinstance(raw, bytes):
                    raw = raw.decode()
                if "contribution.created" in raw:
                    self.created += 1
                    self.events.append((now, raw))
                elif '"error"' in raw and json.loads(raw).get("type") == "error":
                    self.errors.append(raw[:300])
                else:
                    self.on_other(now, raw)
        except Exception as exc:  # a dropped socket shows up as lost notes; say why
            self.closed = f"{type(exc).__name__}: {exc}"
        else:
            self.closed = "closed by the server"

    def on_other(self, now: float, raw: str) -> None:
        pass

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader


class Poster(Client):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.acks: dict[str, float] = {}

    def on_other(self, now: float, raw: str) -> None:
        if '"ack"' in raw:
            message = json.loads(raw)
            if message.get("type") == "ack":
                self.acks.setdefault(message["client_id"], now)


def note_text(i: int, sent: float, size: int) -> str:
    head = f"Bench note {i}, sent at {sent:.6f}. "
    return (head + "The quick brown fox jumps over the lazy dog. " * 10)[:size]


# --- One run --------------------------------------------------------------------------------


@dataclass
class Result:
    setup: str
    listeners: int
    notes: int = 0
    expected: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    latencies: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    connect_s: float = 0.0
    join_cpu: list[float] = field(default_factory=list)  # servers' CPU seconds while joining
    join_mb: float = 0.0  # what the clients received while joining and settling (states, presence)
    server_cpu: list[float] = field(default_factory=list)  # % of one core while posting
    bench_cpu: float = 0.0
    errors: list[str] = field(default_factory=list)
    crashed: str | None = None
    profiles: list[Path] = field(default_factory=list)

    def pct(self, q: float, values: list[float] | None = None) -> float:
        values = self.latencies if values is None else values
        if not values:
            return math.nan
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def connect_all(clients: list[Client], timeout: float, deadline: float) -> None:
    for start in range(0, len(clients), CONNECT_BATCH):
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {start} of {len(clients)} clients connected in time")
        batch = clients[start : start + CONNECT_BATCH]
        outcomes = await asyncio.gather(
            *(c.connect(timeout) for c in batch), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise RuntimeError(
                    f"client {start + 1}–{start + len(batch)} could not join the room: "
                    f"{type(outcome).__name__}: {outcome}"
                ) from outcome


async def measure(
    result: Result,
    ports: list[int],
    path: str,
    sessions: dict[str, Any],
    args: argparse.Namespace,
    servers: list[Proc],
) -> None:
    n = result.listeners
    traffic = Traffic()

    def endpoint(port: int) -> tuple[str, str]:
        return f"ws://127.0.0.1:{port}{path}", f"http://127.0.0.1:{port}"

    listeners = [
        Client(*endpoint(ports[i % len(ports)]), sessions["listeners"][i], traffic)
        for i in range(n)
    ]
    poster = Poster(*endpoint(ports[0]), sessions["poster"], traffic)
    everyone = [*listeners, poster]
    if args.no_deflate:
        for c in everyone:
            c.compression = None
    notes = max(1, round(args.rate * args.seconds))
    result.notes, result.expected = notes, notes * n
    sent: dict[str, float] = {}
    profilers: list[Proc] = []
    try:
        profilers = start_profilers(args, servers, result, "join")
        join_cpu = [s.cpu_seconds() for s in servers]
        started = time.perf_counter()
        connect_timeout = 60.0 if not args.quick else 20.0
        await connect_all(everyone, connect_timeout, time.monotonic() + 4 * connect_timeout)
        result.connect_s = time.perf_counter() - started
        result.join_cpu = [s.cpu_seconds() - b for s, b in zip(servers, join_cpu, strict=True)]
        for proc in profilers:
            proc.stop(signal.SIGINT)
        settle_until = time.perf_counter() + SETTLE_MAX
        while time.perf_counter() < settle_until:  # let the presence updates die down
            if time.perf_counter() - max(traffic.last_rx, started) > SETTLE_QUIET:
                break
            await asyncio.sleep(0.05)
        result.join_mb = sum(c.received_bytes for c in everyone) / 1e6

        profilers = start_profilers(args, servers, result)
        cpu_before = [s.cpu_seconds() for s in servers]
        bench_before = time.process_time()
        window = time.perf_counter()
        for i in range(notes):  # on a fixed schedule: a slow server must not slow the poster
            delay = window + i / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            client_id = str(uuid.uuid4())
            now = time.perf_counter()
            sent[client_id] = now
            post = {
                "type": "post",
                "client_id": client_id,
                "text": note_text(i, now, args.text_bytes),
                "kind": "practice",
                "focus_question": None,
                "group_id": None,
                "on_behalf_of": None,
            }
            await poster.ws.send(json.dumps(post))
        drain_until = time.perf_counter() + args.drain
        while time.perf_counter() < drain_until:
            if all(c.created >= notes for c in listeners) and len(poster.acks) >= notes:
                break
            if any(c.closed for c in everyone) or any(not s.alive() for s in servers):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # late duplicates
        elapsed = time.perf_counter() - window
        result.server_cpu = [
            100 * (s.cpu_seconds() - before) / elapsed
            for s, before in zip(servers, cpu_before, strict=True)
        ]
        result.bench_cpu = 100 * (time.process_time() - bench_before) / elapsed
    finally:
        for proc in profilers:
            proc.stop(signal.SIGINT)
        await asyncio.gather(*(c.close() for c in everyone), return_exceptions=True)

    for c in everyone:
        result.errors += c.errors
        if c.closed and c.closed != "closed by the server":
            result.errors.append(f"socket dropped: {c.closed}")
    for server in servers:
        if not server.alive():
            result.crashed = f"{server.name} died:\n{server.tail()}"
    for c in listeners:
        seen: dict[str, int] = {}
        last_seq = -1
        for at, raw in c.events:
            message = json.loads(raw)
            client_id = (message.get("data") or {}).get("client_id")
            if client_id not in sent:
                continue
            seen[client_id] = seen.get(client_id, 0) + 1
            if seen[client_id] == 1:
                result.latencies.append(at - sent[client_id])
            seq = message.get("seq", 0)
            if seq <= last_seq:
                result.out_of_order += 1
            last_seq = max(last_seq, seq)
        result.delivered += len(seen)
        result.duplicated += sum(count - 1 for count in seen.values())
    result.lost = result.expected - result.delivered
    result.acks = [poster.acks[k] - sent[k] for k in sent if k in poster.acks]


def start_profilers(
    args: argparse.Namespace, servers: list[Proc], result: Result, phase: str = ""
) -> list[Proc]:
    """py-spy on each server (`phase`: "join" while the clients connect, "" while posting)."""
    if not args.profile or result.setup == "bare":
        return []
    py_spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if py_spy is None:
        print("  (--profile: py-spy not found on PATH; not profiling)", file=sys.stderr)
        return []
    out_dir = Path(args.profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for i, server in enumerate(servers):
        part = f"-{phase}" if phase else ""
        out = out_dir / f"{result.setup}-{result.listeners}{part}-server{i + 1}.txt"
        argv = [py_spy, "record", "--pid", str(server.pid), "--rate", "250", "--format", "raw"]
        argv += ["--output", str(out), "--nonblocking"]
        procs.append(Proc(f"py-spy {server.name}", argv, dict(os.environ), out.with_suffix(".log")))
        result.profiles.append(out)
    time.sleep(0.5)  # let py-spy attach
    return procs


def run_one(
    setup: str, n: int, tmp: Path, sessions: dict[str, Any], args: argparse.Namespace, index: int
) -> Result:
    result = Result(setup=setup, listeners=n)
    servers: list[Proc] = []
    try:
        if setup == "bare":
            port = free_port()
            argv = [sys.executable, __file__, "--bare-server", str(port)]
            servers.append(Proc("bare relay", argv, dict(os.environ), tmp / "bare.log"))
            ports = [port]
        else:
            db = fresh_db(tmp, f"{setup}-{n}")
            redis_url = None
            if setup == "redis":  # a fresh Redis database each run: no stale group members
                redis_url = args.redis_url.rsplit("/", 1)[0] + f"/{index % 16}"
            env = server_env(tmp, db, redis_url)
            ports = [free_port() for _ in range(2 if setup == "redis" else 1)]
            for i, port in enumerate(ports):
                argv = [str(peerassist_bin()), "serve", "--port", str(port)]
                log = tmp / f"{setup}-{n}-server{i + 1}.log"
                servers.append(Proc(f"peerassist server {i + 1} ({setup})", argv, env, log))
        for server, port in zip(servers, ports, strict=True):
            server.wait_listening(port)
        path = f"/ws/assists/{sessions['assist_id']}/"
        asyncio.run(measure(result, ports, path, sessions, args, servers))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        result.crashed = f"{type(exc).__name__}: {exc}"
        if args.verbose:
            traceback.print_exc()
        for server in servers:
            result.crashed += f"\n--- {server.name} log (last lines) ---\n{server.tail()}"
    finally:
        for server in servers:
            server.stop()
    return result


# --- Report ---------------------------------------------------------------------------------


def ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value * 1000:.1f}"


def report(results: list[Result], args: argparse.Namespace) -> None:
    header = (
        f"{'setup':<32} {'N':>5} {'delivered':>13} {'lost':>5} {'dup':>4} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'ack p99':>8} {'join s':>7} {'server CPU %':>13} "
        f"{'bench CPU %':>11}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        name = SETUPS[r.setup]
        if r.crashed and not r.latencies:
            print(f"{name:<32} {r.listeners:>5}  CRASHED: {r.crashed.splitlines()[0]}")
            continue
        cpu = "+".join(f"{c:.0f}" for c in r.server_cpu)
        print(
            f"{name:<32} {r.listeners:>5} {f'{r.delivered}/{r.expected}':>13} {r.lost:>5} "
            f"{r.duplicated:>4} {ms(r.pct(0.5)):>8} {ms(r.pct(0.99)):>8} "
            f"{ms(max(r.latencies, default=math.nan)):>8} {ms(r.pct(0.99, r.acks)):>8} "
            f"{r.connect_s:>7.1f} {cpu:>13} {r.bench_cpu:>11.0f}"
        )
    print()
    bare = {r.listeners: r for r in results if r.setup == "bare" and r.latencies}
    lines = []
    for r in results:
        base = bare.get(r.listeners)
        if r.setup == "bare" or base is None or not r.latencies:
            continue
        ratio = r.pct(0.99) / base.pct(0.99)
        target = TARGETS[r.setup]
        verdict = "ok" if ratio <= target else f"ABOVE the {target:g}x target"
        lines.append(
            f"  N={r.listeners:<4} {SETUPS[r.setup]:<32} p99 {ratio:5.1f}x bare  ({verdict})"
        )
    if lines:
        print("p99(peerassist) / p99(bare relay), same N, same run:")
        print("\n".join(lines))
    for r in results:
        extra = []
        if r.out_of_order:
            extra.append(f"{r.out_of_order} events arrived with a seq not above the previous")
        if r.errors:
            distinct = sorted(set(r.errors))
            extra.append(f"{len(r.errors)} errors, e.g.: " + " | ".join(distinct[:3]))
        if r.crashed and r.latencies:
            extra.append(f"crashed: {r.crashed}")
        elif r.crashed:
            extra.append(r.crashed)
        if r.profiles:
            extra.append("py-spy profiles: " + ", ".join(str(p) for p in r.profiles))
        for line in extra:
            print(f"  [{SETUPS[r.setup]}, N={r.listeners}] {line}")
    print(
        f"\n{args.rate:g} notes/s for {args.seconds:g} s, {args.text_bytes}-byte texts; latency = "
        "poster's send → a listener's receipt of contribution.created (all clients in this "
        "process); ack = poster's send → its ack; join s = time to connect everyone; "
        "CPU % of one core while posting (2 servers: one figure each)."
    )


# --- Main -----------------------------------------------------------------------------------


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # the servers inherit it
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft != resource.RLIM_INFINITY and soft < needed // 2:
        print(f"warning: only {soft} file descriptors allowed; large N may fail", file=sys.stderr)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 50, 100; 3 s each (CI)")
    parser.add_argument("--listeners", type=str, help="comma-separated N values")
    parser.add_argument("--seconds", type=float, help="how long the poster posts")
    parser.add_argument("--rate", type=float, default=10.0, help="notes a second")
    parser.add_argument("--text-bytes", type=int, default=200)
    parser.add_argument(
        "--setups", default="bare,one,redis", help="which of bare, one, redis to run"
    )
    parser.add_argument(
        "--no-deflate", action="store_true", help="clients do not offer permessage-deflate"
    )
    parser.add_argument("--drain", type=float, help="seconds to wait for late deliveries")
    parser.add_argument("--profile", metavar="DIR", help="record py-spy profiles into DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        return args
    default_n = "50,100" if args.quick else "50,200,500"
    try:
        args.ns = sorted({int(x) for x in (args.listeners or default_n).split(",") if x})
    except ValueError:
        parser.error("--listeners takes numbers such as 50,200,500")
    args.setup_list = [s.strip() for s in args.setups.split(",") if s.strip()]
    if not args.ns or min(args.ns) < 1 or max(args.ns) > 5000:
        parser.error("--listeners: between 1 and 5000 each")
    if not args.setup_list or any(s not in SETUPS for s in args.setup_list):
        parser.error(f"--setups: some of {', '.join(SETUPS)}")
    if not 0.1 <= args.rate <= 25:
        parser.error("--rate: between 0.1 and 25 (the room allows 10 messages/s per socket)")
    if not 1 <= args.text_bytes <= 2000:
        parser.error("--text-bytes: between 1 and 2000")
    args.seconds = args.seconds or (3.0 if args.quick else 10.0)
    if not 0.1 <= args.seconds <= 600:
        parser.error("--seconds: between 0.1 and 600")
    args.drain = args.drain or (5.0 if args.quick else 15.0)
    return args


def main() -> int:
    args = parse_args()
    if args.bare_server:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(bare_server(args.bare_server))
        return 0

    def terminate(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    raise_fd_limit(4 * max(args.ns) + 256)
    began = time.monotonic()
    results: list[Result] = []
    tmp = Path(tempfile.mkdtemp(prefix="peerassist-fanout-"))
    stack = contextlib.ExitStack()
    try:
        setups = list(args.setup_list)
        if "redis" in setups:
            from tests.harness.redis import RedisUnavailable, running_redis

            try:
                args.redis_url = stack.enter_context(running_redis(quiet=True))
            except RedisUnavailable as exc:
                print(f"skipping the Redis runs: {exc}", file=sys.stderr)
                setups.remove("redis")
        sessions: dict[str, Any] = {}
        if any(s != "bare" for s in setups):
            print(f"preparing the database and {max(args.ns)} listeners' sessions…", flush=True)
            sessions = prepare_database(tmp, max(args.ns))
        else:
            sessions = {"assist_id": 1, "poster": "-", "listeners": ["-"] * max(args.ns)}
        index = 0
        for n in args.ns:
            for setup in setups:
                index += 1
                print(f"{SETUPS[setup]}, N={n}…", flush=True)
                results.append(run_one(setup, n, tmp, sessions, args, index))
                r = results[-1]
                if r.crashed and not r.latencies:
                    print(f"  crashed: {r.crashed.splitlines()[0]}", flush=True)
                else:
                    print(
                        f"  p50 {ms(r.pct(0.5))} ms, p99 {ms(r.pct(0.99))} ms, "
                        f"lost {r.lost}, duplicated {r.duplicated}; joining took "
                        f"{r.connect_s:.1f} s and "
                        + "+".join(f"{c:.1f}" for c in r.join_cpu)
                        + f" s of server CPU; the clients received {r.join_mb:.1f} MB "
                        "while joining and settling",
                        flush=True,
                    )
    finally:
        Proc.stop_all()
        stack.close()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    report(results, args)
    print(f"total time {time.monotonic() - began:.0f} s")
    failed = [r for r in results if r.crashed or r.lost or r.duplicated]
    if failed:
        print(
            "FAILED: "
            + "; ".join(
                f"{SETUPS[r.setup]} N={r.listeners}: "
                + ("crashed" if r.crashed else f"lost {r.lost}, duplicated {r.duplicated}")
                for r in failed
            )
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
