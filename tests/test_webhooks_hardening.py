"""Webhooks are no way into the server's network: private addresses are refused when a URL is
saved and again at delivery, redirects are not followed, the log tells no port from another;
paused webhooks get no more attempts; the secret is shown once; signatures cover the time."""

from __future__ import annotations

import socket
import threading

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from peerassist.accounts.services import api_token_create
from peerassist.webhooks import delivery as webhook_delivery
from peerassist.webhooks import services
from peerassist.webhooks.addresses import address_allowed, resolve, validate_public_url
from peerassist.webhooks.models import Delivery, DeliveryStatus, Webhook
from tests.test_webhooks_delivery import Receiver

pytestmark = pytest.mark.django_db

PRIVATE_URLS = [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://[::1]:{port}/",
    "http://0x7f000001:{port}/",
    "http://2130706433:{port}/",
    "http://127.1:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://0.0.0.0:{port}/",
    "http://10.1.2.3/",
    "http://192.168.0.1/",
    "http://172.16.5.4/",
    "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata, link-local
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://224.0.0.1/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="t")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


# --- At creation ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_a_private_address_is_refused_on_the_page(admin, receiver, url):
    url = url.format(port=receiver.server.server_port)
    response = admin.client().post("/webhooks/", {"url": url, "events": ["assist.planned"]})
    assert response.status_code == 400
    assert "field-errors" in response.content.decode()  # some forms are not even URLs to Django
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_every_form_of_a_private_address_is_refused_by_the_address_check(receiver, url):
    with pytest.raises(ValidationError, match="private network"):
        validate_public_url(url.format(port=receiver.server.server_port))


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_a_private_address_is_422_in_the_api(admin, receiver, url):
    url = url.format(port=receiver.server.server_port)
    client = bearer(admin)
    response = client.post(
        "/api/v1/webhooks/",
        {"url": url, "events": ["assist.planned"]},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert not Webhook.objects.exists()


def test_changing_a_webhook_to_a_private_address_is_refused(admin, org, receiver):
    webhook = Webhook.objects.create(
        organisation=org, url="https://hooks.example.com/a", events=["assist.planned"]
    )
    client = bearer(admin)
    response = client.patch(
        f"/api/v1/webhooks/{webhook.pk}",
        {"url": receiver.url},
        content_type="application/json",
    )
    assert response.status_code == 422
    webhook.refresh_from_db()
    assert webhook.url == "https://hooks.example.com/a"


def test_the_operator_can_allow_internal_hosts_or_networks(admin, receiver, settings):
    client = admin.client()
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    assert (
        client.post("/webhooks/", {"url": receiver.url, "events": ["assist.planned"]}).status_code
        == 302
    )
    settings.WEBHOOK_ALLOWED_HOSTS = []
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    localhost = f"http://localhost:{receiver.server.server_port}/"
    assert (
        client.post("/webhooks/", {"url": localhost, "events": ["assist.planned"]}).status_code
        == 302
    )
    # The allowed network opens only itself.
    response = client.post("/webhooks/", {"url": "http://10.0.0.1/", "events": ["assist.planned"]})
    assert response.status_code == 400


def test_public_addresses_are_allowed():
    assert address_allowed(resolve("93.184.216.34", 443)[0])
    assert address_allowed(resolve("2606:2800:220:1:248:1893:25c8:1946", 443)[0])


# --- At delivery ------------------------------------------------------------------------------


def _deliver(webhook, django_capture_on_commit_callbacks) -> Delivery:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send_test(webhook)
    delivery.refresh_from_db()
    return delivery


def test_a_removed_allowance_stops_deliveries_to_loopback(
    org, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    webhook = Webhook.objects.create(organisation=org, url=receiver.url, events=["assist.planned"])
    assert _deliver(webhook, django_capture_on_commit_callbacks).status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 1

    settings.WEBHOOK_ALLOWED_HOSTS = []
    delivery = _deliver(webhook, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1, "nothing more may reach the loopback receiver"
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code is None
    assert delivery.error == webhook_delivery.REFUSED_ADDRESS


def test_a_stored_name_that_resolves_to_loopback_is_refused_at_delivery(
    org, receiver, django_capture_on_commit_callbacks
):
    # Saved when the name pointed elsewhere (here: written straight to the database).
    url = f"http://localhost:{receiver.server.server_port}/hook"
    webhook = Webhook.objects.create(organisation=org, url=url, events=["assist.planned"])
    delivery = _deliver(webhook, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert delivery.error == webhook_delivery.REFUSED_ADDRESS


def test_delivery_connects_to_the_address_it_checked(
    org, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A name that resolves to a public address when checked and to loopback when connecting
    (DNS rebinding) never reaches loopback: the connection goes to the checked address."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    url = f"http://rebind.example:{receiver.server.server_port}/hook"
    webhook = Webhook.objects.create(organisation=org, url=url, events=["assist.planned"])
    from peerassist.webhooks import addresses

    monkeypatch.setattr(
        addresses, "resolve", lambda host, port: [__import__("ipaddress").ip_address("127.0.0.2")]
    )
    connected_to = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):
        connected_to.append(address[0])
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    _deliver(webhook, django_capture_on_commit_callbacks)
    assert connected_to == ["127.0.0.2"]


def test_delivery_tries_the_next_checked_address_when_one_does_not_answer(
    org, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    import ipaddress

    from peerassist.webhooks import addresses

    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    url = f"http://two-addresses.example:{receiver.server.server_port}/hook"
    webhook = Webhook.objects.create(organisation=org, url=url, events=["assist.planned"])
    both = [ipaddress.ip_address("127.0.0.3"), ipaddress.ip_address("127.0.0.1")]
    monkeypatch.setattr(addresses, "resolve", lambda host, port: both)
    delivery = _deliver(webhook, django_capture_on_commit_callbacks)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.requests[0][0]["Host"] == f"two-addresses.example:{receiver.server.server_port}"


def test_redirects_are_not_followed(org, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    target = Receiver()
    redirector = Receiver()
    redirector.statuses = [302]
    try:
        webhook = Webhook.objects.create(
            organisation=org, url=redirector.url, events=["assist.planned"]
        )
        delivery = _deliver(webhook, django_capture_on_commit_callbacks)
        assert delivery.response_code == 302 and delivery.status == DeliveryStatus.PENDING
        assert "redirects are not followed" in delivery.error
        assert target.requests == []
    finally:
        target.close()
        redirector.close()


class _Silent:
    """A TCP port that accepts and then says nothing HTTP: it closes at once, or speaks SSH."""

    def __init__(self, greeting: bytes | None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.greeting = greeting
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.greeting:
                conn.sendall(self.greeting)
            conn.close()

    def close(self):
        self.sock.close()


def test_the_log_does_not_tell_open_ports_from_closed_ones(
    org, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    hangs_up, speaks_ssh = _Silent(None), _Silent(b"SSH-2.0-OpenSSH_9.6\r\n")
    try:
        logs = []
        for port in (closed_port, hangs_up.port, speaks_ssh.port):
            webhook = Webhook.objects.create(
                organisation=org, url=f"http://127.0.0.1:{port}/", events=["assist.planned"]
            )
            delivery = _deliver(webhook, django_capture_on_commit_callbacks)
            attempt = delivery.log.get()
            logs.append(
                (delivery.error, delivery.response_code, attempt.error, attempt.duration_ms)
            )
    finally:
        hangs_up.close()
        speaks_ssh.close()
    assert logs == [(webhook_delivery.NO_ANSWER, None, webhook_delivery.NO_ANSWER, 0)] * 3


# --- Paused and deleted webhooks --------------------------------------------------------------


def test_pausing_a_webhook_drops_its_pending_retries(
    admin, org, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver.statuses = [500]
    webhook = Webhook.objects.create(organisation=org, url=receiver.url, events=["assist.planned"])
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = services.emit(org, "assist.planned", {"assist": {"id": 1}})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and len(receiver.requests) == 1

    services.webhook_update(viewer=admin.viewer, webhook=webhook, active=False)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert "paused" in delivery.error
    # Even a retry already queued finds nothing to send.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    assert webhook_delivery.attempt_delivery(delivery.pk) == ""
    assert webhook_delivery.retry_due() == 0
    assert len(receiver.requests) == 1


def test_a_deleted_webhooks_queued_retry_sends_nothing(
    admin, org, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver.statuses = [500]
    webhook = Webhook.objects.create(organisation=org, url=receiver.url, events=["assist.planned"])
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = services.emit(org, "assist.planned", {"assist": {"id": 1}})
    services.webhook_delete(viewer=admin.viewer, webhook=webhook)
    assert webhook_delivery.attempt_delivery(delivery.pk) == ""
    assert len(receiver.requests) == 1


# --- The secret, once -------------------------------------------------------------------------


def test_the_secret_is_shown_after_creation_and_rotation_only(admin, org):
    client = admin.client()
    response = client.post(
        "/webhooks/", {"url": "https://hooks.example.com/x", "events": ["assist.planned"]}
    )
    webhook = Webhook.objects.get()
    page = response["Location"]
    assert webhook.secret in client.get(page).content.decode()
    again = client.get(page).content.decode()
    assert webhook.secret not in again
    assert "shown once" in again

    old = webhook.secret
    client.post(f"/webhooks/{webhook.pk}/secret/")
    webhook.refresh_from_db()
    assert webhook.secret != old
    assert webhook.secret in client.get(page).content.decode()
    assert webhook.secret not in client.get(page).content.decode()
    # Another administrator never sees it.
    from tests.conftest import make_persona

    other_admin = make_persona(org, "admin", "admin2@meridian.test").client()
    assert webhook.secret not in other_admin.get(page).content.decode()


def test_the_page_log_shows_why_and_no_timing_for_failures(
    admin, org, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    webhook = Webhook.objects.create(
        organisation=org, url=f"http://127.0.0.1:{port}/", events=["assist.planned"]
    )
    _deliver(webhook, django_capture_on_commit_callbacks)
    services.webhook_update(viewer=admin.viewer, webhook=webhook, active=False)
    html = admin.client().get(f"/webhooks/{webhook.pk}/").content.decode()
    assert "No HTTP answer from the receiver" in html
    assert " ms)" not in html
    assert "Not sent: the webhook was paused." in html
