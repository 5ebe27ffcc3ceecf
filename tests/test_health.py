"""Health for machines: /healthz (liveness), /readyz (readiness), the static manifest check
at start and in `check --deploy`, and forwarded headers trusted only from known proxies."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.test import Client, override_settings

from peerassist.core import health
from tests.harness.app import PEERASSIST, free_port, run_cli, server_env, wait_healthy

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def production(settings):
    """What an operator runs: DEBUG off, HTTPS redirect on, one real host name."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["peerassist.example.org"]
    return settings


class TestHealthz:
    def test_answers_a_plain_http_probe_by_ip_without_redirect(self, db, production):
        # A load balancer probes by address over HTTP: neither HTTPS nor the host name.
        response = Client().get("/healthz", HTTP_HOST="10.1.2.3:8000")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response["Cache-Control"] == "private, no-store"

    def test_other_pages_are_still_redirected_to_https(self, db, production):
        response = Client().get("/", HTTP_HOST="peerassist.example.org")
        assert response.status_code == 301
        assert response["Location"] == "https://peerassist.example.org/"

    def test_other_pages_still_refuse_an_unknown_host(self, db, production):
        response = Client().get("/", HTTP_HOST="evil.example", secure=True)
        assert response.status_code == 400

    def test_stays_up_when_the_database_is_down(self, db, monkeypatch):
        monkeypatch.setattr(health, "_database", _raise(DatabaseError("gone")))
        assert Client().get("/healthz").status_code == 200

    def test_refuses_writes(self, db):
        assert Client().post("/healthz").status_code == 405


def _raise(exc: Exception):
    def check() -> None:
        raise exc

    return check


class TestReadyz:
    def test_ready_when_database_migrations_and_static_are_fine(self, db, production):
        response = Client().get("/readyz", HTTP_HOST="10.1.2.3")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "migrations", "static"}
        assert all(check["ok"] for check in body["checks"].values())

    def test_database_down_gives_503_with_the_reason(self, db, monkeypatch):
        class Unreachable:
            def cursor(self):
                raise DatabaseError("database is gone")

        # Only the health module's handle is cut, so the test database itself stays usable.
        monkeypatch.setattr("peerassist.core.health.connection", Unreachable())
        response = Client().get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"] == {"ok": False, "error": "DatabaseError"}
        assert body["checks"]["migrations"]["ok"] is False

    def test_unapplied_migrations_give_503(self, db, monkeypatch):
        monkeypatch.setattr(health, "_migrations_applied", False)

        class Executor:
            def __init__(self, connection):
                self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": list})()})()

            def migration_plan(self, targets):
                return [("writeups", "0009_new"), ("people", "0007_new")]

        monkeypatch.setattr("django.db.migrations.executor.MigrationExecutor", Executor)
        response = Client().get("/readyz")
        assert response.status_code == 503
        assert "2 migrations not applied" in response.json()["checks"]["migrations"]["error"]

    def test_redis_is_checked_when_configured(self, db, settings, redis_url):
        settings.REDIS_URL = redis_url
        response = Client().get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"]["redis"]["ok"] is True

    def test_unreachable_redis_gives_503(self, db, settings):
        settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
        response = Client().get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["redis"]["ok"] is False

    def test_missing_static_manifest_gives_503(self, db, tmp_path, settings):
        settings.STATIC_ROOT = tmp_path / "empty-static"
        settings.STATIC_ROOT.mkdir()
        with override_settings(STORAGES=MANIFEST_STORAGES):
            response = Client().get("/readyz")
        assert response.status_code == 503
        assert "collectstatic" in response.json()["checks"]["static"]["error"]


class TestDeployCheck:
    def test_check_deploy_warns_about_a_missing_manifest(self, db, tmp_path, settings):
        settings.STATIC_ROOT = tmp_path / "empty-static"
        settings.STATIC_ROOT.mkdir()
        with override_settings(STORAGES=MANIFEST_STORAGES):
            warnings = [m.id for m in health_checks()]
        assert "peerassist.W001" in warnings

    def test_no_warning_once_collected(self, db, settings, production_static):
        settings.STATIC_ROOT = production_static
        with override_settings(STORAGES=MANIFEST_STORAGES):
            assert health_checks() == []


def health_checks():
    from peerassist.core.checks import static_manifest_check

    return static_manifest_check()


# --- The real server: start-up refusal and forwarded headers ----------------------------------


def production_env(tmp: Path, static_root: Path, **extra: str) -> dict[str, str]:
    env = server_env(tmp)
    env.update(
        {
            "DEBUG": "false",
            "ALLOWED_HOSTS": "peerassist.example.org",
            "STATIC_ROOT": str(static_root),
            "SECURE_SSL_REDIRECT": "true",
        }
    )
    for name in ("BEHIND_TLS_PROXY", "TRUSTED_PROXIES"):
        env.pop(name, None)
    env.update(extra)
    return env


def start(env: dict[str, str], tmp: Path) -> tuple[str, subprocess.Popen[bytes], Path]:
    run_cli(["migrate", "--no-input", "-v", "0"], env, tmp)
    port = free_port()
    log = tmp / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(PEERASSIST), "serve", "--port", str(port)],
            env=env,
            cwd=tmp,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return f"http://127.0.0.1:{port}", proc, log


@pytest.fixture
def server(tmp_path, production_static) -> Iterator:
    """Start `peerassist serve` with production settings plus what the test gives."""
    procs: list[subprocess.Popen[bytes]] = []

    def run(**extra: str) -> str:
        env = production_env(tmp_path, production_static, **extra)
        url, proc, log = start(env, tmp_path)
        procs.append(proc)
        wait_healthy(url, proc, log, timeout=120)
        return url

    yield run
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, **headers: str) -> tuple[int, Message, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


HOST = {"Host": "peerassist.example.org"}


def test_server_refuses_to_start_without_the_static_manifest(tmp_path):
    env = production_env(tmp_path, tmp_path / "never-collected")
    run_cli(["migrate", "--no-input", "-v", "0"], env, tmp_path)
    result = subprocess.run(
        [str(PEERASSIST), "serve", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "static files manifest" in result.stderr
    assert "peerassist collectstatic --no-input" in result.stderr


def test_production_server_answers_probes_over_plain_http(server):
    url = server()
    status, _headers, body = get(f"{url}/healthz")  # Host 127.0.0.1: not an allowed host
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    status, _headers, body = get(f"{url}/readyz")
    assert status == 200, body
    assert json.loads(body)["status"] == "ok"
    status, headers, _body = get(f"{url}/accounts/login/", **HOST)
    assert status == 301
    assert headers["Location"].startswith("https://peerassist.example.org/")
    status, headers, _body = get(f"{url}/static/search/search.css", **HOST)
    assert status == 301  # assets too: only the probes are exempt


def test_forwarded_proto_is_ignored_without_behind_tls_proxy(server):
    url = server()
    status, _headers, _body = get(
        f"{url}/accounts/login/", **HOST, **{"X-Forwarded-Proto": "https"}
    )
    assert status == 301, "a client must not be able to claim HTTPS by itself"


def test_forwarded_proto_is_trusted_from_a_configured_proxy(server):
    url = server(BEHIND_TLS_PROXY="true", TRUSTED_PROXIES="127.0.0.1")
    status, _headers, body = get(f"{url}/accounts/login/", **HOST, **{"X-Forwarded-Proto": "https"})
    assert status == 200, body[:500]
    status, _headers, _body = get(f"{url}/accounts/login/", **HOST)
    assert status == 301  # the proxy said nothing: plain HTTP


def test_forwarded_proto_is_ignored_from_an_address_not_configured(server):
    # The proxy is elsewhere (an address only named in the setting, never contacted).
    url = server(BEHIND_TLS_PROXY="true", TRUSTED_PROXIES="192.0.2.10")
    status, _headers, _body = get(
        f"{url}/accounts/login/", **HOST, **{"X-Forwarded-Proto": "https"}
    )
    assert status == 301


# --- The client's address behind the proxy (audit log, sign-in limits, /metrics) -------------

CLIENT = "198.51.100.23"  # documentation range: never contacted
ACCOUNT = (
    "from peerassist.accounts.models import Membership, Organisation, User; "
    "org, _ = Organisation.objects.get_or_create(slug='proxied', defaults={'name': 'Proxied'}); "
    "user = User.objects.create_user(email='someone@proxied.example', password='right-one'); "
    "Membership.objects.create(user=user, organisation=org, role='member')"
)
FAILED_FROM = (
    "from peerassist.audit.models import AuditEntry; "
    "print('IPS', sorted(set(AuditEntry.objects.filter(kind='sign_in_failed')"
    ".values_list('ip_address', flat=True))))"
)


def failed_sign_in(url: str, **headers: str) -> int:
    """A wrong password for a real account, as a browser sends it through the proxy."""
    import http.cookies
    import re
    import urllib.parse

    secure = {**HOST, "X-Forwarded-Proto": "https", **headers}
    status, response_headers, body = get(f"{url}/accounts/login/", **secure)
    assert status == 200, body[:300]
    cookies = http.cookies.SimpleCookie()
    for value in response_headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "login": "someone@proxied.example",
            "password": "wrong-one",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{url}/accounts/login/",
        data=form,
        headers={
            **secure,
            "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items()),
            "Origin": "https://peerassist.example.org",
            "Referer": "https://peerassist.example.org/accounts/login/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_client_address_comes_from_the_trusted_proxy_only(server, tmp_path, production_static):
    """Behind the proxy, Django sees the address the proxy names in X-Forwarded-For (the
    rightmost one it did not add itself): the audit log records it, /metrics refuses it.
    From an address that is not a configured proxy, the header is ignored."""
    env = production_env(tmp_path, production_static)
    url = server(BEHIND_TLS_PROXY="true", TRUSTED_PROXIES="127.0.0.1")
    run_cli(["shell", "--no-imports", "-c", ACCOUNT], env, tmp_path)
    # nginx appends the address it saw to whatever the client sent ($proxy_add_x_forwarded_for).
    forwarded = {"X-Forwarded-For": f"203.0.113.66, {CLIENT}"}
    assert failed_sign_in(url, **forwarded) == 200  # the form again, with the error
    status, _headers, _body = get(f"{url}/metrics", **forwarded)
    assert status in (403, 404), "a proxied outsider must not read /metrics"
    status, _headers, _body = get(f"{url}/metrics")
    assert status == 200  # the proxy's own address (and the machine) may

    spoofing = server(BEHIND_TLS_PROXY="true", TRUSTED_PROXIES="192.0.2.10")
    status, _headers, _body = get(f"{spoofing}/metrics", **forwarded)
    assert status == 200  # a direct client naming another address is still 127.0.0.1

    out = subprocess.run(
        [str(PEERASSIST), "shell", "--no-imports", "-c", FAILED_FROM],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert f"IPS ['{CLIENT}']" in out, out
