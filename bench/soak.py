"""Soak: one live room, many participants, through nginx, for minutes, on the production stack
(tests/harness/stack.py: nginx with deploy/nginx.conf, two `peerassist serve` processes, or
one with `--servers 1`, the worker, PostgreSQL, Redis). Participants are visiting peers,
each on their own account and socket, split across the servers by nginx; they post notes at
a realistic rate (one every `--note-every` seconds each, jittered: 60 s by default, 10 s in
the quick mode), the facilitator stars notes and works the timer, and a few participants
drop and reconnect (presence churn, replay from their last `seq`).

Prints p50/p99/max note latency (a participant's send to every other participant's receipt
of the event), errors, lost and duplicated deliveries, and each server's memory at start and
end (growth in %).

    python bench/soak.py                 # 300 participants, 10 minutes (by hand)
    python bench/soak.py --quick         # 20 participants, 30 s (CI: fails only on errors,
                                         # lost or duplicated notes, never on speed)
    python bench/soak.py --participants 100 --seconds 120
    python bench/soak.py --note-every 20 # the stress figure: 15 notes a second in one room
    python bench/soak.py --servers 1     # the same room on one server process

The quick mode runs the servers with DEBUG=true, only to skip a minute of collectstatic (the
live room does not touch static files); the full run uses DEBUG=false and collects them.
Exit status: 0 when every note reached every participant exactly once and nothing failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ASSIST_TITLE = "Flood-season messages for vulnerable customers"
OTHERS_WATCHED = ("nginx", "worker")  # the stack's other processes, by name
RECONNECT_TRIES = 5  # a participant who cannot rejoin after this many tries leaves the room


@dataclass
class Stats:
    sent: dict[str, float] = field(default_factory=dict)  # client_id -> send time
    acked: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    # Notes their author sent again after reconnecting (not acknowledged before the drop):
    # their latency includes the author's own reconnection, so they are reported apart.
    resent: set[str] = field(default_factory=set)
    resent_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: int = 0  # one note shown twice (same client id under two seqs)
    redelivered: int = 0  # an event seen again (same seq): the page ignores it, as here
    reconnects: int = 0
    stars: int = 0
    timer_actions: int = 0
    dropped: int = 0  # sockets the server closed (counted in errors too); the person rejoins
    failed_joins: int = 0  # reconnects that failed (counted in errors too); tried again
    gave_up: int = 0  # participants who could not rejoin after RECONNECT_TRIES attempts
    presence: int = 0  # whole presence lists received (not parsed: see Participant.listen)
    presence_changes: int = 0  # `presence.changed` received (not parsed either)
    presence_bytes: int = 0  # both, as received
    loop_lag: list[float] = field(default_factory=list)  # how late this process's timers fire


class Participant:
    def __init__(self, url: str, origin: str, session: str, index: int, stats: Stats) -> None:
        self.url, self.origin, self.session, self.index = url, origin, session, index
        self.stats = stats
        self.socket: Any = None
        self.last_seq = 0
        self.received: set[str] = set()  # client_ids of notes seen (events or state)
        self.ids: dict[str, int] = {}  # client_id -> contribution id
        self.own: set[str] = set()  # what this participant posted
        self.pending: dict[str, str] = {}  # posted, not acknowledged yet: resent on reconnect
        self.seen_seq: set[int] = set()
        self.kinds: list[str] = []
        self.may_post = False
        self.state: dict[str, Any] = {}
        self.ready = asyncio.Event()
        self.reconnecting = False
        self.gone = False  # could not rejoin: stops posting; what they miss counts as lost

    async def connect(self) -> None:
        import websockets

        from tests.harness.stack import ssl_context

        self.ready.clear()
        self.socket = await websockets.connect(
            self.url,
            additional_headers={"Cookie": f"sessionid={self.session}"},
            origin=self.origin,
            ssl=ssl_context(),
            open_timeout=60,
            close_timeout=5,
            ping_interval=None,
            max_queue=None,  # never pause reading: each socket gets every note of the room
        )
        await self.socket.send(json.dumps({"type": "hello", "last_seq": self.last_seq}))

    def _apply_me(self, me: dict[str, Any]) -> None:
        may = me.get("may", {})
        self.may_post = bool(may.get("post"))
        self.kinds = list(may.get("kinds") or [])

    async def send(self, payload: str) -> None:
        """Send on the current socket; if the server closed it, count that and rejoin (the
        page does the same), so one dropped socket shows in the figures, not as a crash."""
        import websockets

        try:
            await self.socket.send(payload)
        except websockets.ConnectionClosed as closed:
            await self._dropped(closed)

    async def _dropped(self, closed: Exception) -> None:
        if self.reconnecting:
            return
        self.stats.dropped += 1
        self.stats.errors.append(f"participant {self.index}: socket closed ({closed})")
        await self.reconnect()

    async def listen(self, stop: asyncio.Event) -> None:
        import websockets

        while not stop.is_set():
            socket = self.socket
            try:
                raw = await socket.recv()
            except websockets.ConnectionClosed as closed:
                if stop.is_set() or self.gone:
                    return
                if socket is self.socket and not self.reconnecting:
                    await self._dropped(closed)
                else:
                    await asyncio.sleep(0.2)
                continue
            now = time.perf_counter()
            head = raw[:32].replace(" ", "")
            if head.startswith('{"type":"presence'):
                # Who is here: every browser reads its own copy, in parallel; this one process
                # plays 300 browsers and would spend its time parsing 300 copies of a list of
                # 300 people at each arrival (servers of before issue 19, or after a replay),
                # and report that as the servers' latency. The servers still write every copy,
                # ahead of the notes queued behind them. Changes are counted apart.
                if head.startswith('{"type":"presence.changed"'):
                    self.stats.presence_changes += 1
                else:
                    self.stats.presence += 1
                self.stats.presence_bytes += len(raw)
                continue
            message = json.loads(raw)
            kind = message["type"]
            if kind == "state":
                self.state = message
                self.last_seq = message["seq"]
                for c in message["contributions"]:
                    self.received.add(str(c.get("client_id")))
                    self.ids[str(c.get("client_id"))] = c["id"]
                self._apply_me(message["me"])
                self.ready.set()
            elif kind == "me":
                self._apply_me(message)
                self.ready.set()
            elif kind == "event":
                seq = message["seq"]
                if seq in self.seen_seq:
                    self.stats.redelivered += 1
                    continue
                self.seen_seq.add(seq)
                self.last_seq = max(self.last_seq, seq)
                if message["event"] == "contribution.created":
                    client_id = str(message["data"]["client_id"])
                    self.ids[client_id] = message["data"]["id"]
                    if client_id in self.received:
                        self.stats.duplicates += 1
                    self.received.add(client_id)
                    sent = self.stats.sent.get(client_id)
                    if sent is not None and client_id not in self.own:
                        if client_id in self.stats.resent:
                            self.stats.resent_latencies.append(now - sent)
                        else:
                            self.stats.latencies.append(now - sent)
                elif message["event"] == "timer.changed":
                    self.ready.set()
            elif kind == "ack":
                self.stats.acked.add(message["client_id"])
                self.pending.pop(message["client_id"], None)
            elif kind == "error":
                self.stats.errors.append(f"participant {self.index}: {message.get('code')}")

    async def post(self, text: str) -> None:
        if self.gone or not self.may_post or not self.kinds:
            return
        client_id = str(uuid.uuid4())
        self.stats.sent[client_id] = time.perf_counter()
        self.own.add(client_id)
        self.pending[client_id] = json.dumps(
            {
                "type": "post",
                "client_id": client_id,
                "text": text,
                "kind": random.choice(self.kinds),
                "focus_question": None,
                "group_id": None,
                "on_behalf_of": None,
            }
        )
        await self.send(self.pending[client_id])

    async def reconnect(self) -> None:
        """Drop the socket and join again, as the page does after a network blip. A join that
        fails (refused, timed out) is counted as an error and tried again after a pause, so
        one slow handshake shows in the figures instead of ending the run."""
        if self.gone:
            return
        self.reconnecting = True
        try:
            with contextlib.suppress(Exception):
                await self.socket.close()
            for attempt in range(RECONNECT_TRIES):
                try:
                    await self.connect()
                    # As the page does: notes not acknowledged yet go again, with the same
                    # client id (the server stores each client id once and acknowledges the
                    # copy).
                    for client_id, payload in list(self.pending.items()):
                        self.stats.resent.add(client_id)
                        await self.socket.send(payload)
                except Exception as exc:  # any failure to join is one error, tried again
                    self.stats.failed_joins += 1
                    self.stats.errors.append(
                        f"participant {self.index}: rejoining failed ({type(exc).__name__}: {exc})"
                    )
                    await asyncio.sleep(min(10.0, 2.0**attempt))
                    continue
                self.stats.reconnects += 1
                return
            self.gone = True
            self.stats.gave_up += 1
        finally:
            self.reconnecting = False


async def run_room(stack: Any, setup: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    stats = Stats()
    url = f"wss://127.0.0.1:{stack.ports['https']}/ws/assists/{setup['assist_id']}/"
    facilitator = Participant(url, stack.https, setup["poster"], -1, stats)
    people = [
        Participant(url, stack.https, session, i, stats)
        for i, session in enumerate(setup["listeners"])
    ]
    everyone = [facilitator, *people]
    stop = asyncio.Event()
    for batch in range(0, len(everyone), 25):
        await asyncio.gather(*(p.connect() for p in everyone[batch : batch + 25]))
    listeners = [asyncio.create_task(p.listen(stop)) for p in everyone]
    await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in everyone)), 120)

    # The facilitator moves to a step where the visiting peers share.
    agenda = facilitator.state["agenda"]
    sharing = next(
        (s for s in agenda if "visiting_peer" in (s.get("posting_roles") or [])), agenda[0]
    )
    for p in people:
        p.ready.clear()
    await facilitator.socket.send(
        json.dumps({"type": "timer", "action": "goto", "step_id": sharing["id"]})
    )
    await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in people)), 60)
    await asyncio.sleep(1)

    from tests.harness.stack import SERVER_NAMES

    servers = SERVER_NAMES[: args.servers]
    watched = (*servers, *OTHERS_WATCHED)
    memory_start = {name: stack.rss_kib(name) for name in servers}
    cpu_start = {name: stack.cpu_seconds(name) for name in watched}
    cpu_start["this benchmark"] = time.process_time()
    deadline = time.monotonic() + args.seconds

    async def participant_loop(p: Participant) -> None:
        n = 0
        await asyncio.sleep(random.uniform(0, args.note_every))
        while time.monotonic() < deadline:
            n += 1
            await p.post(f"Participant {p.index} note {n}: what we learned about loggers.")
            pause = args.note_every * random.uniform(0.5, 1.5)
            if random.random() < args.churn:
                # The network drops at some moment between two notes; a note still on its
                # way then goes again after the reconnect (reported apart, see Stats).
                drop_after = random.uniform(0, pause)
                await asyncio.sleep(drop_after)
                await p.reconnect()
                pause -= drop_after
            await asyncio.sleep(pause)

    async def facilitator_loop() -> None:
        actions = ["pause", "resume", "extend"]
        while time.monotonic() < deadline:
            await asyncio.sleep(5)
            if stats.acked:
                target = random.choice(sorted(stats.acked))
                contribution_id = facilitator.ids.get(target)
                if contribution_id is not None:
                    await facilitator.send(
                        json.dumps(
                            {"type": "star", "contribution_id": contribution_id, "starred": True}
                        )
                    )
                    stats.stars += 1
            action = actions[stats.timer_actions % len(actions)]
            message: dict[str, Any] = {"type": "timer", "action": action}
            if action == "extend":
                message["minutes"] = 1
            await facilitator.send(json.dumps(message))
            stats.timer_actions += 1

    async def loop_lag() -> None:
        # This process plays every participant: if its own loop falls behind, the latencies
        # measure the benchmark, not the servers. Reported beside them.
        while time.monotonic() < deadline:
            before = time.perf_counter()
            await asyncio.sleep(0.1)
            stats.loop_lag.append(time.perf_counter() - before - 0.1)

    started = time.monotonic()
    await asyncio.gather(*(participant_loop(p) for p in people), facilitator_loop(), loop_lag())
    elapsed = time.monotonic() - started
    cpu = {name: stack.cpu_seconds(name) - cpu_start[name] for name in watched}
    cpu["this benchmark"] = time.process_time() - cpu_start["this benchmark"]
    # Let the last notes arrive everywhere: wait until every sent note is acknowledged and
    # every acknowledged one reached everyone (or the drain time runs out: then it counts).
    drain_until = time.monotonic() + args.drain
    while time.monotonic() < drain_until:
        if set(stats.sent) <= stats.acked and all(stats.acked <= p.received for p in people):
            break
        await asyncio.sleep(0.5)
    memory_end = {name: stack.rss_kib(name) for name in servers}
    stop.set()

    async def close(p: Participant) -> None:
        with contextlib.suppress(Exception):
            await p.socket.close()

    await asyncio.gather(*(close(p) for p in everyone))
    for task in listeners:
        task.cancel()

    missing = sum(1 for p in people for c in stats.acked if c not in p.received)
    unacked = len(set(stats.sent) - stats.acked)
    return {
        "stats": stats,
        "lost": missing,
        "unacked": unacked,
        "elapsed": elapsed,
        "memory_start": memory_start,
        "memory_end": memory_end,
        "participants": len(people),
        "cpu": {name: seconds / elapsed * 100 for name, seconds in cpu.items()},
    }


def prepare(stack: Any, participants: int) -> dict[str, Any]:
    from bench.live_fanout import SETUP_SCRIPT

    stack.env.update(BENCH_LISTENERS=str(participants), BENCH_ASSIST=ASSIST_TITLE)
    text = stack.cli("shell", "--no-imports", "-c", SETUP_SCRIPT)
    for line in text.splitlines():
        if line.startswith("BENCH-SETUP "):
            return dict(json.loads(line.removeprefix("BENCH-SETUP ")))
    raise RuntimeError(f"the session setup printed no sessions:\n{text}")


def report(result: dict[str, Any], args: argparse.Namespace) -> int:
    stats: Stats = result["stats"]
    lat = sorted(stats.latencies)

    def pct(q: float) -> str:
        if not lat:
            return "-"
        return f"{lat[min(len(lat) - 1, int(q * len(lat)))] * 1000:.1f} ms"

    print(f"soak: {result['participants']} participants, {result['elapsed']:.0f} s, "
          f"through nginx to {args.servers} server process{'es' * (args.servers > 1)} "
          f"(PostgreSQL, Redis)")  # fmt: skip
    print(f"  notes sent {len(stats.sent)}, acknowledged {len(stats.acked)}, "
          f"deliveries measured {len(lat)}")  # fmt: skip
    print(f"  note latency p50 {pct(0.5)}  p99 {pct(0.99)}  max {pct(1.0)}"
          + (f"  mean {statistics.mean(lat) * 1000:.1f} ms" if lat else ""))  # fmt: skip
    if stats.resent_latencies:
        late = sorted(stats.resent_latencies)
        print(f"  notes sent again after their author reconnected {len(stats.resent)}: "
              f"{len(late)} deliveries, latency from the first send p50 "
              f"{late[len(late) // 2] * 1000:.0f} ms, max {late[-1] * 1000:.0f} ms "
              f"(not in the figures above)")  # fmt: skip
    print(f"  stars {stats.stars}, timer actions {stats.timer_actions}, "
          f"reconnects {stats.reconnects}, replayed (ignored) {stats.redelivered}, "
          f"presence: whole lists received {stats.presence}, changes {stats.presence_changes}, "
          f"{stats.presence_bytes / 1e6:.1f} MB in all")  # fmt: skip
    print(f"  errors {len(stats.errors)}, lost {result['lost']}, duplicated {stats.duplicates}, "
          f"never acknowledged {result['unacked']}")  # fmt: skip
    if stats.loop_lag:
        lag = sorted(stats.loop_lag)
        print(f"  this benchmark's own loop ran late by p50 {lag[len(lag) // 2] * 1000:.0f} ms, "
              f"p99 {lag[int(0.99 * (len(lag) - 1))] * 1000:.0f} ms, max {lag[-1] * 1000:.0f} ms; "
              f"sockets the servers closed {stats.dropped}")  # fmt: skip
    if stats.failed_joins:
        print(f"  rejoins that failed {stats.failed_joins}; participants who gave up "
              f"after {RECONNECT_TRIES} tries {stats.gave_up}")  # fmt: skip
    shares = ", ".join(f"{name} {share:.0f} %" for name, share in result["cpu"].items())
    print(f"  CPU while the room ran, % of one core (the machine has {os.cpu_count()}): "
          f"{shares}")  # fmt: skip
    for name in result["memory_start"]:
        start, end = result["memory_start"][name], result["memory_end"][name]
        growth = (end - start) / start * 100 if start else 0.0
        print(f"  server {name}: memory {start / 1024:.0f} MiB -> {end / 1024:.0f} MiB "
              f"({growth:+.1f} %)")  # fmt: skip
    for error in stats.errors[:10]:
        print(f"  error: {error}")
    failed = stats.errors or result["lost"] or stats.duplicates or result["unacked"]
    return 1 if failed else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 participants, 30 s (CI)")
    parser.add_argument("--participants", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument(
        "--note-every", type=float, default=None, help="seconds between a person's notes"
    )
    parser.add_argument(
        "--drain", type=float, default=120.0, help="seconds to wait for the last notes"
    )
    parser.add_argument(
        "--servers",
        type=int,
        choices=(1, 2),
        default=2,
        help="peerassist server processes behind nginx (default 2)",
    )
    parser.add_argument(
        "--churn", type=float, default=0.02, help="chance a person reconnects after a note"
    )
    args = parser.parse_args()
    args.participants = args.participants or (20 if args.quick else 300)
    args.seconds = args.seconds or (30.0 if args.quick else 600.0)
    # A note a minute from each of 300 people is 300 notes a minute in one room, more than a
    # room can read; --note-every 20 is the stress figure (bench/README.md reports both).
    args.note_every = args.note_every or (10.0 if args.quick else 60.0)
    return args


def main() -> int:
    from tests.harness.postgres import ServiceUnavailable
    from tests.harness.stack import collect_static, running_stack

    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="peerassist-soak-") as tmp_name:
        tmp = Path(tmp_name)
        if args.quick:
            static, extra = tmp / "static", {"DEBUG": "true"}
            static.mkdir()
        else:
            static, extra = collect_static(tmp), {}
        extra.update(LIVE_MAX_SOCKETS_PER_ROOM="5000")
        try:
            with running_stack(
                tmp, static_root=static, env_extra=extra, servers=args.servers
            ) as stack:
                setup = prepare(stack, args.participants)
                result = asyncio.run(run_room(stack, setup, args))
        except ServiceUnavailable as exc:
            print(f"soak: cannot start the stack: {exc}", file=sys.stderr)
            return 1
    return report(result, args)


if __name__ == "__main__":
    sys.exit(main())
