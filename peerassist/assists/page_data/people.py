"""The People page: who takes part, who declined (and whom they suggested), languages,
groups and the people who could be asked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from peerassist.assists import selectors
from peerassist.assists.models import BreakoutGroup, JoinRequest, Participation, PeerAssist, Role
from peerassist.assists.page_data._common import PAGE_FIELDS, Findings, RoleGroup, by_role, grouped
from peerassist.core.scoping import Viewer
from peerassist.people.models import Language, Person
from peerassist.people.selectors import language_list_in_use, person_list


@dataclass(frozen=True)
class Decline:
    """Someone who said no (or whose invitation was withdrawn), with whom they suggested."""

    participation: Participation
    answer: str
    suggested_name: str
    suggested_email: str
    suggested_reason: str
    suggested_is_in: bool


def declines(*, assist: PeerAssist) -> list[Decline]:
    """Who said no, for the people who manage the plan: each with the person they suggested
    asking instead (if any) and whether that person is already asked."""
    from peerassist.invitations.models import Invitation

    people = list(selectors.declined_list(assist=assist))
    invitations = {
        i.person_id: i
        for i in Invitation.objects.filter(
            assist=assist, person_id__in=[p.person_id for p in people]
        )
    }
    suggested = [i.suggested_email for i in invitations.values() if i.suggested_email]
    already_in = {
        email.lower()
        for email in Participation.objects.filter(
            assist=assist, person__email__in=suggested
        ).values_list("person__email", flat=True)
    }
    result = []
    for p in people:
        invitation = invitations.get(p.person_id)
        email = invitation.suggested_email if invitation else ""
        result.append(
            Decline(
                participation=p,
                answer=(
                    invitation.get_status_display()
                    if invitation and invitation.cancelled_at is None
                    else p.get_rsvp_display()
                ),
                suggested_name=invitation.suggested_name if invitation else "",
                suggested_email=email,
                suggested_reason=invitation.suggested_reason if invitation else "",
                suggested_is_in=bool(email) and email.lower() in already_in,
            )
        )
    return result


@dataclass(frozen=True)
class PeoplePage:
    roles: list[RoleGroup]
    participations: list[Participation]
    groups: list[BreakoutGroup]
    ungrouped: list[Participation]
    requests: list[JoinRequest]
    findings: Findings
    voices: int
    declined: list[Participation]


def people_page(*, viewer: Viewer, assist: PeerAssist) -> PeoplePage:
    """Who takes part, the breakout groups, open requests to join and who could be added;
    those who said no apart (they count nowhere, but the team sees their answer)."""
    everyone = list(selectors.participation_list_all(assist=assist))
    people = [p for p in everyone if p.taking_part]
    groups = list(assist.groups.select_related("language").order_by("order", "pk"))
    members: dict[int, list[Participation]] = {g.pk: [] for g in groups}
    for p in people:
        if p.group_id in members:
            members[p.group_id].append(p)
    for g in groups:
        g.member_list = members[g.pk]  # type: ignore[attr-defined]
    review = selectors.plan_review(assist=assist, participations=people)
    return PeoplePage(
        roles=by_role(people),
        participations=people,
        groups=groups,
        ungrouped=[p for p in people if p.group_id is None] if groups else [],
        requests=list(
            selectors.join_request_list(assist=assist).filter(status=JoinRequest.Decision.PENDING)
        ),
        findings=grouped(review.findings, PAGE_FIELDS["people"]),
        voices=sum(1 for p in people if p.role in (Role.HOME_PEER, Role.VISITING_PEER)),
        declined=[p for p in everyone if not p.taking_part],
    )


def language_choices(*, viewer: Viewer, assist: PeerAssist) -> list[Language]:
    """Languages spoken in the organisation, and any the assist already names."""
    return list(
        Language.objects.filter(
            Q(pk__in=language_list_in_use(viewer=viewer).values("pk"))
            | Q(pk__in=assist.languages.values("pk"))
        ).order_by("name")
    )


def participation_get(*, assist: PeerAssist, participation_id: int) -> Participation | None:
    """One participation of this assist, with the person, or None."""
    return (
        Participation.objects.filter(assist=assist, pk=participation_id)
        .select_related("person")
        .first()
    )


def group_list(*, assist: PeerAssist) -> list[BreakoutGroup]:
    return list(assist.groups.order_by("order", "pk"))


def community_people(*, viewer: Viewer, assist: PeerAssist) -> QuerySet[Person]:
    """For an assist held at a community's meeting or made from its topic: the community's
    members who do not take part yet, whom the person picker offers first. Empty otherwise."""
    # By relation names, not by importing communities (a higher layer).
    return (
        person_list(viewer=viewer)
        .prefetch_related(None)
        .filter(
            Q(communities__meetings__mini_assist=assist) | Q(communities__topics__assist=assist)
        )
        .exclude(participations__assist=assist)
        .distinct()
    )
