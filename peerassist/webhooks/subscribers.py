"""Webhooks listen to the stages' events: each becomes a delivery to every active receiver of
the organisation that asked for it, recorded in the publisher's transaction (the outbox)."""

from __future__ import annotations

from peerassist.core.events import EventPayload, subscriber
from peerassist.webhooks.models import Event
from peerassist.webhooks.services import emit


def _deliverer(event: str) -> None:
    @subscriber(event)
    def deliver(payload: EventPayload) -> None:
        data = {key: value for key, value in payload.items() if key != "organisation_id"}
        emit(payload["organisation_id"], event, data)


for _event in Event.values:
    _deliverer(_event)
