"""Notifications of the token's owner: list, mark read, and how they want them emailed.

Everything here is the caller's own: another person's notification is a 404.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import BoundedPages, ErrorOut, Id
from peerassist.notifications import selectors, services
from peerassist.notifications.models import Delivery, Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    read: bool

    @staticmethod
    def resolve_read(obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only notifications not read yet.")


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    delivery: Delivery = Field(..., description="immediate, daily (a digest) or off.")


class PreferenceIn(Schema):
    delivery: Delivery


@router.get(
    "/notifications/", response=list[NotificationOut], summary="Your notifications, newest first"
)
@paginate(BoundedPages, page_size=50)
def list_notifications(
    request: ApiRequest, filters: Query[NotificationFilters]
) -> QuerySet[Notification]:
    return selectors.notification_list(viewer=request.auth, unread_only=filters.unread)


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut},
    summary="Mark all your notifications read",
)
def mark_all_read(request: ApiRequest) -> dict[str, int]:
    return {"marked": services.notifications_mark_all_read(viewer=request.auth)}


@router.get(
    "/notifications/preferences",
    response={200: PreferenceOut},
    summary="How your notifications are emailed",
)
def get_preferences(request: ApiRequest) -> dict[str, str]:
    return {"delivery": selectors.delivery_get(viewer=request.auth)}


@router.put(
    "/notifications/preferences",
    response={200: PreferenceOut, 403: ErrorOut},
    summary="Choose how your notifications are emailed",
)
def put_preferences(request: ApiRequest, payload: PreferenceIn) -> Status[dict[str, str]]:
    preference = services.preference_set(viewer=request.auth, delivery=payload.delivery)
    return Status(200, {"delivery": preference.delivery})


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, 404: ErrorOut},
    summary="Mark one notification read",
)
def mark_read(request: ApiRequest, notification_id: Id) -> Notification:
    try:
        notification = selectors.notification_get(
            viewer=request.auth, notification_id=notification_id
        )
    except Notification.DoesNotExist:
        raise Http404(_("No such notification.")) from None
    return services.notification_mark_read(viewer=request.auth, notification=notification)
