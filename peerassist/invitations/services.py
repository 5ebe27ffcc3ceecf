"""Writes about invitations: inviting, answering, guest access and calendar updates.

Emails leave after commit, through `invitations.tasks`; every state change here is
claimed with a conditional UPDATE so that a link used twice, or two workers, never
count twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peerassist.accounts.models import Membership, User
from peerassist.accounts.models import Role as MembershipRole
from peerassist.assists.models import (
    NOT_TAKING_PART,
    Participation,
    PeerAssist,
    Role,
    Rsvp,
    Status,
    taking_part_q,
)
from peerassist.core.access import assist_rights
from peerassist.core.events import publish, room_kick_on_commit
from peerassist.core.findings import Finding, Level, RuleViolation
from peerassist.core.languages import words
from peerassist.core.outbox import enqueue_with_transaction
from peerassist.core.scoping import Viewer
from peerassist.invitations.models import Invitation, InvitationStatus, new_nonce
from peerassist.invitations.tokens import GuestClaim, RsvpClaim, TokenRefused
from peerassist.people.models import Person

#: An assist takes invitations once its plan stands, and until it has run.
INVITABLE_STATUSES = frozenset({Status.PLANNED, Status.INVITED, Status.LIVE})
#: Changing one of these changes the calendar entry: invitees get an update.
CALENDAR_FIELDS = frozenset({"starts_at", "ends_at", "place", "video_link", "title"})

RSVP_FOR_STATUS = {
    InvitationStatus.PENDING: Rsvp.PENDING,
    InvitationStatus.ACCEPTED: Rsvp.ACCEPTED,
    InvitationStatus.DECLINED: Rsvp.DECLINED,
    InvitationStatus.SUGGESTED_OTHER: Rsvp.DECLINED,
}
STATUS_FOR_ACTION = {
    "accept": InvitationStatus.ACCEPTED,
    "decline": InvitationStatus.DECLINED,
    "suggest": InvitationStatus.SUGGESTED_OTHER,
}


def _send_after_commit(invitation_id: int, kind: str) -> None:
    """The e-mail is queued in this transaction (see core/outbox.py) and sent after it."""
    from peerassist.invitations.tasks import send_invitation_email

    enqueue_with_transaction(send_invitation_email, invitation_id, kind)


def _require_invite(viewer: Viewer, assist: PeerAssist) -> None:
    if not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers can send invitations.")
        )
    status = PeerAssist.objects.values_list("status", flat=True).get(pk=assist.pk)
    if status == Status.PLANNED:
        # Sending invitations is how a ready plan becomes "invited": the move checks the
        # plan (rules.ready_to_invite) and refuses with its findings when it is not ready.
        from peerassist.assists.services import assist_transition

        assist_transition(viewer=viewer, assist=assist, target=Status.INVITED)
        assist.status = Status.INVITED
        return
    if status not in INVITABLE_STATUSES:
        raise RuleViolation(
            [
                Finding(
                    Level.ERROR,
                    "not_invitable",
                    _(
                        "Invitations go out once the plan is ready (status planned) and until "
                        "the session has run."
                    ),
                    "status",
                )
            ]
        )


def _invite(viewer: Viewer, assist: PeerAssist, participation: Participation) -> Invitation:
    invitation, created = Invitation.objects.get_or_create(
        assist=assist,
        person_id=participation.person_id,
        defaults={"role": participation.role, "invited_by": viewer.user},
    )
    if not created:
        # Asked again (after a cancellation, or a new role): a new version of the entry.
        invitation.role = participation.role
        invitation.status = InvitationStatus.PENDING
        invitation.responded_at = None
        invitation.cancelled_at = None
        invitation.sequence += 1
        invitation.rsvp_nonce = new_nonce()
        invitation.save()
    Participation.objects.filter(pk=participation.pk).update(rsvp=Rsvp.PENDING)
    _send_after_commit(invitation.pk, "invite")
    return invitation


@transaction.atomic
def invitation_send(
    *, viewer: Viewer, assist: PeerAssist, person_ids: Iterable[int]
) -> list[Invitation]:
    """Invite people who take part in the assist (each once; asking again re-sends)."""
    _require_invite(viewer, assist)
    wanted = set(person_ids)
    participations = {
        p.person_id: p for p in Participation.objects.filter(assist=assist, person_id__in=wanted)
    }
    if missing := sorted(wanted - set(participations)):
        raise ValidationError(
            {
                "person_ids": _("These people do not take part in this assist: %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    return [_invite(viewer, assist, participations[pid]) for pid in sorted(participations)]


@dataclass(frozen=True)
class Skipped:
    """Someone a bulk invitation left out, and why ("already_invited", "not_taking_part")."""

    person_id: int
    name: str  # "" when they do not take part: an id from elsewhere names no one
    reason: str


@dataclass(frozen=True)
class BulkInvitation:
    sent: list[Invitation]
    skipped: list[Skipped]


@transaction.atomic
def invitations_send_selected(
    *, viewer: Viewer, assist: PeerAssist, person_ids: Iterable[int]
) -> BulkInvitation:
    """The Invitations tab's bulk action ("select all" or a few): invite those chosen who take
    part and are not invited yet, through `invitation_send`; report the others with a reason
    instead of refusing all (a page loaded before someone else invited them, or removed them)."""
    if not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers can send invitations.")
        )
    wanted = set(person_ids)
    names = dict(
        Participation.objects.filter(assist=assist, person_id__in=wanted).values_list(
            "person_id", "person__name"
        )
    )
    invited = set(
        Invitation.objects.filter(
            assist=assist, person_id__in=wanted, cancelled_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    skipped = [Skipped(pid, "", "not_taking_part") for pid in sorted(wanted - set(names))] + [
        Skipped(pid, names[pid], "already_invited") for pid in sorted(invited & set(names))
    ]
    to_send = set(names) - invited
    sent = invitation_send(viewer=viewer, assist=assist, person_ids=to_send) if to_send else []
    return BulkInvitation(sent=sent, skipped=skipped)


@transaction.atomic
def guest_invite(
    *, viewer: Viewer, assist: PeerAssist, name: str, email: str, role: str
) -> Invitation:
    """Invite someone by name and e-mail; people not in the directory become external guests."""
    from peerassist.assists.services import participation_add

    _require_invite(viewer, assist)
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise ValidationError({"name": _("Give the guest's name.")})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    person = Person.objects.for_org(assist.organisation).filter(email__iexact=email).first()
    if (
        person is not None
        and Invitation.objects.filter(
            assist=assist, person=person, cancelled_at__isnull=True
        ).exists()
    ):
        # A second click, or a stale page: "Send again" on their row re-sends on purpose.
        raise ValidationError(
            {
                "email": _("%(name)s is already invited; use “Send again” to remind them.")
                % {"name": person.name}
            }
        )
    if person is None:
        # Their own time zone is unknown: the assist's is a better guess than UTC.
        person = Person.objects.create(
            organisation=assist.organisation,
            name=name[:200],
            email=email,
            is_external=True,
            time_zone=assist.time_zone,
        )
    participation, _findings = participation_add(
        viewer=viewer, assist=assist, person_id=person.pk, role=role
    )
    return _invite(viewer, assist, participation)


def _invitation(assist: PeerAssist, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(assist=assist, pk=invitation_id).first()
    if invitation is None:
        raise ValidationError({"invitation_id": _("There is no such invitation here.")})
    return invitation


@transaction.atomic
def invitation_resend(*, viewer: Viewer, assist: PeerAssist, invitation_id: int) -> Invitation:
    """Send the invitation again, as it stands (a cancelled one is invited anew)."""
    _require_invite(viewer, assist)
    invitation = _invitation(assist, invitation_id)
    if invitation.cancelled_at is not None:
        participation = Participation.objects.filter(
            assist=assist, person_id=invitation.person_id
        ).first()
        if participation is None:
            raise ValidationError(
                {"invitation_id": _("This person no longer takes part; add them again first.")}
            )
        return _invite(viewer, assist, participation)
    _send_after_commit(invitation.pk, "invite")
    return invitation


@transaction.atomic
def invitation_cancel(*, viewer: Viewer, assist: PeerAssist, invitation_id: int) -> Invitation:
    """Withdraw an invitation: the person leaves the assist and gets a calendar cancellation."""
    from peerassist.assists.services import participation_remove

    if not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers can cancel invitations.")
        )
    invitation = _invitation(assist, invitation_id)
    _cancel(invitation.pk)
    participation = Participation.objects.filter(
        assist=assist, person_id=invitation.person_id
    ).first()
    if participation is not None:
        participation_remove(viewer=viewer, assist=assist, participation_id=participation.pk)
    invitation.refresh_from_db()
    return invitation


def _cancel(invitation_id: int) -> bool:
    """Mark cancelled once (and close the guest link); the cancellation email follows."""
    claimed = Invitation.objects.filter(pk=invitation_id, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now(), sequence=F("sequence") + 1, access_key=new_nonce()
    )
    if claimed:
        invitation = Invitation.objects.values("assist_id", "person_id").get(pk=invitation_id)
        # Whoever is still on the assist (it was called off) no longer takes part.
        participation_answer(**invitation, rsvp=Rsvp.WITHDRAWN)
        _send_after_commit(invitation_id, "cancel")
    return bool(claimed)


def participation_removed(*, assist_id: int, person_id: int) -> None:
    """Someone left the assist: their calendar entry is cancelled (sent after commit)."""
    with transaction.atomic():
        for invitation_id in Invitation.objects.filter(
            assist_id=assist_id, person_id=person_id, sent_at__isnull=False
        ).values_list("pk", flat=True):
            _cancel(invitation_id)


def assist_cancelled(*, assist_id: int) -> None:
    """The assist will not happen: every invitee's calendar entry is cancelled."""
    with transaction.atomic():
        for invitation_id in Invitation.objects.filter(
            assist_id=assist_id, sent_at__isnull=False
        ).values_list("pk", flat=True):
            _cancel(invitation_id)


def assist_changed(*, assist_id: int, changed_fields: Iterable[str]) -> int:
    """The time, place or title changed: invitees get an update with a higher SEQUENCE (sent
    after commit). Returns how many updates go out."""
    if not CALENDAR_FIELDS & set(changed_fields):
        return 0
    with transaction.atomic():
        current = Invitation.objects.filter(
            assist_id=assist_id, sent_at__isnull=False, cancelled_at__isnull=True
        ).exclude(status__in=[InvitationStatus.DECLINED, InvitationStatus.SUGGESTED_OTHER])
        ids = list(current.values_list("pk", flat=True))
        Invitation.objects.filter(pk__in=ids).update(sequence=F("sequence") + 1)
        for invitation_id in ids:
            _send_after_commit(invitation_id, "update")
    return len(ids)


# --- Answers by link (no sign-in) -------------------------------------------------------


def rsvp_check(*, claim: RsvpClaim) -> Invitation:
    """The invitation an RSVP link answers, if the link is still unused."""
    invitation = (
        Invitation.objects.select_related("assist__organisation", "person")
        .filter(pk=claim.invitation_id)
        .first()
    )
    if invitation is None:
        raise TokenRefused("forged")
    if invitation.cancelled_at is not None:
        raise TokenRefused("cancelled")
    if invitation.rsvp_nonce != claim.nonce:
        raise TokenRefused("used")
    return invitation


@dataclass(frozen=True)
class Suggestion:
    name: str
    email: str
    reason: str = ""


@transaction.atomic
def rsvp_answer(*, claim: RsvpClaim, suggestion: Suggestion | None = None) -> Invitation:
    """Record the answer an RSVP link carries; the link (and its siblings) is used up."""
    invitation = rsvp_check(claim=claim)
    status = STATUS_FOR_ACTION[claim.action]
    fields: dict[str, object] = {}
    if status == InvitationStatus.SUGGESTED_OTHER:
        if suggestion is None:
            raise ValidationError(_("Tell us who to ask instead."))
        fields = {
            "suggested_name": suggestion.name.strip()[:200],
            "suggested_email": suggestion.email.strip().lower(),
            "suggested_reason": suggestion.reason.strip()[:1000],
        }
    claimed = Invitation.objects.filter(
        Q(pk=invitation.pk) & Q(rsvp_nonce=claim.nonce) & Q(cancelled_at__isnull=True)
    ).update(rsvp_nonce=new_nonce(), status=status, responded_at=timezone.now(), **fields)
    if not claimed:
        raise TokenRefused("used")
    participation_answer(
        assist_id=invitation.assist_id, person_id=invitation.person_id, rsvp=RSVP_FOR_STATUS[status]
    )
    invitation.refresh_from_db()
    publish("invitation.answered", _answered_event(invitation))
    return invitation


def participation_answer(*, assist_id: int, person_id: int, rsvp: str) -> None:
    """Their participation follows the answer, in the caller's transaction: someone who says
    no (or whose invitation is withdrawn) leaves their breakout group and the live room."""
    rows = Participation.objects.filter(assist_id=assist_id, person_id=person_id)
    if rsvp in NOT_TAKING_PART:
        if rows.update(rsvp=rsvp, group=None):
            room_kick_on_commit(assist_id=assist_id, person_id=person_id)
    else:
        rows.update(rsvp=rsvp)


#: The answers' names (InvitationStatus's labels), to be put in each reader's language.
_ANSWER_WORDS: dict[str, str] = {
    InvitationStatus.PENDING: gettext_noop("Not answered yet"),
    InvitationStatus.ACCEPTED: gettext_noop("Accepted"),
    InvitationStatus.DECLINED: gettext_noop("Declined"),
    InvitationStatus.SUGGESTED_OTHER: gettext_noop("Suggested someone else"),
}


def _answered_event(invitation: Invitation) -> dict[str, object]:
    """What "invitation.answered" tells: the answer, and the notification for the home team
    and the facilitator (notifications subscribe to it)."""
    invitation = Invitation.objects.select_related("assist", "person").get(pk=invitation.pk)
    team = Person.objects.filter(
        taking_part_q("participations__"),
        participations__assist=invitation.assist,
        participations__role__in=[Role.HOME_PEER, Role.FACILITATOR],
    ).exclude(pk=invitation.person_id)
    body = ""
    body_words = None
    if invitation.status == InvitationStatus.SUGGESTED_OTHER:
        suggestion = {
            "name": invitation.suggested_name,
            "email": invitation.suggested_email,
            "reason": invitation.suggested_reason,
        }
        body = _("They suggest %(name)s <%(email)s>: %(reason)s") % suggestion
        body_words = words(
            gettext_noop("They suggest %(name)s <%(email)s>: %(reason)s"), **suggestion
        )
    # The notification's words in each reader's language (title/body: the sender's, as before).
    title_words = words(
        gettext_noop("%(person)s: %(answer)s — %(assist)s"),
        person=invitation.person.name,
        answer=words(_ANSWER_WORDS.get(invitation.status, invitation.status)),
        assist=invitation.assist.title,
    )
    return {
        "organisation_id": invitation.assist.organisation_id,
        "assist_id": invitation.assist_id,
        "invitation_id": invitation.pk,
        "status": invitation.status,
        "notify": {
            "person_ids": list(team.values_list("pk", flat=True)),
            "title": _("%(person)s: %(answer)s — %(assist)s")
            % {
                "person": invitation.person.name,
                "answer": invitation.get_status_display(),
                "assist": invitation.assist.title,
            },
            "body": body,
            "title_words": title_words,
            "body_words": body_words,
            "url": f"/assists/{invitation.assist_id}/invitations/",
        },
    }


# --- Guest access --------------------------------------------------------------------------


def _has_own_account(user: User) -> bool:
    """A real account (password, staff, or more than guest somewhere) never opens by link."""
    return (
        user.has_usable_password()
        or user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user=user).exclude(role=MembershipRole.GUEST).exists()
    )


@transaction.atomic
def guest_access(*, claim: GuestClaim) -> tuple[User, Invitation]:
    """The passwordless guest account an external invitee's link opens (made the first time)."""
    invitation = (
        Invitation.objects.select_related("person", "assist__organisation")
        .filter(pk=claim.invitation_id)
        .first()
    )
    if invitation is None or invitation.access_key != claim.key:
        raise TokenRefused("forged" if invitation is None else "cancelled")
    if invitation.cancelled_at is not None:
        raise TokenRefused("cancelled")
    person = Person.objects.select_for_update().get(pk=invitation.person_id)
    if not person.is_external:
        raise TokenRefused("has_account")
    user = person.user or User.objects.filter(email__iexact=person.email).first()
    if user is None:
        user = User.objects.create_user(email=person.email, password=None, first_name=person.name)
    elif _has_own_account(user):
        raise TokenRefused("has_account")
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.get_or_create(
        user=user,
        organisation=invitation.assist.organisation,
        defaults={"role": MembershipRole.GUEST},
    )
    return user, invitation
