"""Invitations follow the plan: a changed time or place sends calendar updates, someone taken
off the assist gets a cancellation."""

from __future__ import annotations

from peerassist.core.events import EventPayload, subscriber
from peerassist.invitations import services


@subscriber("assist.changed")
def calendar_update(payload: EventPayload) -> None:
    services.assist_changed(assist_id=payload["assist_id"], changed_fields=payload["fields"])


@subscriber("participation.removed")
def calendar_cancel(payload: EventPayload) -> None:
    services.participation_removed(assist_id=payload["assist_id"], person_id=payload["person_id"])
