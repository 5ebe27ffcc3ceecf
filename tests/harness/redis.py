"""A throw-away Redis server built from the system binary.

    with running_redis() as url:         # redis://127.0.0.1:PORT/0
        ...

    python -m tests.harness.redis -- python -m pytest
        runs the command with REDIS_URL set, then stops the server, deletes its files and
        exits with the command's exit code.

The server listens on a free port on 127.0.0.1 only, keeps nothing on disk (no RDB
snapshots, no append-only file) and works in a temporary directory deleted on exit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.harness.postgres import ServiceUnavailable, free_port, run_with_service

START_TIMEOUT = 20.0
START_ATTEMPTS = 3


class RedisUnavailable(ServiceUnavailable):
    """redis-server is missing or would not start; the message says how to fix it."""


def find_redis_server() -> Path:
    """redis-server from $REDIS_SERVER, PATH, or Debian's usual places."""
    candidates = [os.environ.get("REDIS_SERVER"), shutil.which("redis-server")]
    candidates += ["/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise RedisUnavailable(
        "redis-server was not found on PATH or in /usr/bin. Install it (Debian/Ubuntu: "
        "`apt-get install redis-server`) or set REDIS_SERVER to its path."
    )


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def running_redis(*, quiet: bool = False) -> Iterator[str]:
    """Start a private redis-server, yield its redis:// URL, then stop it and delete its files.

    Raises RedisUnavailable when the binary is missing or the server will not start.
    """
    started = time.monotonic()
    binary = find_redis_server()
    tmp = Path(tempfile.mkdtemp(prefix="peerassist-redis-"))
    log = tmp / "redis.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        for attempt in range(1, START_ATTEMPTS + 1):
            port = free_port()
            argv = [str(binary), "--port", str(port), "--bind", "127.0.0.1"]
            argv += ["--save", "", "--appendonly", "no", "--dir", str(tmp)]
            argv += ["--daemonize", "no", "--logfile", str(log), "--databases", "16"]
            # A new session keeps Ctrl-C in the terminal away from the server: we stop it.
            proc = subprocess.Popen(
                argv,
                cwd=tmp,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            deadline = time.monotonic() + START_TIMEOUT
            while proc.poll() is None and not _ping(port) and time.monotonic() < deadline:
                time.sleep(0.02)
            if proc.poll() is None and _ping(port):
                break
            _stop(proc)
            if attempt == START_ATTEMPTS:  # the port may have been taken meanwhile: retry
                output = log.read_text(errors="replace")[-4000:] if log.exists() else ""
                raise RedisUnavailable(
                    f"redis-server did not start on 127.0.0.1:{port} "
                    f"(exit code {proc.returncode}):\n{output}"
                )
        if not quiet:
            print(
                f"[redis harness] redis-server on 127.0.0.1:{port} ({tmp}), "
                f"ready in {time.monotonic() - started:.1f}s",
                file=sys.stderr,
                flush=True,
            )
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # with persistence off, redis exits at once
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    return run_with_service(
        "tests.harness.redis",
        list(sys.argv[1:] if argv is None else argv),
        running_redis(),
        {"REDIS_URL": "{url}"},
    )


if __name__ == "__main__":
    sys.exit(main())
