"""Demo data: a few notifications for the demo member, some read, some not."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.accounts.models import Organisation
from peerassist.notifications.models import Notification
from peerassist.people.models import Person

#: When `peerassist demo` runs this loader (the demo's random stream is shared, so
#: the order is part of the demo): after invitations: notifications point at them.
ORDER = 60

MEMBER_EMAIL = "member@meridian.example"


def load(org: Organisation) -> None:
    person = Person.objects.filter(organisation=org, email=MEMBER_EMAIL).first()
    if person is None:
        return
    if Notification.objects.filter(person=person, kind__startswith="demo.").exists():
        return
    # Each names its assist and links to it, as the real notifications do.
    taking_part = (
        person.participations.select_related("assist").order_by("assist__starts_at").first()
    )
    now = timezone.now()
    # kind, title, body, link, read at (None: unread), hours ago
    items: list[tuple[str, str, str, str, datetime | None, int]] = []
    if taking_part is not None:
        assist = taking_part.assist
        role = taking_part.get_role_display().lower()
        items += [
            (
                "demo.invited",
                # Product text, as a real notification's: the catalogue's, not the demo's.
                _("You are invited as %(role)s to “%(title)s”")
                % {"role": role, "title": assist.title},
                _("The home team would value your experience."),
                f"/assists/{assist.pk}/invitation/",
                None,
                2,
            ),
        ]
    written = (
        person.participations.select_related("assist")
        .filter(assist__writeup__isnull=False)
        .order_by("-assist__starts_at")
        .first()
    )
    if written is not None:
        items.append(
            (
                "demo.writeup",
                _("The write-up of “%s” is published") % written.assist.title,
                "",
                f"/assists/{written.assist_id}/writeup/",
                now,
                72,
            )
        )
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
