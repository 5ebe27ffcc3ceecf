"""Webhooks of the caller's organisation: administrators only (403 for everyone else).

The secret is returned once, when the webhook is created (and when it is rotated);
lists and reads never include it.
"""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AnyHttpUrl, StrictBool

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import BoundedPages, ErrorOut, FieldErrorOut, Id
from peerassist.core.scoping import Viewer
from peerassist.webhooks import selectors, services
from peerassist.webhooks.models import Attempt, Delivery, DeliveryStatus, Event, Webhook

router = Router(tags=["webhooks"])

NO_SUCH_WEBHOOK = "No such webhook in your organisation."


class WebhookOut(Schema):
    id: int
    url: str
    events: list[Event]
    active: bool
    created_at: datetime


class WebhookWithSecretOut(WebhookOut):
    secret: str = Field(
        ...,
        description=(
            "Shown only now: key of the HMAC-SHA256 in X-Peerassist-Signature "
            '(over the timestamp, ".", and the body).'
        ),
    )


class WebhookIn(Schema):
    url: AnyHttpUrl
    events: list[Event] = Field(..., min_length=1)
    active: StrictBool = True


class WebhookUpdateIn(Schema):
    url: AnyHttpUrl | None = None
    events: list[Event] | None = Field(None, min_length=1)
    active: StrictBool | None = None


class AttemptOut(Schema):
    number: int
    response_code: int | None
    error: str
    duration_ms: int
    created_at: datetime


class DeliveryOut(Schema):
    id: int
    event: str
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    response_code: int | None
    error: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    log: list[AttemptOut]

    @staticmethod
    def resolve_log(obj: Delivery) -> list[Attempt]:
        return list(obj.log.all())


def _webhook(viewer: Viewer, webhook_id: Id) -> Webhook:
    try:
        return selectors.webhook_get(viewer=viewer, webhook_id=webhook_id)
    except Webhook.DoesNotExist:
        raise Http404(NO_SUCH_WEBHOOK) from None


@router.get(
    "/webhooks/",
    response={200: list[WebhookOut], 403: ErrorOut},
    summary="Your organisation's webhooks",
)
def list_webhooks(request: ApiRequest) -> list[Webhook]:
    return list(selectors.webhook_list(viewer=request.auth))


@router.post(
    "/webhooks/",
    response={201: WebhookWithSecretOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Register a webhook (the answer carries its secret, once)",
)
def create_webhook(request: ApiRequest, payload: WebhookIn) -> Status[Webhook]:
    webhook = services.webhook_create(
        viewer=request.auth,
        url=str(payload.url),
        events=[str(e) for e in payload.events],
        active=payload.active,
    )
    return Status(201, webhook)


@router.get(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, 403: ErrorOut, 404: ErrorOut},
    summary="One webhook",
)
def get_webhook(request: ApiRequest, webhook_id: Id) -> Webhook:
    return _webhook(request.auth, webhook_id)


@router.patch(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change a webhook's URL, events or whether it is active",
)
def update_webhook(request: ApiRequest, webhook_id: Id, payload: WebhookUpdateIn) -> Webhook:
    webhook = _webhook(request.auth, webhook_id)
    return services.webhook_update(
        viewer=request.auth,
        webhook=webhook,
        url=str(payload.url) if payload.url is not None else None,
        events=[str(e) for e in payload.events] if payload.events is not None else None,
        active=payload.active,
    )


@router.delete(
    "/webhooks/{webhook_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove a webhook and its delivery log",
)
def delete_webhook(request: ApiRequest, webhook_id: Id) -> Status[None]:
    services.webhook_delete(viewer=request.auth, webhook=_webhook(request.auth, webhook_id))
    return Status(204, None)


@router.post(
    "/webhooks/{webhook_id}/secret",
    response={200: WebhookWithSecretOut, 403: ErrorOut, 404: ErrorOut},
    summary="Replace a webhook's secret (the answer carries the new one, once)",
)
def rotate_secret(request: ApiRequest, webhook_id: Id) -> Webhook:
    webhook = _webhook(request.auth, webhook_id)
    return services.webhook_rotate_secret(viewer=request.auth, webhook=webhook)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response=list[DeliveryOut],
    summary="The delivery log of a webhook, newest first",
)
@paginate(BoundedPages, page_size=50)
def list_deliveries(request: ApiRequest, webhook_id: Id) -> QuerySet[Delivery]:
    webhook = _webhook(request.auth, webhook_id)
    return selectors.delivery_list(viewer=request.auth, webhook=webhook)


@router.post(
    "/webhooks/{webhook_id}/test",
    response={202: DeliveryOut, 403: ErrorOut, 404: ErrorOut},
    summary='Queue a test delivery (event "ping")',
)
def test_webhook(request: ApiRequest, webhook_id: Id) -> Status[Delivery]:
    webhook = _webhook(request.auth, webhook_id)
    delivery = services.webhook_test(viewer=request.auth, webhook=webhook)
    return Status(
        202, selectors.delivery_list(viewer=request.auth, webhook=webhook).get(pk=delivery.pk)
    )
