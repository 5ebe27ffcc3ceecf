"""Periodic jobs: reminders a day and an hour ahead, and the brief on its scheduled date.

Each send is claimed first with a conditional UPDATE of its `*_sent_at` column, so the
job can run any number of times, from any number of workers, and each email goes once.
A reminder whose moment passed more than its window ago is skipped, not sent late:
someone invited 30 minutes before the start gets no "tomorrow" reminder.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.db.models import Q

from peerassist.assists.models import Participation, PeerAssist, Role, Status
from peerassist.core.periodic import periodic_job
from peerassist.invitations.emails import deliver, deliver_brief
from peerassist.invitations.models import Invitation, InvitationStatus

DAY_AHEAD = timedelta(days=1)
DAY_WINDOW = timedelta(hours=12)
HOUR_AHEAD = timedelta(hours=1)
HOUR_WINDOW = timedelta(minutes=45)
REMINDED_STATUSES = (Status.PLANNED, Status.INVITED, Status.LIVE)
BRIEF_STATUSES = (Status.PLANNED, Status.INVITED)


def _remind(now: datetime, *, ahead: timedelta, window: timedelta, field: str, kind: str) -> int:
    # Due when now is in [start - ahead, start - ahead + window): starts_at in (now + ahead -
    # window, now + ahead].
    due = (
        Invitation.objects.filter(
            Q(**{f"{field}__isnull": True}),
            cancelled_at__isnull=True,
            sent_at__isnull=False,
            status__in=[InvitationStatus.PENDING, InvitationStatus.ACCEPTED],
            assist__status__in=REMINDED_STATUSES,
            assist__starts_at__lte=now + ahead,
            assist__starts_at__gt=now + ahead - window,
        )
        .select_related("assist__organisation", "person")
        .order_by("pk")
    )
    sent = 0
    for invitation in due:
        claimed = Invitation.objects.filter(pk=invitation.pk, **{f"{field}__isnull": True}).update(
            **{field: now}
        )
        if claimed:
            sent += deliver(invitation, kind)
    return sent


@periodic_job("invitations.reminder_day")
def reminders_day(now: datetime) -> int:
    """A reminder one day before the start, to those who accepted or have not answered."""
    return _remind(
        now, ahead=DAY_AHEAD, window=DAY_WINDOW, field="reminder_day_sent_at", kind="reminder_day"
    )


@periodic_job("invitations.reminder_hour")
def reminders_hour(now: datetime) -> int:
    """A reminder one hour before the start."""
    return _remind(
        now,
        ahead=HOUR_AHEAD,
        window=HOUR_WINDOW,
        field="reminder_hour_sent_at",
        kind="reminder_hour",
    )


def _today_in(zone: str, now: datetime):  # type: ignore[no-untyped-def]
    try:
        return now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.date()


@periodic_job("invitations.brief")
def briefs_due(now: datetime) -> int:
    """On its scheduled date (in the assist's time zone) the brief goes to every participant."""
    candidates = PeerAssist.objects.filter(
        brief_sent_at__isnull=True,
        brief_send_on__isnull=False,
        brief_send_on__lte=now.date() + timedelta(days=1),
        status__in=BRIEF_STATUSES,
    ).filter(Q(starts_at__isnull=True) | Q(starts_at__gt=now))
    sent = 0
    for assist in candidates.select_related("organisation"):
        if assist.brief_send_on is None or assist.brief_send_on > _today_in(assist.time_zone, now):
            continue
        claimed = PeerAssist.objects.filter(pk=assist.pk, brief_sent_at__isnull=True).update(
            brief_sent_at=now
        )
        if not claimed:
            continue
        invitations = {
            i.person_id: i
            for i in Invitation.objects.filter(assist=assist).select_related(
                "assist__organisation", "person"
            )
        }
        for participation in (
            Participation.objects.taking_part().filter(assist=assist).select_related("person")
        ):
            invitation = invitations.get(participation.person_id)
            if not brief_mail_needed(
                role=participation.role,
                invitation_sent_at=invitation.sent_at
                if invitation is not None and invitation.cancelled_at is None
                else None,
                brief_changed_at=assist.brief_changed_at,
            ):
                continue
            sent += deliver_brief(assist, participation.person, invitation)
    return sent


def brief_mail_needed(
    *, role: str, invitation_sent_at: datetime | None, brief_changed_at: datetime | None
) -> bool:
    """One brief e-mail per person: the home team wrote it, and an invitation carries the
    brief as it was when sent, so the scheduled mail goes only to those who have not had
    this brief yet (no invitation, or the brief changed after it went out)."""
    if role == Role.HOME_PEER:
        return False
    if invitation_sent_at is None:
        return True
    return brief_changed_at is not None and brief_changed_at > invitation_sent_at
