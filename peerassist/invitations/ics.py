"""The calendar file that travels with an invitation (RFC 5545 via `icalendar`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings

from peerassist.invitations.models import Invitation, InvitationStatus

PARTSTAT = {
    InvitationStatus.PENDING: "NEEDS-ACTION",
    InvitationStatus.ACCEPTED: "ACCEPTED",
    InvitationStatus.DECLINED: "DECLINED",
    InvitationStatus.SUGGESTED_OTHER: "DELEGATED",
}


def event_uid(assist_id: int) -> str:
    """The same for every version and every attendee, so calendars update one entry."""
    host = urlsplit(settings.SITE_URL).hostname or "peerassist"
    return f"assist-{assist_id}@{host}"


def invitation_ics(
    invitation: Invitation, *, link: str, cancel: bool = False, now: datetime | None = None
) -> bytes:
    """METHOD:REQUEST (or CANCEL) for one attendee; times in UTC."""
    assist = invitation.assist
    person = invitation.person
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//peerassist//invitations//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = icalendar.Event()
    event.add("uid", event_uid(assist.pk))
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    starts = assist.starts_at
    if starts is not None:
        event.add("dtstart", starts.astimezone(UTC))
        event.add("dtend", (assist.ends_at or starts + timedelta(hours=2)).astimezone(UTC))
    event.add("summary", assist.title)
    where = assist.place or assist.video_link
    if where:
        event.add("location", where)
    # A hybrid session's video link would otherwise be lost behind its room.
    video = assist.video_link if assist.video_link and assist.video_link != where else ""
    event.add("description", "\n\n".join(p for p in (assist.challenge, video, link) if p))
    event.add("url", link)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    _name, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{from_address}")
    organizer.params["cn"] = icalendar.vText(assist.organisation.name)
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = icalendar.vText(person.name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText(PARTSTAT[InvitationStatus(invitation.status)])
    attendee.params["rsvp"] = icalendar.vText("TRUE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
