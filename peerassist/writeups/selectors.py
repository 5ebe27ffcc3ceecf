"""Reads after the session: the conclusion, actions, feedback, the write-up and follow-ups.

Every entry point takes the viewer. Who may see an assist and its write-up, and what they
may do with them, is decided in `peerassist.core.access` (including its one exception: the
people a published write-up was sent to may read it even when the assist is for its
participants only). The session's participants and votes, drafting and merging are imported
in the functions that use them (~45 ms): an export only finds a write-up (issue 19).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists.models import (
    ContributionKind,
    FormatKind,
    Participation,
    PeerAssist,
    Role,
    Rsvp,
    Status,
    step_kinds_by_role,
    taking_part_q,
)
from peerassist.core import access
from peerassist.core.scoping import Viewer
from peerassist.live.models import Contribution, Vote
from peerassist.people.models import Person
from peerassist.writeups.models import (
    Action,
    ActionStatus,
    Conclusion,
    ConnectPair,
    Feedback,
    FollowUp,
    WriteUp,
    WriteUpStatus,
    WriteUpVersion,
)

if TYPE_CHECKING:
    from peerassist.writeups import drafting

OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


# --- Access -----------------------------------------------------------------------------------
# Decided in `peerassist.core.access`; these name its answers for the after-session pages.

#: What the viewer may do after the session of one assist (and with its plan).
Rights = access.AssistRights


def assist_for_viewer(*, viewer: Viewer, assist_id: int) -> PeerAssist:
    """An assist the viewer may see, or whose published write-up was sent to them;
    raises PeerAssist.DoesNotExist otherwise (also for another organisation's)."""
    try:
        return access.get_assist_or_404(viewer=viewer, assist_id=assist_id, sent_writeup=True)
    except Http404:
        raise PeerAssist.DoesNotExist from None


def rights_for(*, viewer: Viewer, assist: PeerAssist) -> Rights:
    """The viewer's rights on the assist's conclusion, write-up and follow-up."""
    return access.assist_rights(viewer=viewer, assist=assist)


def writeup_for_viewer(*, viewer: Viewer, assist_id: int) -> WriteUp:
    """The write-up of an assist, if the viewer may read it; raises WriteUp.DoesNotExist."""
    try:
        assist = assist_for_viewer(viewer=viewer, assist_id=assist_id)
    except PeerAssist.DoesNotExist:
        raise WriteUp.DoesNotExist from None
    writeup = WriteUp.objects.select_related("assist__organisation", "published_by").get(
        assist=assist
    )
    if not access.writeup_readable(
        viewer=viewer, writeup=writeup, rights=access.assist_rights(viewer=viewer, assist=assist)
    ):
        raise WriteUp.DoesNotExist
    return writeup


def published_writeups(*, viewer: Viewer) -> QuerySet[WriteUp]:
    """Published write-ups the viewer may read (for the knowledge base and reports)."""
    return (
        WriteUp.objects.filter(
            assist__organisation=viewer.organisation, status=WriteUpStatus.PUBLISHED
        )
        .filter(access.published_writeup_readable_q(viewer))
        .select_related("assist")
        .distinct()
        .order_by("-published_at", "pk")
    )


# --- The conclusion ---------------------------------------------------------------------------


def conclusion_get(*, assist: PeerAssist) -> Conclusion | None:
    return Conclusion.objects.filter(assist=assist).first()


def action_list(*, assist: PeerAssist) -> QuerySet[Action]:
    """The assist's actions in order, owner and linked contributions loaded."""
    return (
        Action.objects.filter(assist=assist)
        .select_related("owner__unit")
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("author"))
        )
    )


def connect_pair_list(*, assist: PeerAssist) -> QuerySet[ConnectPair]:
    return ConnectPair.objects.filter(assist=assist).select_related("home_peer", "visiting_peer")


def session_contributions(*, assist: PeerAssist) -> QuerySet[Contribution]:
    """The notes that count: not deleted and not merged into another."""
    return Contribution.objects.filter(
        assist=assist, deleted_at__isnull=True, merged_into__isnull=True
    ).select_related("author")


def candidate_contributions(*, assist: PeerAssist) -> QuerySet[Contribution]:
    """Notes an action can be based on: the starred ones and the action ideas."""
    return session_contributions(assist=assist).filter(
        Q(starred=True) | Q(kind=ContributionKind.ACTION_IDEA)
    )


@dataclass(frozen=True)
class FeedbackView:
    """One piece of feedback as others see it: no name when it was given anonymously."""

    usefulness: int
    comment: str
    anonymous: bool
    name: str | None


def feedback_list(*, assist: PeerAssist) -> list[FeedbackView]:
    """Feedback for display: named first (by name), then anonymous ones in an order that
    does not reveal who gave them (by score and comment, not by time)."""
    rows = list(Feedback.objects.filter(assist=assist).select_related("person"))
    named = sorted((f for f in rows if not f.anonymous), key=lambda f: f.person.name)
    anonymous = sorted((f for f in rows if f.anonymous), key=lambda f: (-f.usefulness, f.comment))
    return [
        FeedbackView(f.usefulness, f.comment, f.anonymous, None if f.anonymous else f.person.name)
        for f in [*named, *anonymous]
    ]


def feedback_average(views: list[FeedbackView]) -> float | None:
    if not views:
        return None
    return round(sum(v.usefulness for v in views) / len(views), 1)


def feedback_mine(*, assist: PeerAssist, person: Person | None) -> Feedback | None:
    if person is None:
        return None
    return Feedback.objects.filter(assist=assist, person=person).first()


@dataclass(frozen=True)
class AttendanceRow:
    """One person taking part, and whether they were there: as recorded, else a guess."""

    participation: Participation
    present: bool
    recorded: bool
    seen_in_room: bool


def attendance_list(*, assist: PeerAssist) -> list[AttendanceRow]:
    """Who was at the session, among those taking part. Where nothing is recorded yet the
    guess is "there" for people seen in the live room, people who accepted, and the people
    who ran it without an invitation (home team, facilitator); "not there" for invitees
    who never said yes."""
    from django.apps import apps

    from peerassist.assists.selectors import participation_list

    invitation = apps.get_model("invitations", "Invitation")
    invited = invitation.objects.filter(
        assist_id=OuterRef("assist_id"), person_id=OuterRef("person_id"), cancelled_at=None
    )
    rows = participation_list(assist=assist).annotate(invited=Exists(invited))
    return [
        AttendanceRow(
            participation=p,
            present=(
                p.attended
                if p.attended is not None
                else (
                    p.seen_in_room_at is not None or p.rsvp == Rsvp.ACCEPTED or not p.invited  # type: ignore[attr-defined]
                )
            ),
            recorded=p.attended is not None,
            seen_in_room=p.seen_in_room_at is not None,
        )
        for p in rows
    ]


def organisation_people(*, assist: PeerAssist) -> QuerySet[Person]:
    """Everyone in the assist's organisation, by name (who may own an action)."""
    return Person.objects.filter(organisation_id=assist.organisation_id).order_by("name")


def people_taking_part(*, assist: PeerAssist, role: str) -> QuerySet[Person]:
    """The people taking part in the assist in `role`, by name (for choosing among them)."""
    return Person.objects.filter(
        taking_part_q("participations__"),
        participations__assist=assist,
        participations__role=role,
    ).order_by("name")


def people_by_role(*, assist: PeerAssist, role: str) -> list[Person]:
    from peerassist.assists.selectors import participation_list

    return [p.person for p in participation_list(assist=assist) if p.role == role]


def next_meeting_date(*, assist: PeerAssist) -> date | None:
    """The date of the home team's community's next meeting after the assist, if any."""
    try:
        from peerassist.communities.selectors import next_meeting_after
    except ImportError:
        return None
    meeting = next_meeting_after(assist)
    if meeting is None:
        return None
    return timezone.localdate(meeting.starts_at)


# --- The write-up -----------------------------------------------------------------------------

ROLE_ORDER = (Role.HOME_PEER, Role.VISITING_PEER, Role.FACILITATOR, Role.NOTE_TAKER, Role.OBSERVER)


def analysis_step_id(*, assist: PeerAssist) -> int | None:
    """The four-part format's step where the receivers analyse: the first step of the session,
    after one where the visiting peers share, in which the home team posts and they do not."""
    if assist.format.kind != FormatKind.FOUR_PART:
        return None
    shared = False
    for step in assist.steps.filter(phase="during").order_by("order"):
        table = step_kinds_by_role(step)
        if shared and table["home_peer"] and not table["visiting_peer"]:
            return step.pk
        shared = shared or bool(table["visiting_peer"])
    return None


#: The Mini guide's step 4 prompts: what surprised, what was expected but not heard, what
#: else we need to know. Notes of these kinds belong to "what we all now know together".
TOGETHER_KINDS = frozenset({"surprise", "expected_not_heard", "need_to_know"})


def mini_step_parts(*, assist: PeerAssist) -> dict[int, str]:
    """The Mini format's steps 4 and 5 by their step × role × kind table, not by name:
    "together" is the first step of the session where someone may post a surprise;
    "response" a later one where the home peer posts and the visiting peers do not."""
    if assist.format.kind != FormatKind.MINI:
        return {}
    parts: dict[int, str] = {}
    together = False
    for step in assist.steps.filter(phase="during").order_by("order"):
        table = step_kinds_by_role(step)
        peers = set(table["home_peer"]) | set(table["visiting_peer"])
        if not together and TOGETHER_KINDS & peers:
            parts[step.pk] = "together"
            together = True
        elif together and table["home_peer"] and not table["visiting_peer"]:
            parts[step.pk] = "response"
    return parts


def _note_part(contribution: Contribution, analysis: int | None, mini_parts: dict[int, str]) -> str:
    if contribution.kind in (ContributionKind.PURPOSE, ContributionKind.CONTEXT):
        return "purpose"
    if analysis is not None and contribution.step_id == analysis:
        return "analysis"
    if mini_parts:
        if contribution.step_id in mini_parts:
            return mini_parts[contribution.step_id]
        if contribution.kind in TOGETHER_KINDS:
            return "together"
    return ""


def _closed_votes(
    assist: PeerAssist, analysis: int | None, mini_parts: dict[int, str]
) -> list[drafting.VoteData]:
    """The closed dot-votes, each placed with the notes of the step it was held in."""
    from peerassist.live.voting import tally
    from peerassist.writeups import drafting

    votes = []
    for vote in Vote.objects.filter(assist=assist, closed_at__isnull=False).prefetch_related(
        "notes", "ballots"
    ):
        texts = {n.pk: n.text for n in vote.notes.all()}
        totals = tally([b.dots for b in vote.ballots.all()], texts)
        part = (
            "analysis"
            if analysis is not None and vote.step_id == analysis
            else mini_parts.get(vote.step_id or 0, "")
        )
        votes.append(
            drafting.VoteData(
                part=part,
                dots=vote.dots,
                ballots=len(vote.ballots.all()),
                results=sorted(((texts[pk], n) for pk, n in totals.items()), key=lambda r: -r[1]),
            )
        )
    return votes


def session_data(*, assist: PeerAssist) -> drafting.SessionData:
    """Everything the draft and the exports need about a session, in a handful of queries."""
    from peerassist.assists.selectors import participation_list
    from peerassist.assists.shipped_formats import shipped_text
    from peerassist.writeups import drafting

    # "Who took part": those who attended, not everyone who was invited.
    participations: list[Participation] = list(
        participation_list(assist=assist).exclude(attended=False)
    )
    conclusion = conclusion_get(assist=assist)
    followup = FollowUp.objects.filter(assist=assist).first()
    analysis = analysis_step_id(assist=assist)
    mini_parts = mini_step_parts(assist=assist)
    notes = [
        drafting.NoteData(
            kind=c.kind,
            kind_label=c.get_kind_display(),
            text=c.text,
            starred=c.starred,
            focus_question=c.focus_question,
            # An anonymous question is never credited, here or in any export.
            author=_("asked anonymously") if c.anonymous else c.author.name,
            starred_by=c.starred_by_role,
            part=_note_part(c, analysis, mini_parts),
            group=c.group.name if c.group else "",
        )
        for c in session_contributions(assist=assist).select_related("group")
    ]
    actions = [
        drafting.ActionData(
            title=a.title,
            owner=a.owner.name if a.owner else "",
            due_on=a.due_on,
            status_label=a.get_status_display(),
        )
        for a in action_list(assist=assist)
    ]
    pairs = [
        drafting.PairData(p.home_peer.name, p.visiting_peer.name, p.topic)
        for p in connect_pair_list(assist=assist)
    ]
    return drafting.SessionData(
        title=assist.title,
        organisation=assist.organisation.name,
        format_name=shipped_text(assist.format.name),
        held_on=assist.held_on
        or (timezone.localdate(assist.starts_at) if assist.starts_at else None),
        business_context=assist.business_context,
        challenge=assist.challenge,
        planned_approach=assist.planned_approach,
        desired_outcome=assist.desired_outcome,
        focus_questions=list(assist.focus_questions),
        roles=[(str(r.value), str(r.label)) for r in ROLE_ORDER],
        participants=[
            drafting.ParticipantData(
                role=p.role,
                role_label=p.get_role_display(),
                name=p.person.name,
                unit=p.person.unit.name if p.person.unit else "",
            )
            for p in participations
        ],
        kinds=[(str(k.value), str(k.label)) for k in ContributionKind],
        notes=notes,
        learned=conclusion.learned if conclusion else "",
        do_differently=conclusion.do_differently if conclusion else "",
        shared_knowledge=conclusion.shared_knowledge if conclusion else "",
        actions=actions,
        pairs=pairs,
        format_kind=assist.format.kind,
        followup_on=followup.due_on
        if followup is not None
        else (conclusion.followup_on if conclusion else None),
        followup_at_next_meeting=bool(conclusion and conclusion.followup_at_next_meeting),
        votes=_closed_votes(assist, analysis, mini_parts),
        groups=_groups_data(assist, participations),
    )


def _groups_data(
    assist: PeerAssist, participations: list[Participation]
) -> list[drafting.GroupData]:
    """The breakout groups with those of their members who took part, in the room's order."""
    from peerassist.writeups import drafting

    groups = list(assist.groups.select_related("spokesperson").order_by("order", "pk"))
    return [
        drafting.GroupData(
            name=g.name,
            members=[p.person.name for p in participations if p.group_id == g.pk],
            spokesperson=g.spokesperson.name if g.spokesperson else "",
        )
        for g in groups
    ]


def writeup_base(*, writeup: WriteUp) -> str:
    """The text the write-up was last drafted from the session with (for one drafted before
    that was kept: its first version)."""
    if writeup.session_draft:
        return writeup.session_draft
    first = WriteUpVersion.objects.filter(writeup=writeup).order_by("number").first()
    return first.body if first else ""


def conclusion_changes(*, assist: PeerAssist, writeup: WriteUp | None) -> list[str]:
    """The write-up's sections that the conclusion changed since it was last drafted (the
    editor offers to merge them); none while nothing changed."""
    from peerassist.writeups import drafting, merging

    if writeup is None:
        return []
    fresh = drafting.draft_markdown(session_data(assist=assist))
    return merging.changed_sections(writeup_base(writeup=writeup), fresh)


def writeup_get(*, assist: PeerAssist) -> WriteUp | None:
    """The assist's write-up (draft or published) with who published it; the caller checks
    `access.writeup_readable` before showing it."""
    return WriteUp.objects.filter(assist=assist).select_related("published_by").first()


def version_list(*, writeup: WriteUp) -> QuerySet[WriteUpVersion]:
    """Versions, newest first, with who made them."""
    return WriteUpVersion.objects.filter(writeup=writeup).select_related("created_by")


# --- Follow-ups and actions for the home page -------------------------------------------------


def followups_waiting(*, viewer: Viewer) -> QuerySet[FollowUp]:
    """Follow-ups asked of the viewer's home teams and not answered yet."""
    return (
        FollowUp.objects.filter(
            taking_part_q("assist__participations__"),
            assist__organisation=viewer.organisation,
            asked_at__isnull=False,
            answered_at__isnull=True,
            assist__participations__person__user=viewer.user,
            assist__participations__role=Role.HOME_PEER,
        )
        .select_related("assist")
        .distinct()
        .order_by("due_on", "pk")
    )


def open_actions(*, viewer: Viewer) -> QuerySet[Action]:
    """The viewer's open actions, soonest due first (undated last)."""
    return (
        Action.objects.filter(
            assist__organisation=viewer.organisation,
            owner__user=viewer.user,
            status__in=OPEN_ACTION_STATUSES,
        )
        .exclude(assist__status__in=[Status.DRAFT, Status.PLANNED, Status.INVITED])
        .select_related("assist")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def followup_get(*, assist: PeerAssist) -> FollowUp | None:
    return (
        FollowUp.objects.filter(assist=assist)
        .select_related("answered_by")
        .prefetch_related("followed_up_with")
        .first()
    )
