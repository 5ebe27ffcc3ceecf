"""The real `peerassist` server in a subprocess, as `make run` gives it: for browser and
multi-process tests. Each server gets its own environment (never the test settings)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PEERASSIST = Path(sys.executable).parent / "peerassist"
# Generous: on a busy machine (CI, several suites at once) startup alone has taken 25 s.
STARTUP_TIMEOUT = 90.0


@dataclass(frozen=True)
class AppServer:
    url: str
    var_dir: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "peerassist.settings",
            "DEBUG": "true",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "PEERASSIST_VAR_DIR": str(tmp),
            "STATIC_ROOT": str(tmp / "static"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Whatever the developer's shell or .env says, these would change the app under test.
    for name in (
        "REDIS_URL",
        "ALLOWED_HOSTS",
        "SECURE_SSL_REDIRECT",
        "ALLOW_SIGNUP",
        "PORT",
        "SSO_ALLOWED_HOSTS",
        "SSO_ALLOWED_NETWORKS",
    ):
        env.pop(name, None)
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> str:
    """Run `peerassist ARGS`; fail the test with its output if it fails; return its stdout."""
    result = subprocess.run(
        [str(PEERASSIST), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`peerassist {' '.join(args)}` exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def wait_healthy(
    url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = STARTUP_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    last_error = "no attempt yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            last_error = f"server exited with {proc.returncode}"
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
                last_error = f"/healthz answered {response.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last_error = repr(exc)
        time.sleep(0.2)
    log_text = log.read_text(errors="replace") if log.exists() else "(no log)"
    pytest.fail(
        f"peerassist serve did not become healthy at {url}/healthz within "
        f"{timeout:.0f}s ({last_error}). Server log:\n{log_text}"
    )


@contextmanager
def serving(env: dict[str, str], cwd: Path) -> Iterator[AppServer]:
    """`peerassist serve` on a free loopback port with `env`, healthy, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = cwd / "server.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [str(PEERASSIST), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=cwd,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(url, proc, log)
        yield AppServer(url=url, var_dir=cwd, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
