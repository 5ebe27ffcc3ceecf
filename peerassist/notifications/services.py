"""Tell people things: an in-app notification, emailed according to their preference."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerassist.core.languages import Words, language_for_person, words_render
from peerassist.core.mail import absolute_url, send_email
from peerassist.core.outbox import enqueue_with_transaction
from peerassist.core.scoping import Viewer
from peerassist.notifications.models import Delivery, Notification, Preference
from peerassist.people.models import Person

#: Daily digests go out from this hour on, in each person's own time zone.
DIGEST_HOUR = 7


def delivery_for(person: Person) -> str:
    """How this person wants email: immediate unless they chose otherwise."""
    preference = Preference.objects.filter(person=person).first()
    return preference.delivery if preference else Delivery.IMMEDIATE


#: A notification's words: a function that writes them in the active language (called once
#: per reader, in the reader's language), Words (core.languages), or text already written.
NotificationText = Callable[[], str] | Words | str


def _written(text: NotificationText) -> str:
    return text() if callable(text) else words_render(text)


def notify(
    people: Iterable[Person],
    *,
    kind: str,
    title: NotificationText,
    body: NotificationText = "",
    url: str = "",
) -> list[Notification]:
    """Record one notification per person; those who want email now get it after commit.

    `title` and `body` are written when the notification is recorded, in each reader's own
    language (core.languages.language_for_person): pass a function that translates (or
    Words), not text translated in the sender's language. `url` is a path on this site.
    People who chose a daily digest get it in the next digest; people who chose "off" only
    see it in peerassist.
    """
    created = []
    for person in {p.pk: p for p in people}.values():
        with translation.override(language_for_person(person)):
            title_text, body_text = _written(title), _written(body)
        notification = Notification.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            kind=kind,
            title=title_text[:300],
            body=body_text,
            url=url,
        )
        created.append(notification)
        if person.email and delivery_for(person) == Delivery.IMMEDIATE:
            _email_with_transaction(notification.pk)
    return created


def _email_with_transaction(notification_id: int) -> None:
    from peerassist.notifications.tasks import email_notification

    enqueue_with_transaction(email_notification, notification_id=notification_id)


def _own_person(viewer: Viewer) -> Person:
    person: Person | None = Person.objects.filter(
        organisation=viewer.organisation, user=viewer.user
    ).first()
    if person is None:
        raise PermissionDenied(
            _("You have no entry in this organisation's directory, so no notifications.")
        )
    return person


def notification_mark_read(*, viewer: Viewer, notification: Notification) -> Notification:
    """Mark one of the viewer's notifications read (no change if it already was)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, viewer: Viewer) -> int:
    """Mark every unread notification of the viewer read; returns how many changed."""
    from peerassist.notifications.selectors import notification_list

    return notification_list(viewer=viewer, unread_only=True).update(read_at=timezone.now())


def preference_set(*, viewer: Viewer, delivery: str) -> Preference:
    """Choose how the viewer's notifications are emailed: immediate, daily digest or off."""
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": _("Choose immediate, daily or off.")})
    person = _own_person(viewer)
    preference, _created = Preference.objects.update_or_create(
        person=person, defaults={"delivery": delivery}
    )
    return preference


def _local_today(person: Person, now: datetime) -> tuple[datetime, datetime]:
    """The person's local time now, and when today's digest becomes due."""
    try:
        zone = ZoneInfo(person.time_zone or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    return local, datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=zone)


def send_digests(now: datetime) -> int:
    """Email each daily-digest person everything not yet emailed, at most once a local day.

    Claims the day on the preference (a conditional UPDATE) and each notification's
    `emailed_at`, so two workers never send the same digest or the same item twice.
    """
    sent = 0
    preferences = (
        Preference.objects.filter(delivery=Delivery.DAILY)
        .exclude(person__email="")
        .filter(
            person__notifications__emailed_at__isnull=True,
            person__notifications__created_at__lte=now,
        )
        .select_related("person")
        .distinct()
    )
    for preference in preferences:
        local, due = _local_today(preference.person, now)
        if local < due:
            continue
        today = local.date()
        claimed = Preference.objects.filter(
            Q(pk=preference.pk) & (Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
        ).update(digest_sent_on=today)
        if claimed and _send_digest(preference.person, now):
            sent += 1
    return sent


def _send_digest(person: Person, now: datetime) -> bool:
    pending = Notification.objects.filter(
        person=person, emailed_at__isnull=True, created_at__lte=now
    )
    ids = list(pending.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
    items = list(Notification.objects.filter(pk__in=ids, emailed_at=now).order_by("created_at"))
    if not items:
        return False
    count = len(items)
    language = language_for_person(person)
    with translation.override(language):
        subject = ngettext(
            "Your peerassist digest: %(count)d notification",
            "Your peerassist digest: %(count)d notifications",
            count,
        ) % {"count": count}
    send_email(
        to=[person.email],
        subject=subject,
        language=language,
        template="notifications/email/digest",
        context={
            "person": person,
            "items": [(item, absolute_url(item.url) if item.url else "") for item in items],
            "list_link": absolute_url("/notifications/"),
            "preferences_link": absolute_url("/notifications/preferences/"),
        },
    )
    return True
