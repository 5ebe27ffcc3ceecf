"""Sending webhook deliveries: sign, POST once to a checked address, log the attempt, and
schedule the next one with backoff. `tasks.deliver` and the periodic job call in here; nothing
here enqueues work, so the task and this module do not import each other."""

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
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from peerassist.webhooks import addresses
from peerassist.webhooks.models import Attempt, Delivery, DeliveryStatus

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
    return delivery.status


def retry_at(delivery_id: int) -> datetime | None:
    """When a pending delivery is next due."""
    due: datetime | None = (
        Delivery.objects.filter(pk=delivery_id).values_list("next_attempt_at", flat=True).first()
    )
    return due


def retry_due(now: datetime | None = None) -> int:
    """Attempt every pending delivery that is due; returns how many were attempted."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:200]
    )
    return sum(1 for pk in due if attempt_delivery(pk))
