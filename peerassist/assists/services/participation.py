"""Who takes part: roles in the assist and requests to join a shared plan."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists import rules
from peerassist.assists.models import JoinRequest, Participation, PeerAssist, Role, Status
from peerassist.assists.selectors import viewer_person_id
from peerassist.assists.services._common import _require_edit, _review
from peerassist.core.events import publish, room_kick_on_commit
from peerassist.core.findings import Finding, RuleViolation, raise_on_errors
from peerassist.core.scoping import Viewer, require_member
from peerassist.people.models import Person


def _home_and_facilitators(assist: PeerAssist) -> tuple[set[int], set[int]]:
    home, facilitators = set(), set()
    for person_id, role in assist.participations.values_list("person_id", "role"):
        if role == Role.HOME_PEER:
            home.add(person_id)
        elif role == Role.FACILITATOR:
            facilitators.add(person_id)
    return home, facilitators


def _check_roles(assist: PeerAssist, person_id: int, role: str) -> None:
    home, facilitators = _home_and_facilitators(assist)
    home.discard(person_id)
    facilitators.discard(person_id)
    if role == Role.HOME_PEER:
        home.add(person_id)
    elif role == Role.FACILITATOR:
        facilitators.add(person_id)
    raise_on_errors(rules.facilitator_outside_home_team(facilitators, home))


@transaction.atomic
def participation_add(
    *, viewer: Viewer, assist: PeerAssist, person_id: int, role: str
) -> tuple[Participation, list[Finding]]:
    """Give a person of the organisation a role in the assist (or change the role they have)."""
    _require_edit(viewer, assist, allow_live=True)  # late joiners
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("'%(role)s' is not one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    person = Person.objects.for_org(assist.organisation).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person_id": _("There is no such person in your organisation.")})
    current = Participation.objects.filter(assist=assist, person=person).first()
    if role == Role.FACILITATOR and current is not None and current.role == Role.HOME_PEER:
        raise RuleViolation(rules.facilitator_outside_home_team([person.pk], [person.pk]))
    _check_roles(assist, person.pk, role)
    participation, _created = Participation.objects.update_or_create(
        assist=assist, person=person, defaults={"role": role}
    )
    return participation, _review(assist)


@transaction.atomic
def participation_remove(*, viewer: Viewer, assist: PeerAssist, participation_id: int) -> None:
    """Take someone off the assist."""
    _require_edit(viewer, assist, allow_live=True)
    removed = Participation.objects.filter(assist=assist, pk=participation_id).first()
    deleted, _by_model = Participation.objects.filter(assist=assist, pk=participation_id).delete()
    if removed is not None:
        # Their open live-room sockets close as soon as this commits.
        room_kick_on_commit(assist_id=assist.pk, person_id=removed.person_id)
        publish("participation.removed", {"assist_id": assist.pk, "person_id": removed.person_id})
    if not deleted:
        raise ValidationError(
            {"participation_id": _("This person does not take part in this assist.")}
        )


@transaction.atomic
def join_request_create(
    *, viewer: Viewer, assist: PeerAssist, role: str, message: str = ""
) -> JoinRequest:
    """Ask to join a shared plan as visiting peer or observer."""
    require_member(viewer)
    assist.status = PeerAssist.objects.values_list("status", flat=True).get(pk=assist.pk)
    if assist.status not in (Status.PLANNED, Status.INVITED):
        raise ValidationError({"assist": _("Only planned assists take requests to join.")})
    if role not in (Role.VISITING_PEER, Role.OBSERVER):
        raise ValidationError({"role": _("You can ask to join as a visiting peer or an observer.")})
    person_id = viewer_person_id(viewer)
    if person_id is None:
        raise ValidationError({"person": _("You need an entry in the people directory to join.")})
    if Participation.objects.filter(assist=assist, person_id=person_id).exists():
        raise ValidationError({"person": _("You already take part in this assist.")})
    if JoinRequest.objects.filter(
        assist=assist, person_id=person_id, status=JoinRequest.Decision.PENDING
    ).exists():
        raise ValidationError({"person": _("You have already asked; the home team will answer.")})
    return JoinRequest.objects.create(
        assist=assist, person_id=person_id, role=role, message=message.strip()
    )


@transaction.atomic
def join_request_decide(
    *, viewer: Viewer, assist: PeerAssist, request_id: int, accept: bool
) -> JoinRequest:
    """Accept (the person joins with the role asked) or decline a request to join."""
    _require_edit(viewer, assist)
    request = JoinRequest.objects.select_for_update().filter(assist=assist, pk=request_id).first()
    if request is None or request.status != JoinRequest.Decision.PENDING:
        raise ValidationError({"request_id": _("There is no open request with this id.")})
    request.status = JoinRequest.Decision.ACCEPTED if accept else JoinRequest.Decision.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    if accept:
        Participation.objects.get_or_create(
            assist=assist, person_id=request.person_id, defaults={"role": request.role}
        )
    return request
