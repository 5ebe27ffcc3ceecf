"""Demo data: a few notifications for the demo member, some read, some not."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from peerassist.accounts.models import Organisation
from peerassist.notifications.models import Notification
from peerassist.people.models import Person

MEMBER_EMAIL = "member@meridian.example"


def load(org: Organisation) -> None:
    person = Person.objects.filter(organisation=org, email=MEMBER_EMAIL).first()
    if person is None:
        return
    if Notification.objects.filter(person=person, kind__startswith="demo.").exists():
        return
    taking_part = person.participations.order_by("assist__starts_at").first()
    assist_url = f"/assists/{taking_part.assist_id}/" if taking_part else "/assists/"
    now = timezone.now()
    items = [
        (
            "demo.invited",
            "You are invited as a visiting peer",
            "The home team would value your experience.",
            assist_url,
            None,
            2,
        ),
        (
            "demo.brief",
            "The brief for your next Peer Assist is ready",
            "Read it before the day; it takes five minutes.",
            assist_url,
            None,
            26,
        ),
        ("demo.writeup", "A write-up you contributed to was published", "", "/assists/", now, 72),
    ]
    for kind, title, body, url, read_at, hours_ago in items:
        notification = Notification.objects.create(
            organisation=org,
            person=person,
            kind=kind,
            title=title,
            body=body,
            url=url,
            read_at=read_at,
            # Demo items are not emailed: the demo shows emails for what users do.
            emailed_at=now,
        )
        Notification.objects.filter(pk=notification.pk).update(
            created_at=now - timedelta(hours=hours_ago)
        )
