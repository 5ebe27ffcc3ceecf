"""Reads about assists, always through what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, Sum

from peerassist.assists import groups, rules
from peerassist.assists.models import (
    BreakoutGroup,
    Format,
    JoinRequest,
    Participation,
    ParticipationQuerySet,
    PeerAssist,
    Phase,
    Role,
    Status,
    Visibility,
)
from peerassist.core import access
from peerassist.core.findings import Finding
from peerassist.core.scoping import Viewer
from peerassist.people.selectors import person_for_viewer

EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.PLANNED, Status.INVITED})


def assist_list(*, viewer: Viewer) -> QuerySet[PeerAssist]:
    """Assists the viewer may see (`peerassist.core.access.assist_visible_q`), format loaded."""
    return PeerAssist.objects.filter(access.assist_visible_q(viewer)).select_related("format")


def assist_get(*, viewer: Viewer, assist_id: int) -> PeerAssist:
    """One assist the viewer may see; raises PeerAssist.DoesNotExist otherwise."""
    return assist_list(viewer=viewer).get(pk=assist_id)


def assist_list_shared_plans(*, viewer: Viewer) -> QuerySet[PeerAssist]:
    """Planned assists visible to the organisation, for "share your plans"."""
    return (
        assist_list(viewer=viewer)
        .filter(
            status__in=[Status.PLANNED, Status.INVITED],
            visibility__in=[Visibility.ORGANISATION, Visibility.PUBLISHED],
        )
        .order_by("starts_at", "pk")
    )


def participation_list_all(*, assist: PeerAssist) -> ParticipationQuerySet:
    """Everyone asked, also those who said no (for the people who manage the plan and the
    API, which show each one's answer), person, unit and group loaded."""
    return (
        Participation.objects.filter(assist=assist)
        .select_related("person__unit", "group")
        .prefetch_related("person__languages")
        .order_by("role", "person__name")
    )


def participation_list(*, assist: PeerAssist) -> ParticipationQuerySet:
    """Everyone taking part (not those who declined or whose invitation was withdrawn),
    person, unit and group loaded."""
    return participation_list_all(assist=assist).taking_part()


def declined_list(*, assist: PeerAssist) -> ParticipationQuerySet:
    """Those who said no, or whose invitation was withdrawn, person and unit loaded."""
    return participation_list_all(assist=assist).not_taking_part()


def group_list(*, assist: PeerAssist) -> QuerySet[BreakoutGroup]:
    """The assist's breakout groups in order, members (those taking part) loaded."""
    members = Participation.objects.taking_part().select_related("person")
    return (
        BreakoutGroup.objects.filter(assist=assist)
        .select_related("language")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("order", "pk")
    )


def format_list(*, viewer: Viewer) -> QuerySet[Format]:
    """The shipped formats and the viewer's organisation's own."""
    return (
        Format.objects.filter(Q(organisation__isnull=True) | Q(organisation=viewer.organisation))
        .annotate(total_minutes=Sum("steps__duration_minutes", filter=Q(steps__phase=Phase.DURING)))
        .order_by("organisation_id", "name")
    )


def format_get(*, viewer: Viewer, format_id: int) -> Format:
    return format_list(viewer=viewer).get(pk=format_id)


def agenda_minutes(*, assist: PeerAssist) -> int:
    """Total minutes of the assist's agenda during the session."""
    total = assist.steps.filter(phase="during").aggregate(total=Sum("duration_minutes"))["total"]
    return int(total or 0)


def plan_facts(
    *, assist: PeerAssist, participations: list[Participation] | None = None
) -> rules.PlanFacts:
    """Gather the facts the method's rules look at, in a few queries (fewer when the
    caller already loaded the participations with `participation_list`)."""
    people = [
        p
        for p in (
            participations
            if participations is not None
            else list(participation_list(assist=assist))
        )
        if p.taking_part
    ]
    home = [p for p in people if p.role == Role.HOME_PEER]
    visiting = [p for p in people if p.role == Role.VISITING_PEER]
    facilitators = [p for p in people if p.role == Role.FACILITATOR]
    session_date = assist.starts_at.date() if assist.starts_at else None
    brief_date = assist.brief_send_on
    if brief_date is None and assist.brief_sent_at is not None:
        brief_date = assist.brief_sent_at.date()
    return rules.PlanFacts(
        format_kind=assist.format.kind,
        brief_words=brief_word_count(assist),
        has_challenge=bool(assist.challenge.strip() and assist.business_context.strip()),
        focus_questions=list(assist.focus_questions),
        starts_at=assist.starts_at,
        ends_at=assist.ends_at,
        session_date=session_date,
        decision_date=assist.decision_date,
        brief_date=brief_date,
        agenda_minutes=agenda_minutes(assist=assist),
        mode=assist.mode,
        place=assist.place,
        video_link=assist.video_link,
        home_ids=[p.person_id for p in home],
        home_unit_ids=[p.person.unit_id for p in home],
        facilitator_ids=[p.person_id for p in facilitators],
        visiting_unit_ids=[p.person.unit_id for p in visiting],
        visiting_levels=[p.person.level for p in visiting],
        groups=assist.groups.count(),
    )


def brief_word_count(assist: PeerAssist) -> int:
    return rules.word_count(
        assist.business_context,
        assist.challenge,
        assist.planned_approach,
        assist.desired_outcome,
        *assist.focus_questions,
    )


@dataclass(frozen=True)
class PlanReview:
    findings: list[Finding]
    checklist: list[rules.CheckItem]
    words: int
    pages: float
    agenda_minutes: int

    @property
    def ready(self) -> bool:
        return all(item.done for item in self.checklist) and not any(
            f.level == "error" for f in self.findings
        )


def plan_review(
    *, assist: PeerAssist, participations: list[Participation] | None = None
) -> PlanReview:
    """Findings, readiness checklist and brief gauge for the assist's overview."""
    facts = plan_facts(assist=assist, participations=participations)
    return PlanReview(
        findings=rules.plan_findings(facts)
        + (breakout_review(assist=assist) if facts.groups else []),
        checklist=rules.readiness(facts),
        words=facts.brief_words,
        pages=rules.brief_pages(facts.brief_words),
        agenda_minutes=facts.agenda_minutes,
    )


def breakout_review(*, assist: PeerAssist) -> list[Finding]:
    """What the breakout groups (proposed or moved by hand) lack of the guide's rules."""
    group_list = list(assist.groups.order_by("order", "pk"))
    if not group_list:
        return []
    people = list(
        Participation.objects.taking_part()
        .filter(assist=assist)
        .select_related("person")
        .prefetch_related("person__languages")
    )
    names = dict(assist.languages.values_list("code", "name"))
    wanted = set(names)
    members: dict[int, tuple[int | None, groups.Member]] = {}
    for p in people:
        spoken = tuple(sorted(lang.code for lang in p.person.languages.all()))
        usable = tuple(code for code in spoken if code in wanted) if wanted else spoken
        member = groups.Member(
            p.pk, p.role == "home_peer", usable or spoken, role=p.role, name=str(p.person)
        )
        members[p.pk] = (p.group_id, member)
    facts = [
        groups.GroupFacts(
            group.name,
            group.language_id,
            tuple(m for group_id, m in members.values() if group_id == group.pk),
        )
        for group in group_list
    ]
    return groups.breakout_findings(facts, [m for _, m in members.values()], names or None)


def invitations_sent_count(*, assist: PeerAssist) -> int:
    """How many invitations went out for the assist and were not withdrawn."""
    return assist.invitations.filter(sent_at__isnull=False, cancelled_at__isnull=True).count()


def join_request_list(*, assist: PeerAssist) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(assist=assist).select_related("person__unit")


def viewer_person_id(viewer: Viewer) -> int | None:
    person = person_for_viewer(viewer=viewer)
    return person.pk if person else None
