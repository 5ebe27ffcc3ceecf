"""Notification reads: always the viewer's own, in their current organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from peerassist.core.scoping import Viewer
from peerassist.notifications.models import Delivery, Notification, Preference


def notification_list(*, viewer: Viewer, unread_only: bool = False) -> QuerySet[Notification]:
    """The viewer's notifications in their current organisation, newest first."""
    notifications = Notification.objects.filter(
        organisation=viewer.organisation, person__user=viewer.user
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def notification_get(*, viewer: Viewer, notification_id: int) -> Notification:
    """One of the viewer's notifications; raises Notification.DoesNotExist otherwise."""
    return notification_list(viewer=viewer).get(pk=notification_id)


def unread_count(*, viewer: Viewer) -> int:
    """How many of the viewer's notifications they have not read yet."""
    return notification_list(viewer=viewer, unread_only=True).count()


def delivery_get(*, viewer: Viewer) -> str:
    """How the viewer wants notifications emailed (immediate unless they chose otherwise)."""
    preference = Preference.objects.filter(
        person__organisation=viewer.organisation, person__user=viewer.user
    ).first()
    return preference.delivery if preference else Delivery.IMMEDIATE
