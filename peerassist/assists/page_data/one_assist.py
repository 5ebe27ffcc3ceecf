"""One assist's overview: the moves it may make, its findings, timeline, people by role, the
next step, and its agenda."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerassist.assists import rules, selectors
from peerassist.assists.models import (
    AssistStep,
    ContributionKind,
    JoinRequest,
    PeerAssist,
    Role,
    Status,
    step_kinds_by_role,
)
from peerassist.assists.page_data._common import (
    INVITABLE,
    Findings,
    RoleGroup,
    by_role,
    grouped,
    local,
)
from peerassist.assists.page_data.people import Decline, declines
from peerassist.core import access
from peerassist.core.scoping import Viewer


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
class TimelineItem:
    label: str
    when: date | datetime | None
    is_datetime: bool
    past: bool


def timeline(assist: PeerAssist) -> list[TimelineItem]:
    """Brief goes out → the session → the decision it feeds."""
    today = timezone.localdate()
    starts = assist.starts_at  # aware: shown in the viewer's zone
    return [
        TimelineItem(
            _("The brief goes to the visiting peers"),
            assist.brief_send_on,
            False,
            bool(assist.brief_send_on and assist.brief_send_on < today),
        ),
        TimelineItem(_("The session"), starts, True, bool(starts and starts < timezone.now())),
        TimelineItem(
            _("The decision this assist feeds"),
            assist.decision_date,
            False,
            bool(assist.decision_date and assist.decision_date < today),
        ),
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
