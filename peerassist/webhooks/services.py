"""Webhook writes: emit events, deliver them signed, retry with backoff, manage webhooks."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peerassist.accounts.models import Organisation
from peerassist.core.scoping import Viewer
from peerassist.webhooks import addresses
from peerassist.webhooks.models import (
    Attempt,
    Delivery,
    DeliveryStatus,
    Event,
    Webhook,
    new_secret,
)
from peerassist.webhooks.selectors import require_admin

if TYPE_CHECKING:
    from django.tasks import Task

    from peerassist.assists.models import PeerAssist

EVENTS = [choice.value for choice in Event]
TEST_EVENT = "ping"
#: Wait before attempt 2, 3, …; after the last one the delivery has failed for good.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 5
#: A claimed attempt that has not finished after this long is considered lost.
CLAIM_SECONDS = 60
USER_AGENT = "peerassist-webhooks/1"


def emit(organisation: Organisation, event: str, payload: dict[str, Any]) -> list[Delivery]:
    """Record a delivery for each active webhook subscribed to `event`; send after commit."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    deliveries = []
    for webhook in Webhook.objects.filter(organisation=organisation, active=True):
        if event in (webhook.events or []):
            deliveries.append(_record(webhook, event, payload))
    return deliveries


def assist_event_payload(assist: PeerAssist) -> dict[str, Any]:
    """The `data` of an assist.* event: what a receiver needs to find the assist."""
    from peerassist.core.mail import absolute_url

    return {
        "assist": {
            "id": assist.pk,
            "title": assist.title,
            "status": assist.status,
            "starts_at": assist.starts_at.isoformat() if assist.starts_at else None,
            "url": absolute_url(f"/assists/{assist.pk}/"),
        }
    }


def send_test(webhook: Webhook) -> Delivery:
    """Queue a "ping" delivery to `webhook`, whatever events it subscribes to."""
    return _record(
        webhook,
        TEST_EVENT,
        {"message": "This is a test delivery from peerassist.", "webhook": webhook.pk},
    )


def _record(webhook: Webhook, event: str, payload: dict[str, Any]) -> Delivery:
    from peerassist.webhooks.tasks import deliver

    delivery = Delivery.objects.create(
        webhook=webhook, event=event, payload=payload, next_attempt_at=timezone.now()
    )
    pk: int = delivery.pk
    transaction.on_commit(lambda: deliver.enqueue(delivery_id=pk))
    return delivery


def signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The value of X-Peerassist-Signature: HMAC-SHA256 of `timestamp + "." + body`.

    Without a timestamp, the body-only signature of X-Peerassist-Signature-Body (kept for
    receivers of version 1; it will be removed in the next version).
    """
    signed = body if timestamp is None else f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True)
class SignedRequest:
    url: str
    body: bytes
    headers: dict[str, str]


def build_request(delivery: Delivery, timestamp: int) -> SignedRequest:
    """The signed POST for `delivery`; the body carries the timestamp too."""
    body = json.dumps(
        {
            "id": delivery.pk,
            "event": delivery.event,
            "timestamp": timestamp,
            "organisation": delivery.webhook.organisation.slug,
            "data": delivery.payload,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    secret = delivery.webhook.secret
    return SignedRequest(
        url=delivery.webhook.url,
        body=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Peerassist-Event": delivery.event,
            "X-Peerassist-Delivery": str(delivery.pk),
            "X-Peerassist-Timestamp": str(timestamp),
            "X-Peerassist-Signature": signature(secret, body, timestamp),
            "X-Peerassist-Signature-Body": signature(secret, body),
        },
    )


def _connect(
    host: str, port: int, pinned: list[str] | None, timeout: float | None
) -> socket.socket:
    """A connection to the first checked address that answers (by name when allow-listed)."""
    if pinned is None:
        return socket.create_connection((host, port), timeout)
    error: OSError = OSError("no address")
    for address in pinned:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the addresses that were checked, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, pinned: list[str] | None, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned = pinned

    def connect(self) -> None:
        self.sock = _connect(self.host, self.port, self.pinned, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified against the URL's host name."""

    def __init__(self, host: str, port: int, pinned: list[str] | None, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.pinned = pinned

    def connect(self) -> None:
        sock = _connect(self.host, self.port, self.pinned, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _post(request: SignedRequest, pinned: list[str] | None) -> tuple[int, str]:
    """POST once, following no redirect; (status, reason) or an OSError/HTTPException."""
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connection = connection_class(host, port, pinned, TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status, response.reason
    finally:
        connection.close()


#: The one thing the log says when no HTTP answer came back: whether the port was closed,
#: filtered or spoke something else is not told (the log is no port scanner).
# Stored in English in the log, translated when shown (the template translates them).
NO_ANSWER = gettext_noop("No HTTP answer from the receiver (connection failed or timed out).")
REFUSED_ADDRESS = gettext_noop(
    "Not sent: the URL's host resolves to a private, loopback, link-local, multicast or "
    "reserved address."
)
PAUSED = gettext_noop("Not sent: the webhook was paused.")


def attempt_delivery(delivery_id: int) -> str:
    """Try one delivery if it is due: claim it, POST it, log the attempt, schedule a retry.

    Returns the delivery's status afterwards ("" if it was not due, someone else has it, or
    its webhook is paused).
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(
        Q(pk=delivery_id)
        & Q(status=DeliveryStatus.PENDING)
        & Q(next_attempt_at__isnull=False)
        & Q(next_attempt_at__lte=now)
        & (Q(webhook__active=True) | Q(event=TEST_EVENT))
    ).update(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    if not claimed:
        return ""
    delivery = Delivery.objects.select_related("webhook__organisation").get(pk=delivery_id)
    request = build_request(delivery, int(now.timestamp()))
    code: int | None = None
    error = ""
    started = time.monotonic()
    try:
        checked = addresses.delivery_addresses(request.url)
    except addresses.AddressRefused:
        error = REFUSED_ADDRESS
    except (OSError, UnicodeError, ValueError):
        error = NO_ANSWER
    else:
        try:
            code, reason = _post(request, None if checked is None else [str(a) for a in checked])
        except (OSError, http.client.HTTPException, ValueError):
            error = NO_ANSWER
        else:
            if not 200 <= code < 300:
                error = f"HTTP {code} {reason}"[:200]
                if 300 <= code < 400:
                    error += " (redirects are not followed)"
    # Only an HTTP answer's timing is kept: a failure's would tell a closed port from a
    # filtered one.
    duration_ms = int((time.monotonic() - started) * 1000) if code is not None else 0
    ok = code is not None and 200 <= code < 300
    return _finish(delivery, code=code, error=error, ok=ok, duration_ms=duration_ms)


def _finish(delivery: Delivery, *, code: int | None, error: str, ok: bool, duration_ms: int) -> str:
    from peerassist.webhooks.tasks import deliver

    now = timezone.now()
    delivery.attempts += 1
    delivery.response_code = code
    delivery.error = error[:2000]
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "attempts",
                "response_code",
                "error",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
        Attempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            response_code=code,
            error=delivery.error,
            duration_ms=duration_ms,
        )
        if delivery.status == DeliveryStatus.PENDING:
            run_after = delivery.next_attempt_at
            transaction.on_commit(lambda: _enqueue_retry(deliver, delivery.pk, run_after))
    return delivery.status


def _enqueue_retry(
    deliver_task: Task[..., Any], delivery_id: int, run_after: datetime | None
) -> None:
    """Ask the queue to retry later; the periodic job also picks up due retries."""
    if deliver_task.get_backend().supports_defer:
        deliver_task.using(run_after=run_after).enqueue(delivery_id=delivery_id)


def retry_due(now: datetime | None = None) -> int:
    """Attempt every pending delivery that is due; returns how many were attempted."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:200]
    )
    return sum(1 for pk in due if attempt_delivery(pk))


def validate_webhook_url(value: str) -> None:
    """Only http and https URLs with a host can receive deliveries."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            _(
                "Enter a web address starting with https:// (or http://), like "
                "https://example.com/peerassist-hook."
            ),
            code="scheme",
        )


def _clean(url: str | None, events: list[str] | None) -> None:
    errors: dict[str, list[str]] = {}
    if url is not None:
        try:
            validate_webhook_url(url)
            URLValidator(schemes=["http", "https"])(url)
            addresses.validate_public_url(url)
        except ValidationError as exc:
            errors["url"] = exc.messages[:1]
    if events is not None:
        unknown = sorted(set(events) - set(EVENTS))
        if unknown:
            errors["events"] = [_("Unknown events: %(names)s") % {"names": ", ".join(unknown)}]
        elif not events:
            errors["events"] = [_("Choose at least one event.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def webhook_create(*, viewer: Viewer, url: str, events: list[str], active: bool = True) -> Webhook:
    """A new webhook of the viewer's organisation, with a fresh secret (administrators only)."""
    require_admin(viewer)
    _clean(url, events)
    return Webhook.objects.create(
        organisation=viewer.organisation, url=url, events=sorted(set(events)), active=active
    )


@transaction.atomic
def webhook_update(
    *,
    viewer: Viewer,
    webhook: Webhook,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
) -> Webhook:
    """Change a webhook's URL, events or whether it is active (administrators only)."""
    require_admin(viewer)
    _clean(url, events)
    if url is not None:
        webhook.url = url
    if events is not None:
        webhook.events = sorted(set(events))
    if active is not None:
        webhook.active = active
    webhook.save(update_fields=["url", "events", "active"])
    if not webhook.active:
        _drop_pending(webhook, PAUSED)
    return webhook


def _drop_pending(webhook: Webhook, reason: str) -> int:
    """A paused webhook gets no more attempts: its pending deliveries fail, with the reason."""
    return Delivery.objects.filter(webhook=webhook, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, error=reason
    )


@transaction.atomic
def webhook_rotate_secret(*, viewer: Viewer, webhook: Webhook) -> Webhook:
    """Give a webhook a new secret; deliveries from now on are signed with it."""
    require_admin(viewer)
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret"])
    return webhook


@transaction.atomic
def webhook_delete(*, viewer: Viewer, webhook: Webhook) -> None:
    """Remove a webhook and its delivery log (administrators only)."""
    require_admin(viewer)
    webhook.delete()


@transaction.atomic
def webhook_test(*, viewer: Viewer, webhook: Webhook) -> Delivery:
    """Queue a "ping" delivery to the webhook, whatever events it subscribes to."""
    require_admin(viewer)
    return send_test(webhook)
