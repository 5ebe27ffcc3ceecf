"""Reads that only the planning pages need: each page's data in a fixed, small number of queries.

Everything starts from an assist the viewer was already allowed to see (selectors.assist_get)
or from the selectors' scoped lists, so nothing here widens what a viewer may see.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerassist.assists import rules, selectors
from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    ContributionKind,
    JoinRequest,
    Participation,
    PeerAssist,
    Role,
    Status,
    step_kinds_by_role,
    taking_part_q,
)
from peerassist.core import access
from peerassist.core.findings import Finding, Level
from peerassist.core.scoping import Viewer
from peerassist.people.models import Language, Person
from peerassist.people.selectors import language_list_in_use, person_list

#: Statuses in which invitations go out (as invitations.services.INVITABLE_STATUSES).
INVITABLE = (Status.PLANNED, Status.INVITED, Status.LIVE)

#: Statuses of assists that are still ahead of the people in them.
ACTIVE = (Status.DRAFT, Status.PLANNED, Status.INVITED, Status.LIVE)

#: Which findings each concern page shows (the overview shows them all).
PAGE_FIELDS = {
    "brief": {"brief", "focus_questions"},
    "agenda": {"agenda"},
    "people": {"facilitator", "visiting_peers", "participants", "groups"},
    "logistics": {"brief_send_on", "decision_date", "ends_at", "agenda"},
}

ROLE_ORDER = [Role.HOME_PEER, Role.FACILITATOR, Role.NOTE_TAKER, Role.VISITING_PEER, Role.OBSERVER]


def assist_zone(assist: PeerAssist) -> zoneinfo.ZoneInfo:
    """The assist's time zone; UTC if what is stored is not a zone name."""
    try:
        return zoneinfo.ZoneInfo(assist.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local(assist: PeerAssist, moment: datetime | None) -> datetime | None:
    """A stored moment as wall-clock time in the assist's time zone.

    Naive on purpose: templates convert aware datetimes to the request's zone."""
    return moment.astimezone(assist_zone(assist)).replace(tzinfo=None) if moment else None


# --- The list, the home page and shared plans -----------------------------------------------


def _role_of_viewer(viewer: Viewer) -> Subquery:
    return Subquery(
        Participation.objects.taking_part()
        .filter(assist=OuterRef("pk"), person__user=viewer.user)
        .values("role")[:1]
    )


def _people_count() -> Subquery:
    counted = (
        Participation.objects.taking_part()
        .filter(assist=OuterRef("pk"))
        .order_by()
        .values("assist")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted)


def _labelled(assists: list[PeerAssist]) -> list[PeerAssist]:
    for assist in assists:
        role = getattr(assist, "my_role", None)
        assist.my_role_label = Role(role).label if role else ""  # type: ignore[attr-defined]
        assist.starts_local = local(assist, assist.starts_at)  # type: ignore[attr-defined]
    return assists


def assist_rows(*, viewer: Viewer, status: str = "") -> list[PeerAssist]:
    """The assists the viewer may see, with their own role and the number of people, one query."""
    assists = selectors.assist_list(viewer=viewer).annotate(
        my_role=_role_of_viewer(viewer), people_count=_people_count()
    )
    if status:
        assists = assists.filter(status=status)
    return _labelled(
        list(assists.order_by(F("starts_at").desc(nulls_first=True), "-created_at", "pk"))
    )


def upcoming_for_viewer(*, viewer: Viewer, limit: int = 5) -> list[PeerAssist]:
    """The viewer's own assists that have not happened yet, soonest first (undated last)."""
    return _labelled(
        list(
            selectors.assist_list(viewer=viewer)
            .filter(
                taking_part_q("participations__"),
                participations__person__user=viewer.user,
                status__in=ACTIVE,
            )
            .distinct()
            .annotate(my_role=_role_of_viewer(viewer))
            .order_by(F("starts_at").asc(nulls_last=True), "-created_at", "pk")[:limit]
        )
    )


@dataclass(frozen=True)
class SharedPlan:
    assist: PeerAssist
    home_team: list[str]
    my_role: str
    asked: JoinRequest | None


def shared_plans(*, viewer: Viewer) -> list[SharedPlan]:
    """Planned assists shared with the organisation, with the viewer's own part in each."""
    assists = list(
        selectors.assist_list_shared_plans(viewer=viewer).prefetch_related("participations__person")
    )
    ids = [a.pk for a in assists]
    mine = {
        p.assist_id: p.role
        for p in Participation.objects.taking_part().filter(
            assist_id__in=ids, person__user=viewer.user
        )
    }
    asked = {
        r.assist_id: r
        for r in JoinRequest.objects.filter(assist_id__in=ids, person__user=viewer.user).order_by(
            "created_at"
        )
    }
    return [
        SharedPlan(
            assist=a,
            home_team=[
                p.person.name
                for p in a.participations.all()
                if p.role == Role.HOME_PEER and p.taking_part
            ],
            my_role=mine.get(a.pk, ""),
            asked=asked.get(a.pk),
        )
        for a in assists
    ]


# --- One assist -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    target: str
    label: str
    backwards: bool


_FORWARD = {
    Status.PLANNED: gettext_lazy("Mark as planned"),
    Status.INVITED: gettext_lazy("Mark as invited"),
    Status.LIVE: gettext_lazy("Mark as live"),
    Status.CONCLUDED: gettext_lazy("Mark as concluded"),
    Status.WRITTEN_UP: gettext_lazy("Mark as written up"),
    Status.FOLLOWED_UP: gettext_lazy("Mark as followed up"),
}
_ORDER = list(Status.values)


def moves(assist: PeerAssist) -> list[Move]:
    """The status changes the method allows from where the assist is, forwards first."""
    here = _ORDER.index(assist.status)
    result = []
    for target in rules.TRANSITIONS.get(assist.status, ()):
        backwards = _ORDER.index(target) < here
        if backwards:
            label = _("Back to %(status)s") % {"status": Status(target).label.lower()}
        else:
            label = str(_FORWARD[Status(target)])
        result.append(Move(target, label, backwards))
    return sorted(result, key=lambda m: m.backwards)


@dataclass(frozen=True)
class Findings:
    errors: list[Finding]
    warnings: list[Finding]
    nudges: list[Finding]

    def __bool__(self) -> bool:
        return bool(self.errors or self.warnings or self.nudges)


def grouped(findings: list[Finding], fields: set[str] | None = None) -> Findings:
    """Findings split by level, optionally only those about some fields."""
    chosen = [f for f in findings if fields is None or f.field in fields]
    return Findings(
        errors=[f for f in chosen if f.level == Level.ERROR],
        warnings=[f for f in chosen if f.level == Level.WARNING],
        nudges=[f for f in chosen if f.level == Level.NUDGE],
    )


@dataclass(frozen=True)
class TimelineItem:
    label: str
    when: date | datetime | None
    is_datetime: bool
    past: bool


def timeline(assist: PeerAssist) -> list[TimelineItem]:
    """Brief goes out → the session → the decision it feeds."""
    today = timezone.localdate()
    starts = local(assist, assist.starts_at)
    return [
        TimelineItem(
            _("The brief goes to the visiting peers"),
            assist.brief_send_on,
            False,
            bool(assist.brief_send_on and assist.brief_send_on < today),
        ),
        TimelineItem(_("The session"), starts, True, bool(starts and starts.date() < today)),
        TimelineItem(
            _("The decision this assist feeds"),
            assist.decision_date,
            False,
            bool(assist.decision_date and assist.decision_date < today),
        ),
    ]


@dataclass(frozen=True)
class RoleGroup:
    role: str
    label: str
    people: list[Participation]


def by_role(participations: list[Participation]) -> list[RoleGroup]:
    """Participations in the method's order of roles, every role listed even when empty."""
    return [
        RoleGroup(role, str(Role(role).label), [p for p in participations if p.role == role])
        for role in ROLE_ORDER
    ]


#: Which planning page fixes each open item of the readiness checklist.
_CHECK_PAGE = {
    "brief": "assists:brief",
    "focus_questions": "assists:brief",
    "when": "assists:logistics",
    "decision_date": "assists:logistics",
    "where": "assists:logistics",
    "home_team": "assists:people",
    "facilitator": "assists:people",
    "visiting_peers": "assists:people",
}

#: Statuses whose plan is still being prepared: the checklist and rules panel belong here.
PLANNING = (Status.DRAFT, Status.PLANNED)


@dataclass(frozen=True)
class NextStep:
    """What the viewer does next on this assist, and the page (url name, args) to do it on.

    `target` is set when the step is a status change made with the overview's form."""

    text: str
    label: str
    url_name: str = ""
    target: str = ""


def next_step(
    *,
    assist: PeerAssist,
    review: selectors.PlanReview,
    can_edit: bool,
    in_room: bool,
    invitations_sent: int,
) -> NextStep | None:
    """The one next step of the lifecycle for this viewer, or None when they have none."""
    status = assist.status
    if status in PLANNING and can_edit:
        open_items = [item for item in review.checklist if not item.done]
        if open_items:
            first = open_items[0]
            return NextStep(
                _("Next: %(item)s. %(hint)s") % {"item": first.label, "hint": first.hint},
                _("Go to %(item)s") % {"item": first.label.lower()},
                _CHECK_PAGE.get(first.code, "assists:overview"),
            )
        if invitations_sent == 0:
            return NextStep(
                _(
                    "Next: send the invitations. The plan is complete; the visiting peers get "
                    "the brief and a calendar entry."
                ),
                _("Send the invitations"),
                "invitations:manage",
            )
        return NextStep(
            _("Next: the invitations are out, so mark the assist as invited."),
            str(_FORWARD[Status.INVITED]),
            target=Status.INVITED,
        )
    if status == Status.INVITED and can_edit and invitations_sent == 0:
        return NextStep(
            _(
                "No invitations have gone out yet: nobody has the brief or the date. "
                "Send them from the Invitations page."
            ),
            _("Send the invitations"),
            "invitations:manage",
        )
    if status == Status.INVITED and in_room:
        if can_edit:
            return NextStep(
                _(
                    "Next: on the day, open the room and go live there. Going live starts "
                    "the timer and lets everyone post notes."
                ),
                _("Open the room"),
                "live:room",
            )
        return NextStep(
            _("The room opens when the facilitator starts the session."),
            _("Open the room"),
            "live:room",
        )
    if status == Status.LIVE and in_room:
        return NextStep(_("The session is live."), _("Join the live session"), "live:room")
    if status == Status.CONCLUDED and can_edit:
        return NextStep(
            _("Next: draft the write-up from the session's notes."),
            _("Write it up"),
            "writeups:writeup",
        )
    if status in (Status.CONCLUDED, Status.WRITTEN_UP, Status.FOLLOWED_UP):
        return NextStep(
            _("The session is over: read the conclusion and the write-up."),
            _("Conclusion & write-up"),
            "writeups:conclusion",
        )
    return None


@dataclass(frozen=True)
class Overview:
    review: selectors.PlanReview
    findings: Findings
    roles: list[RoleGroup]
    counts: Counter[str]
    timeline: list[TimelineItem]
    moves: list[Move]
    can_edit: bool
    starts_local: datetime | None
    ends_local: datetime | None
    pending_requests: int
    in_room: bool
    invitations_sent: int
    next: NextStep | None
    declines: list[Decline]
    can_invite: bool

    @property
    def planning(self) -> bool:
        """The checklist and the rules panel only matter while the plan is prepared."""
        return self.status in PLANNING

    @property
    def open_items(self) -> int:
        return sum(1 for item in self.review.checklist if not item.done)

    status: str = ""
    #: Organisers and admins may delete a draft or planned assist (assists/rules.py).
    can_delete: bool = False


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


def overview(*, viewer: Viewer, assist: PeerAssist) -> Overview:
    """Everything the overview page shows about one assist."""
    people = list(selectors.participation_list(assist=assist))
    review = selectors.plan_review(assist=assist, participations=people)
    editable = access.assist_rights(viewer=viewer, assist=assist, participations=people).edit_plan
    # The same people live.selectors.actor_for_user lets in: participants and organisers.
    in_room = assist.status in (Status.INVITED, Status.LIVE) and (
        viewer.can_manage_people or any(p.person.user_id == viewer.user.pk for p in people)
    )
    sent = selectors.invitations_sent_count(assist=assist)
    return Overview(
        status=assist.status,
        in_room=in_room,
        invitations_sent=sent,
        next=next_step(
            assist=assist,
            review=review,
            can_edit=editable,
            in_room=in_room,
            invitations_sent=sent,
        ),
        review=review,
        findings=grouped(review.findings),
        roles=by_role(people),
        counts=Counter(p.role for p in people),
        timeline=timeline(assist),
        moves=moves(assist) if editable else [],
        can_edit=editable,
        starts_local=local(assist, assist.starts_at),
        ends_local=local(assist, assist.ends_at),
        pending_requests=(
            assist.join_requests.filter(status=JoinRequest.Decision.PENDING).count()
            if editable
            else 0
        ),
        declines=declines(assist=assist) if editable else [],
        can_invite=editable and assist.status in INVITABLE,
        can_delete=not rules.can_delete(
            status=assist.status, manages_people=viewer.can_manage_people
        ),
    )


def agenda_steps(*, assist: PeerAssist) -> list[AssistStep]:
    """The assist's agenda, each step with the names of the roles who contribute in it and
    its step × role × kind table as cells (one per role of `KIND_TABLE_ROLES`)."""
    steps = list(assist.steps.order_by("order"))
    labels = dict(ContributionKind.choices)
    for step in steps:
        table = step_kinds_by_role(step)
        step.posting_labels = [  # type: ignore[attr-defined]
            Role(code).label for code in step.posting_roles if code in Role.values
        ]
        step.kind_cells = [  # type: ignore[attr-defined]
            [str(labels[k]) for k in table[role]] for role in KIND_TABLE_ROLES
        ]
    return steps


#: The columns of the agenda's "who may post what" table (facilitation records any kind).
KIND_TABLE_ROLES = ("home_peer", "visiting_peer", "observer")


def kind_table_headers() -> list[str]:
    """The column headings of the agenda's "who may post what" table."""
    return [str(Role(code).label) for code in KIND_TABLE_ROLES]


@dataclass(frozen=True)
class PeoplePage:
    roles: list[RoleGroup]
    participations: list[Participation]
    groups: list[BreakoutGroup]
    ungrouped: list[Participation]
    requests: list[JoinRequest]
    candidates: list[Person]
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
        candidates=candidate_list(viewer=viewer, assist=assist),
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


def candidate_list(*, viewer: Viewer, assist: PeerAssist) -> list[Person]:
    """People of the directory who do not take part yet, for the person picker."""
    return list(
        person_list(viewer=viewer).prefetch_related(None).exclude(participations__assist=assist)
    )
