"""Demo data: the assists that are out for invitation show invitations with a mix of
answers, and the demo guest (guest@partner.example) is invited to one of them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from peerassist.accounts.models import Organisation, User
from peerassist.assists.models import Participation, PeerAssist, Role, Rsvp, Status
from peerassist.invitations.models import Invitation, InvitationStatus
from peerassist.invitations.services import RSVP_FOR_STATUS
from peerassist.people.models import Person

#: When `peerassist demo` runs this loader (the demo's random stream is shared, so
#: the order is part of the demo): after communities: invitations to the assists out for invitation.
ORDER = 50

GUEST_EMAIL = "guest@partner.example"
ORGANISER_EMAIL = "organiser@meridian.example"
#: Answers handed out in turn, so that the tab shows every state.
ANSWERS = [
    InvitationStatus.ACCEPTED,
    InvitationStatus.DECLINED,
    InvitationStatus.PENDING,
    InvitationStatus.SUGGESTED_OTHER,
    InvitationStatus.ACCEPTED,
]


def _demo_guest(org: Organisation, assist: PeerAssist) -> None:
    user = User.objects.filter(email=GUEST_EMAIL).first()
    if user is None:
        return
    person, _created = Person.objects.get_or_create(
        organisation=org,
        email=GUEST_EMAIL,
        defaults={
            "name": user.get_full_name() or "Guest",
            "is_external": True,
            "user": user,
            "time_zone": assist.time_zone,
            "job_title": "Commissioning lead, Partner Engineering",
        },
    )
    Participation.objects.get_or_create(
        assist=assist, person=person, defaults={"role": Role.VISITING_PEER, "rsvp": Rsvp.ACCEPTED}
    )


def load(org: Organisation) -> None:
    """Idempotent: does nothing once the organisation has invitations."""
    if Invitation.objects.filter(assist__organisation=org).exists():
        return
    assists = list(
        PeerAssist.objects.filter(organisation=org, status__in=[Status.INVITED, Status.LIVE])
        .exclude(starts_at=None)
        .order_by("starts_at")
    )
    if not assists:
        return
    _demo_guest(org, next((a for a in assists if a.status == Status.INVITED), assists[0]))
    organiser = User.objects.filter(email=ORGANISER_EMAIL).first()
    now = timezone.now()
    turn = 0
    for assist in assists:
        sent = min(now, assist.starts_at) - timedelta(days=10)
        participations = (
            Participation.objects.filter(assist=assist)
            .exclude(role=Role.HOME_PEER)
            .select_related("person")
            .order_by("role", "person__name")
        )
        for participation in participations:
            if participation.person.email == GUEST_EMAIL or assist.status == Status.LIVE:
                status = InvitationStatus.ACCEPTED
            else:
                status = ANSWERS[turn % len(ANSWERS)]
                turn += 1
            suggestion = {}
            if status == InvitationStatus.SUGGESTED_OTHER:
                suggestion = {
                    "suggested_name": "Rosa Delgado",
                    "suggested_email": "rosa.delgado@meridian.example",
                    "suggested_reason": "She commissioned the Northbank works while it ran.",
                }
            Invitation.objects.create(
                assist=assist,
                person=participation.person,
                role=participation.role,
                status=status,
                invited_by=organiser,
                sent_at=sent,
                responded_at=None
                if status == InvitationStatus.PENDING
                else sent + timedelta(days=1),
                **suggestion,
            )
            Participation.objects.filter(pk=participation.pk).update(rsvp=RSVP_FOR_STATUS[status])
