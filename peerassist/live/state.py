"""The room's `state`: everything a client needs to draw the room from scratch.

`room_state` reads it whole (the API, the tests); a socket joining a live room gets it from
the hub's snapshot of the part every socket shares, with its own part added
(`joining_snapshot`, `state_text`), so that 500 people opening the room at once do not each
read and serialise the whole room.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils import timezone, translation

from peerassist.assists import rules
from peerassist.assists.kinds import SPOKESPERSON
from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    PeerAssist,
    Status,
    step_kinds_by_role,
)
from peerassist.assists.shipped_formats import shipped_text, shipped_texts
from peerassist.live import events, voting
from peerassist.live.models import QuestionUpvote, Room
from peerassist.live.selectors import (
    PROJECTOR,
    Actor,
    actor_rights,
    contribution_dict,
    contribution_list,
    me_data,
    room_get,
    sees_prompts,
    timer_dict,
)


def room_state(
    *, assist_id: int, actor: Actor, presence: list[events.PresenceEntry]
) -> events.State:
    """Everything a client needs to draw the room from scratch."""
    snapshot = room_snapshot(assist_id=assist_id, prompts=sees_prompts(actor), kept=False)
    personal = _personal(snapshot, actor)
    now = timezone.now()
    return {
        "type": "state",
        **snapshot.shared,  # type: ignore[typeddict-item]  # the keys are State's
        "contributions": personal.contributions,
        "presence": presence,
        "timer": timer_dict(snapshot.room, now),
        "my_ballots": personal.ballots,
        "me": _me_of(snapshot, actor),
        "server_time": now.isoformat(),
    }


# --- Joining a big room: one snapshot of the shared state, each socket's part on top -------
#
# 500 people opening the room at 9:00 each need its state. All of them share most of it (the
# agenda in their language, with or without the prompt questions; the notes; the votes; the
# groups), so the hub keeps that part, serialised once, for as long as the room has not
# changed (`RoomSnapshot.fingerprint`, read again for each joiner); each socket adds only what
# is its own: its rights, its ballots, its anonymous questions and upvotes, the timer and the
# clock of the moment, and the presence list the hub keeps.


def room_fingerprint(*, assist_id: int) -> tuple[object, ...]:
    """What a room's shared state is made of and may change without a room event: its last
    event number (every note, vote, timer and question change is one), and the assist's
    title, status and focus questions, breakout groups and agenda, which are edited outside
    the room. Three small reads; equal fingerprints mean equal shared states."""
    head = (
        PeerAssist.objects.filter(pk=assist_id)
        .values_list("title", "status", "focus_questions", "updated_at", "room__last_seq")
        .first()
    )
    groups = list(
        BreakoutGroup.objects.filter(assist_id=assist_id)
        .order_by("order", "pk")
        .values_list("pk", "name", "spokesperson_id", "language_id")
    )
    steps = list(
        AssistStep.objects.filter(assist_id=assist_id)
        .order_by("order", "pk")
        .values_list(*_STEP_COLUMNS)
    )
    return (head, groups, steps)


_STEP_COLUMNS = tuple(f.attname for f in AssistStep._meta.concrete_fields)


@dataclass(frozen=True)
class RoomSnapshot:
    """The shared part of a room's `state` for one language and one view of the agenda."""

    fingerprint: tuple[object, ...]
    language: str
    prompts: bool
    #: The room's last event number when it was read.
    seq: int
    #: The room as read (timer, current step, the assist's status): each socket's timer and
    #: rights are worked out from it, without a query.
    room: Room
    #: seq, assist, agenda, anonymous_step_ids, votes, focus_questions, groups.
    shared: dict[str, object]
    #: The same, as JSON object members (no braces), made once.
    shared_json: str
    #: The notes as anyone sees them (no one's `mine` or `upvoted`), and as JSON.
    contributions: list[events.ContributionData]
    contributions_json: str
    #: Each author's anonymous questions (only their own copy says `mine`).
    anonymous_by_author: dict[int, frozenset[int]]
    #: Whether anyone upvoted a question or cast a ballot here (else nobody's part needs a query).
    any_upvotes: bool
    any_ballots: bool
    groups: list[events.GroupRef]

    def personal_needs_reads(self, actor: Actor) -> bool:
        """Whether an actor's own part needs the database (their upvotes or ballots)."""
        return actor.person_id is not None and (self.any_upvotes or self.any_ballots)

    def fits(self, *, fingerprint: tuple[object, ...], language: str, prompts: bool) -> bool:
        return (self.fingerprint, self.language, self.prompts) == (fingerprint, language, prompts)


def room_snapshot(*, assist_id: int, prompts: bool, kept: bool = True) -> RoomSnapshot:
    """Read the room's shared state (in the active language; with the agenda's prompt
    questions if `prompts`). The fingerprint is read first, as the room's number was before:
    what follows is at least as new as it (`kept=False`: used once, no fingerprint)."""
    fingerprint = room_fingerprint(assist_id=assist_id) if kept else ()
    room = room_get(assist_id=assist_id)
    assist = room.assist
    steps = list(assist.steps.order_by("order"))
    concluding = rules.concluding_step([(s.pk, s.phase) for s in steps])
    notes = list(contribution_list(assist_id=assist_id))
    contributions = [contribution_dict(c) for c in notes]
    anonymous: dict[int, set[int]] = {}
    for c in notes:
        if c.anonymous and c.author_id is not None:
            anonymous.setdefault(c.author_id, set()).add(c.pk)
    votes = voting.vote_list(assist_id=assist_id)
    groups: list[events.GroupRef] = [
        {
            "id": g.pk,
            "name": g.name,
            "spokesperson_id": g.spokesperson_id,
            "language": g.language_id,
        }
        for g in assist.groups.order_by("order", "pk")
    ]
    shared: dict[str, object] = {
        "seq": room.last_seq,
        "assist": {"id": assist.pk, "title": assist.title, "status": assist.status},
        "agenda": [
            {
                "id": s.pk,
                "order": s.order,
                "name": shipped_text(s.name),
                "phase": s.phase,
                "runnable": s.phase == rules.RUNNABLE_PHASE,
                "concluding": s.pk == concluding,
                "minutes": s.duration_minutes,
                "prompt_questions": shipped_texts(s.prompt_questions) if prompts else [],
                "posting_roles": s.posting_roles,
                "contribution_kinds": s.contribution_kinds,
                "kinds_by_role": step_kinds_by_role(s),
            }
            for s in steps
        ],
        "anonymous_step_ids": list(room.anonymous_step_ids or []),
        "votes": votes,
        "focus_questions": assist.focus_questions,
        "groups": groups,
    }
    return RoomSnapshot(
        fingerprint=fingerprint,
        language=translation.get_language() or "",
        prompts=prompts,
        seq=room.last_seq,
        room=room,
        shared=shared,
        shared_json=_json(shared)[1:-1],
        contributions=contributions,
        contributions_json=_json(contributions),
        anonymous_by_author={k: frozenset(v) for k, v in anonymous.items()},
        any_upvotes=QuestionUpvote.objects.filter(contribution__assist_id=assist_id).exists(),
        any_ballots=any(v["ballots"] for v in votes),
        groups=groups,
    )


def joining_snapshot(*, assist_id: int, actor: Actor, kept: RoomSnapshot | None) -> RoomSnapshot:
    """`kept` if the room has not changed since it was read (for this actor's language and
    view of the agenda), else a new snapshot."""
    prompts = sees_prompts(actor)
    if kept is not None and kept.fits(
        fingerprint=room_fingerprint(assist_id=assist_id),
        language=translation.get_language() or "",
        prompts=prompts,
    ):
        return kept
    return room_snapshot(assist_id=assist_id, prompts=prompts)


@dataclass(frozen=True)
class _Personal:
    contributions: list[events.ContributionData]
    contributions_json: str
    ballots: dict[str, events.BallotData]


def _personal(snapshot: RoomSnapshot, actor: Actor) -> _Personal:
    """The actor's own marks on the notes and their ballots (a query only if anyone here
    upvoted or voted)."""
    person_id = actor.person_id
    if person_id is None:
        return _Personal(snapshot.contributions, snapshot.contributions_json, {})
    mine = snapshot.anonymous_by_author.get(person_id, frozenset())
    upvoted: set[int] = set()
    if snapshot.any_upvotes:
        upvoted = set(
            QuestionUpvote.objects.filter(
                contribution__assist_id=snapshot.room.assist_id, person_id=person_id
            ).values_list("contribution_id", flat=True)
        )
    ballots = (
        voting.my_ballots(assist_id=snapshot.room.assist_id, person_id=person_id)
        if snapshot.any_ballots
        else {}
    )
    if not mine and not upvoted:
        return _Personal(snapshot.contributions, snapshot.contributions_json, ballots)
    notes: list[events.ContributionData] = []
    for shared in snapshot.contributions:
        if shared["id"] not in mine and shared["id"] not in upvoted:
            notes.append(shared)
            continue
        note = shared.copy()
        if shared["id"] in mine:
            note["mine"] = True
        if shared["id"] in upvoted:
            note["upvoted"] = True
        notes.append(note)
    return _Personal(notes, _json(notes), ballots)


def state_text(*, snapshot: RoomSnapshot, actor: Actor, presence_json: str) -> str:
    """`room_state` as JSON for one socket, from the snapshot: its own part serialised, the
    shared part pasted in as it was serialised once (`presence_json`: the hub's presence
    list, serialised once per change)."""
    personal = _personal(snapshot, actor)
    now = timezone.now()
    return "".join(
        (
            '{"type":"state",',
            snapshot.shared_json,
            ',"contributions":',
            personal.contributions_json,
            ',"presence":',
            presence_json,
            ',"timer":',
            _json(timer_dict(snapshot.room, now)),
            ',"my_ballots":',
            _json(personal.ballots),
            ',"me":',
            _json(_me_of(snapshot, actor)),
            ',"server_time":',
            _json(now.isoformat()),
            "}",
        )
    )


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _me_of(snapshot: RoomSnapshot, actor: Actor) -> events.MeData:
    """`_me` from the snapshot: the group a spokesperson speaks for is the first of the
    snapshot's groups (in their order) that names them, as `spokesperson_group` reads it."""
    room = snapshot.room
    step = room.current_step
    spoken_for = None
    if (
        step is not None
        and step_kinds_by_role(step).get(SPOKESPERSON)
        and actor.role not in ("organiser", PROJECTOR)
        and actor.person_id is not None
    ):
        spoken_for = next(
            (g["name"] for g in snapshot.groups if g["spokesperson_id"] == actor.person_id),
            None,
        )
    allowed = actor_rights(
        actor=actor,
        live=room.assist.status == Status.LIVE,
        step=step,
        spokesperson_of=spoken_for,
    )
    return me_data(actor, allowed)
