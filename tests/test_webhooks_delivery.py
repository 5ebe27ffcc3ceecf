"""Deliveries reach a real local HTTP receiver, signed; failures are retried with backoff."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from peerassist.assists import services as assist_services
from peerassist.assists.models import Format, PeerAssist, Status
from peerassist.core.periodic import run_jobs
from peerassist.webhooks import delivery as webhook_delivery
from peerassist.webhooks import services
from peerassist.webhooks.models import Delivery, DeliveryStatus, Webhook

pytestmark = pytest.mark.django_db


class Receiver:
    """A tiny webhook receiver on 127.0.0.1 answering with the next queued status."""

    def __init__(self):
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    """The receivers here listen on loopback, which only an operator's allow-list opens."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def webhook(org, receiver):
    return Webhook.objects.create(
        organisation=org, url=receiver.url, events=["assist.planned", "writeup.published"]
    )


def emit_now(org, django_capture_on_commit_callbacks, event="assist.planned", payload=None):
    with django_capture_on_commit_callbacks(execute=True):
        return services.emit(org, event, payload or {"assist": {"id": 7, "title": "Onboarding"}})


def test_a_receiver_gets_a_correctly_signed_delivery(
    org, webhook, receiver, django_capture_on_commit_callbacks
):
    (delivery,) = emit_now(org, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    signed = headers["X-Peerassist-Timestamp"].encode() + b"." + body
    expected = hmac.new(webhook.secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Peerassist-Signature"], f"sha256={expected}")
    # The body-only signature of version 1 stays, in its own header, for one more version.
    body_only = hmac.new(webhook.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Peerassist-Signature-Body"], f"sha256={body_only}")
    assert headers["X-Peerassist-Event"] == "assist.planned"
    assert headers["X-Peerassist-Delivery"] == str(delivery.pk)
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert payload["event"] == "assist.planned"
    assert payload["id"] == delivery.pk
    assert payload["organisation"] == org.slug
    assert payload["data"] == {"assist": {"id": 7, "title": "Onboarding"}}
    # The signed body carries the same timestamp as the header, so replays can be refused.
    assert str(payload["timestamp"]) == headers["X-Peerassist-Timestamp"]
    assert abs(payload["timestamp"] - timezone.now().timestamp()) < 60
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.response_code) == (1, 200)
    assert delivery.next_attempt_at is None and delivery.delivered_at is not None
    assert delivery.log.get().response_code == 200


def test_a_signature_made_with_another_secret_does_not_match(
    org, webhook, receiver, django_capture_on_commit_callbacks
):
    emit_now(org, django_capture_on_commit_callbacks)
    headers, body = receiver.requests[0]
    forged = webhook_delivery.signature("not-the-secret", body)
    assert forged != headers["X-Peerassist-Signature"]


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    org, webhook, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        (delivery,) = emit_now(org, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert (delivery.attempts, delivery.response_code) == (1, 500)
    assert delivery.next_attempt_at == start + timedelta(minutes=1)
    assert "500" in delivery.error

    # Not due yet: the periodic job leaves it alone.
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        run_jobs()
    assert len(receiver.requests) == 1

    second = start + timedelta(minutes=1, seconds=5)
    with time_machine.travel(second, tick=False):
        run_jobs()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code) == (2, 503)
    assert delivery.next_attempt_at == second + timedelta(minutes=5)

    third = second + timedelta(minutes=5)
    with time_machine.travel(third, tick=False):
        run_jobs()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3 and delivery.next_attempt_at is None
    assert [a.response_code for a in delivery.log.all()] == [500, 503, 200]
    assert len(receiver.requests) == 3
    ids = {headers["X-Peerassist-Delivery"] for headers, _ in receiver.requests}
    assert ids == {str(delivery.pk)}


def test_a_delivery_fails_for_good_after_six_attempts(
    org, webhook, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500] * 10
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        (delivery,) = emit_now(org, django_capture_on_commit_callbacks)
    for wait in webhook_delivery.BACKOFF:
        now += wait
        with time_machine.travel(now, tick=False):
            webhook_delivery.retry_due(now)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == webhook_delivery.MAX_ATTEMPTS == 6
    assert delivery.next_attempt_at is None
    assert delivery.log.count() == 6
    with time_machine.travel(now + timedelta(days=2), tick=False):
        assert webhook_delivery.retry_due() == 0
    assert len(receiver.requests) == 6


def test_an_unreachable_receiver_is_logged_and_retried(org, django_capture_on_commit_callbacks):
    closed = Receiver()
    url = closed.url
    closed.close()
    Webhook.objects.create(organisation=org, url=url, events=["assist.planned"])
    (delivery,) = emit_now(org, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_code is None
    assert delivery.error
    assert delivery.log.get().error == delivery.error


def test_emit_only_records_for_active_subscribed_webhooks_of_that_organisation(
    org, other_org, receiver, django_capture_on_commit_callbacks
):
    subscribed = Webhook.objects.create(
        organisation=org, url=receiver.url, events=["assist.planned"]
    )
    Webhook.objects.create(organisation=org, url=receiver.url, events=["writeup.published"])
    Webhook.objects.create(
        organisation=org, url=receiver.url, events=["assist.planned"], active=False
    )
    Webhook.objects.create(organisation=other_org, url=receiver.url, events=["assist.planned"])
    deliveries = emit_now(org, django_capture_on_commit_callbacks)
    assert [d.webhook_id for d in deliveries] == [subscribed.pk]
    assert len(receiver.requests) == 1


def test_emit_refuses_an_unknown_event(org):
    with pytest.raises(ValueError, match="Unknown"):
        services.emit(org, "assist.exploded", {})


def test_nothing_is_sent_before_commit(org, webhook, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.emit(org, "assist.planned", {})
    assert receiver.requests == []
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_a_delivery_is_not_attempted_twice_at_once(
    org, webhook, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (delivery,) = services.emit(org, "assist.planned", {})
    assert webhook_delivery.attempt_delivery(delivery.pk) == DeliveryStatus.DELIVERED
    assert webhook_delivery.attempt_delivery(delivery.pk) == ""
    assert len(receiver.requests) == 1


def test_planning_an_assist_emits_assist_planned(
    organiser, receiver, django_capture_on_commit_callbacks
):
    Webhook.objects.create(
        organisation=organiser.organisation, url=receiver.url, events=["assist.planned"]
    )
    assist = assist_services.assist_create(
        viewer=organiser.viewer,
        title="Supplier onboarding",
        format_id=Format.objects.get(organisation=None, kind="mini").pk,
        join_home_team=True,
    )
    PeerAssist.objects.filter(pk=assist.pk).update(
        challenge="How do we onboard suppliers faster?",
        starts_at=timezone.now() + timedelta(days=20),
    )
    assist.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assist_services.assist_transition(
            viewer=organiser.viewer, assist=assist, target=Status.PLANNED
        )
    (_, body) = receiver.requests[0]
    payload = json.loads(body)
    assert payload["event"] == "assist.planned"
    assert payload["data"]["assist"]["id"] == assist.pk
    assert payload["data"]["assist"]["status"] == "planned"
    assert payload["data"]["assist"]["url"].endswith(f"/assists/{assist.pk}/")
