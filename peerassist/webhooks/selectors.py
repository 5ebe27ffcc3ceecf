"""Webhook reads: only an organisation's administrators see its webhooks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from peerassist.core.scoping import Viewer
from peerassist.webhooks.models import Delivery, Webhook

ADMINS_ONLY = "Only administrators of this organisation can manage webhooks."


def require_admin(viewer: Viewer | None) -> Viewer:
    """The viewer if they administer their organisation, else deny."""
    if viewer is None or not viewer.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
    return viewer


def webhook_list(*, viewer: Viewer) -> QuerySet[Webhook]:
    """The webhooks of the viewer's organisation (administrators only)."""
    require_admin(viewer)
    return Webhook.objects.filter(organisation=viewer.organisation)


def webhook_get(*, viewer: Viewer, webhook_id: int) -> Webhook:
    """One webhook of the viewer's organisation; raises Webhook.DoesNotExist otherwise."""
    return webhook_list(viewer=viewer).get(pk=webhook_id)


def delivery_list(*, viewer: Viewer, webhook: Webhook) -> QuerySet[Delivery]:
    """Deliveries to one of the viewer's webhooks, newest first, with their attempts."""
    require_admin(viewer)
    return Delivery.objects.filter(
        webhook=webhook, webhook__organisation=viewer.organisation
    ).prefetch_related("log")
