"""The invitation emails: the brief, the time in the reader's time zone, RSVP links and an
.ics; one pair of templates (HTML and text) for every kind."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peerassist.assists.models import PeerAssist
from peerassist.core.languages import language_for_person
from peerassist.core.mail import absolute_url, send_email
from peerassist.core.when import format_span
from peerassist.invitations import tokens
from peerassist.invitations.ics import invitation_ics
from peerassist.invitations.models import Invitation
from peerassist.people.models import Person

KINDS = ("invite", "update", "cancel", "reminder_day", "reminder_hour", "brief")


def _subject(kind: str, assist: PeerAssist) -> str:
    subjects = {
        "invite": _("Invitation: %(title)s"),
        "update": _("Updated: %(title)s"),
        "cancel": _("Cancelled: %(title)s"),
        "reminder_day": _("Tomorrow: %(title)s"),
        "reminder_hour": _("In one hour: %(title)s"),
        "brief": _("The brief for %(title)s"),
    }
    return subjects[kind] % {"title": assist.title}


def local_time(moment: datetime | None, zone: str) -> datetime | None:
    """The wall-clock time in `zone`, naive so that templates show it as it is."""
    if moment is None:
        return None
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return moment.astimezone(tz).replace(tzinfo=None)


def open_link(person: Person, invitation: Invitation | None, assist: PeerAssist) -> str:
    """External guests get a personal sign-in link; everyone else the page behind sign-in."""
    if invitation is not None and person.is_external:
        token = tokens.guest_token(invitation_id=invitation.pk, key=invitation.access_key)
        return absolute_url(reverse("invitations:guest_access", args=[token]))
    return absolute_url(reverse("invitations:brief", args=[assist.pk]))


def rsvp_links(invitation: Invitation, *, absolute: bool = True) -> dict[str, str]:
    """The three answer links; `absolute=False` for pages of this site (any host or port)."""
    make = absolute_url if absolute else str
    return {
        action: make(
            reverse(
                "invitations:rsvp",
                args=[
                    tokens.rsvp_token(
                        invitation_id=invitation.pk, action=action, nonce=invitation.rsvp_nonce
                    )
                ],
            )
        )
        for action in tokens.RSVP_ACTIONS
    }


def email_context(
    *, kind: str, assist: PeerAssist, person: Person, invitation: Invitation | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "assist": assist,
        "person": person,
        "invitation": invitation,
        "time_zone": person.time_zone,
        "starts_local": local_time(assist.starts_at, person.time_zone),
        "ends_local": local_time(assist.ends_at, person.time_zone),
        # The reader's clock is unknown in an e-mail: the zone is always named (core/when.py).
        "when_text": format_span(
            assist.starts_at, assist.ends_at, zone=person.time_zone, name_zone=True
        ),
        "open_link": open_link(person, invitation, assist),
        "rsvp": rsvp_links(invitation) if invitation is not None and kind != "cancel" else {},
    }


def deliver(invitation: Invitation, kind: str) -> int:
    """Send one invitation email of `kind` now (from a task or a periodic job)."""
    if kind not in KINDS:
        raise ValueError(kind)
    assist, person = invitation.assist, invitation.person
    # Everything in the reader's language, whoever sends it: subject, text, HTML, .ics, dates.
    language = language_for_person(person)
    with translation.override(language):
        context = email_context(kind=kind, assist=assist, person=person, invitation=invitation)
        attachments: list[tuple[str, bytes | str, str]] = []
        if assist.starts_at is not None and kind in ("invite", "update", "cancel"):
            method = "CANCEL" if kind == "cancel" else "REQUEST"
            ics = invitation_ics(invitation, link=context["open_link"], cancel=kind == "cancel")
            attachments.append(
                ("invite.ics", ics, f"text/calendar; charset=utf-8; method={method}")
            )
        subject = _subject(kind, assist)
    sent = send_email(
        to=[person.email],
        subject=subject,
        language=language,
        template="invitations/email/cancel" if kind == "cancel" else "invitations/email/invitation",
        context=context,
        attachments=attachments,
    )
    if kind in ("invite", "update") and sent:
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return sent


def deliver_brief(assist: PeerAssist, person: Person, invitation: Invitation | None) -> int:
    """The scheduled brief, to one participant (with RSVP links if they were invited)."""
    if invitation is not None and invitation.cancelled_at is None:
        return deliver(invitation, "brief")
    language = language_for_person(person)
    with translation.override(language):
        subject = _subject("brief", assist)
        context = email_context(kind="brief", assist=assist, person=person, invitation=None)
    return send_email(
        to=[person.email],
        subject=subject,
        language=language,
        template="invitations/email/invitation",
        context=context,
    )
