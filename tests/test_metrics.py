"""/metrics: who may read it, and that it reports request latency, WebSocket connections,
room events, the task queue and webhook failures; several processes aggregate."""

from __future__ import annotations

import re
import subprocess

import pytest
from asgiref.sync import async_to_sync
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from peerassist.core import metrics
from peerassist.core.events import room_kick
from peerassist.live.events import room_event
from tests.harness.app import PEERASSIST, server_env

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def scrape(client: Client | None = None, **extra: str) -> tuple[int, str]:
    response = (client or Client()).get("/metrics", **extra)
    return response.status_code, response.content.decode()


def sample(text: str, prefix: str) -> float:
    """The value of the first sample line starting with `prefix`."""
    line = next(line for line in text.splitlines() if line.startswith(prefix))
    return float(line.rsplit(" ", 1)[1])


@pytest.mark.parametrize(
    ("token", "remote", "authorization", "expected"),
    [
        ("", "127.0.0.1", "", 200),  # no token: loopback (Prometheus on the same host)
        ("", "10.0.0.7", "", 404),  # no token: anyone else sees nothing
        ("s3cret", "127.0.0.1", "", 404),  # with a token, the address is not enough
        ("s3cret", "10.0.0.7", "Bearer wrong", 404),
        ("s3cret", "10.0.0.7", "Bearer s3cret", 200),
    ],
)
def test_who_may_read_the_metrics(settings, token, remote, authorization, expected):
    settings.METRICS_TOKEN = token
    extra = {"REMOTE_ADDR": remote}
    if authorization:
        extra["HTTP_AUTHORIZATION"] = authorization
    status, _text = scrape(**extra)
    assert status == expected


def test_the_metrics_answer_plain_http_by_ip_in_production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["peerassist.example.org"]
    status, text = scrape(HTTP_HOST="127.0.0.1:8000")
    assert status == 200
    assert "peerassist_http_request_duration_seconds" in text


def test_request_latency_is_recorded_by_route_pattern(client, org):
    pattern = re.compile(
        r'peerassist_http_request_duration_seconds_count\{method="GET",'
        r'route="assists/<int:\w+>/",status="3xx"\} (\S+)'
    )

    def count() -> float:
        match = pattern.search(scrape()[1])
        return float(match.group(1)) if match else 0.0

    before = count()  # other tests in this process may have asked for an assist already
    client.get("/assists/999999/")  # a raw id must not become a label value
    assert count() == before + 1
    # No label holds the raw id (a sample's value, such as a timestamp, may hold those digits).
    assert not re.search(r'="[^"]*999999[^"]*"', scrape()[1])


def test_room_events_are_counted_by_type():
    before = metrics.ROOM_EVENTS.labels("note.added")._value.get()
    room_event(1, {"type": "note.added", "id": 3})
    room_event(1, {"type": "note.added", "id": 4})
    room_kick(assist_id=1, person_id=5)
    assert metrics.ROOM_EVENTS.labels("note.added")._value.get() == before + 2
    _status, text = scrape()
    assert 'peerassist_room_events_total{type="control"}' in text


@override_settings(TASKS=DATABASE_TASKS)
def test_task_queue_depth_and_failures_come_from_the_database(org):
    from peerassist.notifications.services import notify
    from tests.factories import PersonFactory

    notify([PersonFactory(organisation=org, email="a@x.test")], kind="k", title="t")
    notify([PersonFactory(organisation=org, email="b@x.test")], kind="k", title="t")
    DBTaskResult.objects.filter(pk=DBTaskResult.objects.first().pk).update(status="FAILED")
    _status, text = scrape()
    assert sample(text, 'peerassist_task_queue_depth{status="ready"}') == 1
    assert sample(text, "peerassist_task_failures ") == 1
    assert sample(text, 'peerassist_webhook_deliveries{status="failed"}') == 0


def test_open_websockets_are_counted_until_closed():
    events: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "websocket.accept"})
        events.append({"open": metrics.WEBSOCKETS._value.get()})
        await receive()

    async def receive():
        return {"type": "websocket.disconnect"}

    async def send(message):
        pass

    before = metrics.WEBSOCKETS._value.get()
    async_to_sync(metrics.WebSocketGauge(app))({"type": "websocket"}, receive, send)
    assert events == [{"open": before + 1}]
    assert metrics.WEBSOCKETS._value.get() == before


def test_several_processes_are_aggregated_in_multiprocess_mode(tmp_path):
    """Two processes write to PROMETHEUS_MULTIPROC_DIR; a third one's /metrics sums them."""
    env = server_env(tmp_path)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "prom")
    (tmp_path / "prom").mkdir()
    subprocess.run([str(PEERASSIST), "migrate", "-v", "0"], env=env, cwd=tmp_path, check=True)
    bump = (
        "from peerassist.live.events import room_event; "
        "[room_event(1, {'type': 'timer.started'}) for _ in range(3)]"
    )
    for _ in range(2):
        subprocess.run(
            [str(PEERASSIST), "shell", "--no-imports", "-c", bump],
            env=env,
            cwd=tmp_path,
            check=True,
            timeout=300,
        )
    read = "from django.test import Client; print(Client().get('/metrics').content.decode())"
    out = subprocess.run(
        [str(PEERASSIST), "shell", "--no-imports", "-c", read],
        env={**env, "ALLOWED_HOSTS": "testserver"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    assert sample(out, 'peerassist_room_events_total{type="timer.started"}') == 6
