"""Notifications listen to the stages' events that carry a `notify` part: the people to tell
and the words (already translated by the emitting app), recorded in its transaction."""

from __future__ import annotations

from peerassist.core.events import EventPayload, subscriber
from peerassist.notifications.services import notify
from peerassist.people.models import Person

#: Events whose payload carries {"notify": {person_ids, title, body, url}}.
NOTIFYING_EVENTS = ("invitation.answered",)


def _notifier(event: str) -> None:
    @subscriber(event)
    def tell(payload: EventPayload) -> None:
        told = payload["notify"]
        notify(
            Person.objects.filter(pk__in=told["person_ids"]),
            kind=event,
            # Words, when the emitter sent them, are put in each reader's language.
            title=told.get("title_words") or told["title"],
            body=told.get("body_words") or told.get("body", ""),
            url=told.get("url", ""),
        )


for _event in NOTIFYING_EVENTS:
    _notifier(_event)
