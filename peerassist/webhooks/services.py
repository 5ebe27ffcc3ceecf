"""Webhook writes: record deliveries for events (sent by `tasks.deliver`, see `delivery.py`)
and manage the organisation's webhooks."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.accounts.models import Organisation
from peerassist.core.scoping import Viewer
from peerassist.webhooks import addresses
from peerassist.webhooks.delivery import PAUSED, TEST_EVENT
from peerassist.webhooks.models import Delivery, DeliveryStatus, Event, Webhook, new_secret
from peerassist.webhooks.selectors import require_admin
from peerassist.webhooks.tasks import deliver

EVENTS = [choice.value for choice in Event]


def emit(organisation: Organisation | int, event: str, payload: dict[str, Any]) -> list[Delivery]:
    """Record a delivery for each active webhook subscribed to `event`; send after commit."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    deliveries = []
    for webhook in Webhook.objects.filter(organisation=organisation, active=True):
        if event in (webhook.events or []):
            deliveries.append(_record(webhook, event, payload))
    return deliveries


def send_test(webhook: Webhook) -> Delivery:
    """Queue a "ping" delivery to `webhook`, whatever events it subscribes to."""
    return _record(
        webhook,
        TEST_EVENT,
        {"message": "This is a test delivery from peerassist.", "webhook": webhook.pk},
    )


def _record(webhook: Webhook, event: str, payload: dict[str, Any]) -> Delivery:
    delivery = Delivery.objects.create(
        webhook=webhook, event=event, payload=payload, next_attempt_at=timezone.now()
    )
    pk: int = delivery.pk
    transaction.on_commit(lambda: deliver.enqueue(delivery_id=pk))
    return delivery


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
