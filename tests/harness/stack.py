"""The production stack on loopback, as deploy/ describes it: nginx (Debian's package, with
deploy/nginx.conf made to listen on loopback ports and a certificate made now) in front of
two `peerassist serve` processes, the worker, PostgreSQL and Redis from system binaries.

    with running_stack(tmp, static_root=..., env_extra={...}) as stack:
        stack.https            # https://127.0.0.1:PORT (self-signed: use stack.ssl_context())
        stack.shell(script)    # `peerassist shell -c script` against the stack's database

Used by tests/stack/ and bench/soak.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.harness.app import PEERASSIST, free_port, server_env
from tests.harness.postgres import ServiceUnavailable, running_postgres
from tests.harness.redis import running_redis

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 120.0


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise ServiceUnavailable("nginx is not installed (Debian: `apt-get install nginx`).")
    if not shutil.which("openssl"):
        raise ServiceUnavailable("openssl is not installed (Debian: `apt-get install openssl`).")
    return found


def nginx_conf(tmp: Path, http_port: int, https_port: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf with loopback ports, the test's certificate and files in `tmp`."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=30s;" for port in upstreams
    )
    conf, count = re.subn(
        r"(upstream peerassist \{\n)(?:\s*server [^\n]+\n)+", rf"\g<1>{servers}\n", conf
    )
    assert count == 1, "deploy/nginx.conf has no `upstream peerassist` block with servers"
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    conf = re.sub(r"\n\s*listen \[::\]:\d+[^\n]*;", "", conf)
    conf = conf.replace("/etc/nginx/tls/", f"{tmp}/tls/")
    conf = conf.replace("pid /run/nginx.pid;", f"pid {tmp}/nginx.pid;")
    conf = conf.replace("error_log /dev/stderr warn;", f"error_log {tmp}/nginx-error.log warn;")
    conf = conf.replace("access_log /dev/stdout;", f"access_log {tmp}/nginx-access.log;")
    temp = "".join(
        f"    {name}_temp_path {tmp}/nginx-{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = conf.replace("http {\n", "http {\n" + temp, 1)
    path = tmp / "nginx.conf"
    path.write_text(conf)
    return path


def make_certificate(tmp: Path) -> None:
    (tmp / "tls").mkdir(exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(tmp / "tls" / "privkey.pem"),
         "-out", str(tmp / "tls" / "fullchain.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the certificate was made a minute ago
    return context


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects; any status comes back instead of raising."""
    opener = urllib.request.build_opener(
        _NoRedirect, urllib.request.HTTPSHandler(context=ssl_context())
    )
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class Stack:
    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.ports['https']}"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.ports['http']}"

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        with (self.tmp / f"{name}.log").open("ab") as log:
            self.procs[name] = subprocess.Popen(
                argv, env=self.env, cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT
            )
        return self.procs[name]

    def cli(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [str(PEERASSIST), *args],
            env=self.env, cwd=self.tmp, capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"peerassist {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def shell(self, script: str, **env: str) -> dict:
        """Run `script` in `peerassist shell`; its last line of output is JSON."""
        saved = dict(self.env)
        self.env.update(env)
        try:
            out = self.cli("shell", "--no-imports", "-c", script)
        finally:
            self.env.clear()
            self.env.update(saved)
        return dict(json.loads(out.strip().splitlines()[-1]))

    def serve(self, name: str) -> None:
        """Start (or restart) server `name` on its port and wait until /healthz answers."""
        port = self.ports.setdefault(name, free_port())
        proc = self.start(name, [str(PEERASSIST), "serve", "--port", str(port)])
        self._wait(f"http://127.0.0.1:{port}/healthz", proc, name)

    def _wait(self, url: str, proc: subprocess.Popen[bytes], name: str) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log(name)}")
            with contextlib.suppress(OSError):
                if get(url)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not answer {url}:\n{self.log(name)}")

    def rss_kib(self, name: str) -> int:
        """Resident memory of a process, from /proc."""
        for line in Path(f"/proc/{self.procs[name].pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def cpu_seconds(self, name: str) -> float:
        """CPU time (user + system) of a process and its children so far (nginx's workers
        are children of its master), from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        pids, total = {self.procs[name].pid}, 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                pid, ppid = int(stat.parent.name), int(fields[1])
                if pid in pids or ppid in pids:
                    total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


#: The stack's server processes, by name.
SERVER_NAMES = ("a", "b")


@contextlib.contextmanager
def running_stack(
    tmp: Path,
    *,
    static_root: Path,
    env_extra: dict[str, str] | None = None,
    demo: bool = True,
    servers: int = 2,
) -> Iterator[Stack]:
    """PostgreSQL, Redis, the database migrated (and the demo loaded), two servers ("a" and
    "b"; `servers=1`: "a" only), the worker and nginx; everything stopped and deleted
    afterwards."""
    nginx = nginx_binary()
    http_port, https_port = free_port(), free_port()
    site = f"https://127.0.0.1:{https_port}"
    with running_postgres(quiet=True) as database_url, running_redis(quiet=True) as redis_url:
        env = server_env(tmp)
        env.update(
            {
                "DEBUG": "false",
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "STATIC_ROOT": str(static_root),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SITE_URL": site,
                "CSRF_TRUSTED_ORIGINS": site,
                "BEHIND_TLS_PROXY": "true",
                "TRUSTED_PROXIES": "127.0.0.1",
                **(env_extra or {}),
            }
        )
        stack = Stack(tmp, env)
        stack.ports.update(http=http_port, https=https_port)
        try:
            stack.cli("migrate", "--no-input", "-v", "0")
            if demo:
                stack.cli("demo", "--quiet")
            names = SERVER_NAMES[:servers]
            for name in names:
                stack.serve(name)
            stack.start("worker", [str(PEERASSIST), "worker", "--interval", "5"])
            make_certificate(tmp)
            conf = nginx_conf(tmp, http_port, https_port, [stack.ports[n] for n in names])
            proc = stack.start(
                "nginx", [nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"]
            )
            stack._wait(f"{site}/healthz", proc, "nginx")
            yield stack
        finally:
            stack.stop()


def collect_static(tmp: Path) -> Path:
    """collectstatic as production runs it (hashed names, compressed copies)."""
    env = {**server_env(tmp), "DEBUG": "false", "STATIC_ROOT": str(tmp / "static")}
    result = subprocess.run(
        [str(PEERASSIST), "collectstatic", "--no-input", "-v", "0"],
        env=env, cwd=tmp, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{result.stderr}")
    return tmp / "static"
