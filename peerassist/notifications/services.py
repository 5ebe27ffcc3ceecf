"""Tell people things: an in-app notification, emailed according to their preference."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from peerassist.notifications.models import Delivery, Notification, Preference
from peerassist.people.models import Person


def delivery_for(person: Person) -> str:
    """How this person wants email: immediate unless they chose otherwise."""
    preference = Preference.objects.filter(person=person).first()
    return preference.delivery if preference else Delivery.IMMEDIATE


def notify(
    people: Iterable[Person],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Record one notification per person; those who want email now get it after commit.

    `title` and `body` are already in the words the reader should see (translate them
    before calling); `url` is a path on this site.
    """
    from peerassist.notifications.tasks import email_notification

    created = []
    for person in {p.pk: p for p in people}.values():
        notification = Notification.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            kind=kind,
            title=title[:300],
            body=body,
            url=url,
        )
        created.append(notification)
        if person.email and delivery_for(person) == Delivery.IMMEDIATE:
            transaction.on_commit(
                lambda pk=notification.pk: email_notification.enqueue(notification_id=pk)
            )
    return created
