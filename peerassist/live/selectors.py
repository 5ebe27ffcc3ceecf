"""Reads for the live room: who is acting, what they may do now, the room's state and events."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from peerassist.accounts.models import Membership, User
from peerassist.assists.kinds import SPOKESPERSON
from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    Participation,
    PeerAssist,
    Status,
    step_kinds_by_role,
)
from peerassist.assists.selectors import assist_get
from peerassist.assists.shipped_formats import shipped_text
from peerassist.core.scoping import Viewer
from peerassist.live import events
from peerassist.live import rights as rights_rules
from peerassist.live.models import Contribution, QuestionUpvote, Room, RoomEvent
from peerassist.live.timer import timer_payload
from peerassist.people.models import Person

REPLAY_LIMIT = 500
PROJECTOR = "projector"
#: The person id a projector's socket goes by, so that revoking the link can close it.
PROJECTOR_PERSON = -1


@dataclass(frozen=True)
class Actor:
    """Who acts in a room: a participant (role), an organiser watching, or the projector."""

    person_id: int | None
    name: str
    role: str | None


def actor_for_user(*, assist: PeerAssist, user_id: int) -> Actor | None:
    """The user's part in the assist, or None if they may not be in its room."""
    return _actor_and_participation(assist=assist, user_id=user_id)[0]


def _actor_and_participation(
    *, assist: PeerAssist, user_id: int
) -> tuple[Actor | None, Participation | None]:
    # Someone taking part (nearly everyone who writes in the room) in one query: every note
    # reads this inside its transaction (issue 19). Anyone else as before.
    participation = (
        Participation.objects.taking_part()
        .filter(assist=assist, person__user_id=user_id)
        .filter(_active_member(user_id, assist.organisation_id))
        .select_related("person")
        .first()
    )
    if participation is not None:
        actor = Actor(participation.person_id, participation.person.name, participation.role)
        return actor, participation
    membership = (
        Membership.objects.filter(
            user_id=user_id, organisation_id=assist.organisation_id, deactivated_at__isnull=True
        )
        .select_related("organisation", "user")
        .first()
    )
    if membership is None:
        return None, None
    viewer = Viewer(
        user=membership.user, organisation=membership.organisation, role=membership.role
    )
    if viewer.can_manage_people:
        try:
            assist_get(viewer=viewer, assist_id=assist.pk)
        except PeerAssist.DoesNotExist:
            return None, None
        return Actor(None, str(membership.user), "organiser"), None
    return None, None


@dataclass(frozen=True)
class RoomEntry:
    """What a socket learns about its user as it connects, in one trip to the database."""

    actor: Actor
    #: Why they may still not connect ("" if nothing stops them).
    why_not: str = ""
    #: Their attendance is not recorded yet (the session is live and they take part).
    attendance_due: bool = False
    #: The room was never opened (`live.services.room_open` stores it).
    room_missing: bool = False


def _active_member(user_id: int, organisation_id: int | OuterRef) -> Exists:
    """The user is an active member of that organisation (taking part needs it too)."""
    return Exists(
        Membership.objects.filter(
            user_id=user_id, organisation_id=organisation_id, deactivated_at__isnull=True
        )
    )


def room_entry(*, assist_id: int, user: User) -> RoomEntry | None:
    """Who the user is in the assist's room (None: they may not be in it), whether anything
    stops them connecting, and which writes their joining still needs. Someone taking part
    (nearly everyone who joins) is read in one query; anyone else as `actor_for_user` reads
    them."""
    row = (
        Participation.objects.taking_part()
        .filter(assist_id=assist_id, person__user_id=user.pk)
        .filter(_active_member(user.pk, OuterRef("assist__organisation_id")))
        .values_list(
            "person_id",
            "person__name",
            "role",
            "attended",
            "seen_in_room_at",
            "assist__status",
            "assist__organisation__require_two_factor",
            "assist__room__id",
        )
        .first()
    )
    if row is None or row[6]:  # not taking part, or two-factor to check: read it all
        return _room_entry_read(assist_id=assist_id, user=user)
    person_id, name, role, attended, seen, status, _two_factor, room_id = row
    return RoomEntry(
        Actor(person_id, name, role),
        attendance_due=status == Status.LIVE and (seen is None or attended is not True),
        room_missing=room_id is None,
    )


def _room_entry_read(*, assist_id: int, user: User) -> RoomEntry | None:
    from peerassist.accounts.selectors import two_factor_missing

    assist = PeerAssist.objects.select_related("organisation", "room").filter(pk=assist_id).first()
    if assist is None:
        return None
    actor, participation = _actor_and_participation(assist=assist, user_id=user.pk)
    if actor is None:
        return None
    if two_factor_missing(user=user, organisation=assist.organisation):
        return RoomEntry(actor, why_not="two_factor_required")
    return RoomEntry(
        actor,
        attendance_due=(
            participation is not None
            and assist.status == Status.LIVE
            and (participation.seen_in_room_at is None or participation.attended is not True)
        ),
        room_missing=not hasattr(assist, "room"),
    )


def agenda_steps(*, assist_id: int) -> dict[int, AssistStep]:
    """The session's steps by id."""
    return {s.pk: s for s in AssistStep.objects.filter(assist_id=assist_id)}


def projector_token_for(*, assist_id: int, nonce: str) -> str:
    """The projector token of a room's current link (derived, never stored)."""
    return salted_hmac(
        "peerassist.live.projector", f"{assist_id}:{nonce}", algorithm="sha256"
    ).hexdigest()[:40]


def projector_token(*, room: Room) -> str:
    """The open projector link's token, or "" (none open, or made before links could be
    shown again: the facilitator then makes a new one)."""
    if not room.projector_digest or not room.projector_nonce:
        return ""
    token = projector_token_for(assist_id=room.assist_id, nonce=room.projector_nonce)
    if hashlib.sha256(token.encode()).hexdigest() != room.projector_digest:
        return ""
    return token


def projector_room(*, token: str) -> Room | None:
    """The room a projector token opens, if the link has not been revoked."""
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return Room.objects.select_related("assist").filter(projector_digest=digest).first()


def projector_group_token(*, room: Room, group_id: int) -> str:
    """A breakout group's projector token, derived from the room's open link ("" if none):
    renewing or closing the room's link renews or closes every group's screen too."""
    base = projector_token(room=room)
    if not base:
        return ""
    mac = salted_hmac("peerassist.live.projector.group", f"{base}:{group_id}", algorithm="sha256")
    return f"g{group_id}.{mac.hexdigest()[:32]}"


@dataclass(frozen=True)
class ProjectorTarget:
    room: Room
    group: BreakoutGroup | None = None


def projector_target(*, token: str) -> ProjectorTarget | None:
    """What a projector token shows: the whole room, or one breakout group of it."""
    if not token.startswith("g"):
        room = projector_room(token=token)
        return ProjectorTarget(room) if room else None
    head, _dot, _mac = token.partition(".")
    if not head[1:].isdigit():
        return None
    group = BreakoutGroup.objects.select_related("assist").filter(pk=int(head[1:])).first()
    if group is None:
        return None
    room = Room.objects.select_related("assist").filter(assist_id=group.assist_id).first()
    if room is None:
        return None
    expected = projector_group_token(room=room, group_id=group.pk)
    if not expected or not constant_time_compare(expected, token):
        return None
    return ProjectorTarget(room, group)


def room_get(*, assist_id: int) -> Room:
    """The assist's room; one that was never opened reads as a fresh, unsaved room (nothing
    said yet, timer idle): `live.services.room_open` stores it."""
    room = Room.objects.select_related("assist", "current_step").filter(assist_id=assist_id).first()
    return room if room is not None else Room(assist=PeerAssist.objects.get(pk=assist_id))


def room_rights(*, room: Room, actor: Actor) -> rights_rules.Rights:
    """What the actor may do in the room's current step."""
    return step_rights(room=room, actor=actor, step=room.current_step)


def step_rights(*, room: Room, actor: Actor, step: AssistStep | None) -> rights_rules.Rights:
    """What the actor may do in a given step of the room's session."""
    table = step_kinds_by_role(step) if step else {}
    spoken_for = (
        spokesperson_group(assist_id=room.assist_id, person_id=actor.person_id)
        if table.get(SPOKESPERSON) and actor.role not in ("organiser", PROJECTOR)
        else None
    )
    return actor_rights(
        actor=actor,
        live=room.assist.status == Status.LIVE,
        step=step,
        spokesperson_of=spoken_for.name if spoken_for else None,
    )


def actor_rights(
    *, actor: Actor, live: bool, step: AssistStep | None, spokesperson_of: str | None = None
) -> rights_rules.Rights:
    """What the actor may do in `step` (None: not started) of a session that is `live` or not;
    organisers watching and the projector hold no role in the room. The services, the pages
    and each socket (when a `timer.changed` moves the room to another step) all ask here;
    `spokesperson_of` names the group the actor speaks for (read by the caller: no query here,
    sockets call this from their event loop)."""
    role = None if actor.role in ("organiser", PROJECTOR) else actor.role
    return rights_rules.rights_for(
        role=role,
        live=live,
        step_name=shipped_text(step.name) if step else None,
        kinds_by_role=step_kinds_by_role(step) if step else {},
        spokesperson_of=spokesperson_of,
    )


def spokesperson_group(*, assist_id: int, person_id: int | None) -> BreakoutGroup | None:
    """The breakout group this person speaks for in the plenary, if any (one per person)."""
    if person_id is None:
        return None
    return (
        BreakoutGroup.objects.filter(assist_id=assist_id, spokesperson_id=person_id)
        .order_by("order", "pk")
        .first()
    )


def _person(person: Person) -> events.PersonRef:
    return {"person_id": person.pk, "name": person.name}


def contribution_dict(
    c: Contribution, *, viewer_person_id: int | None = None
) -> events.ContributionData:
    """A note as the board draws it. An anonymous question names nobody; only its author's
    own copy (`viewer_person_id`, in their state or ack) says `mine`, so they can edit it."""
    data: events.ContributionData = {
        "id": c.pk,
        "client_id": str(c.client_id),
        "kind": c.kind,
        "text": c.text,
        "focus_question": c.focus_question,
        "step_id": c.step_id,
        "group_id": c.group_id,
        "author": None if c.anonymous else _person(c.author),
        "recorded_by": _person(c.recorded_by) if c.recorded_by and not c.anonymous else None,
        "anonymous": c.anonymous,
        "upvotes": c.upvotes,
        "answered": c.answered_at is not None,
        "starred": c.starred,
        "tags": c.tags,
        "merged_into": c.merged_into_id,
        "deleted": c.deleted_at is not None,
        "created_at": c.created_at.isoformat(),
        "updated_at": c.updated_at.isoformat(),
        "version": c.version,
    }
    if c.anonymous and viewer_person_id is not None and c.author_id == viewer_person_id:
        data["mine"] = True
    return data


def timer_dict(room: Room, now: datetime | None = None) -> events.TimerData:
    step = room.current_step
    return timer_payload(
        step_id=room.current_step_id,
        status=room.timer_status,
        started_at=room.started_at,
        paused_at=room.paused_at,
        duration_seconds=(step.duration_minutes * 60) if step else 0,
        extra_seconds=room.extra_seconds,
        paused_seconds=room.paused_seconds,
        auto_advance=room.auto_advance,
        now=now or timezone.now(),
    )


def contribution_list(*, assist_id: int) -> QuerySet[Contribution]:
    return Contribution.objects.filter(assist_id=assist_id).select_related("author", "recorded_by")


#: The roles that see the facilitators' prompt questions in the agenda.
PROMPT_READERS = frozenset({"facilitator", "note_taker", "organiser"})


def sees_prompts(actor: Actor) -> bool:
    return actor.role in PROMPT_READERS


def contributions_for(assist_id: int, actor: Actor) -> list[events.ContributionData]:
    """The notes as this actor sees them: their own anonymous questions and their upvotes
    are marked on their copy only."""
    upvoted: set[int] = set()
    if actor.person_id is not None:
        upvoted = set(
            QuestionUpvote.objects.filter(
                contribution__assist_id=assist_id, person_id=actor.person_id
            ).values_list("contribution_id", flat=True)
        )
    notes = []
    for c in contribution_list(assist_id=assist_id):
        data = contribution_dict(c, viewer_person_id=actor.person_id)
        if c.pk in upvoted:
            data["upvoted"] = True
        notes.append(data)
    return notes


def room_last_seqs(*, assist_ids: list[int]) -> dict[int, int]:
    """The number of each room's latest event (rooms without one yet are left out)."""
    return dict(Room.objects.filter(assist_id__in=assist_ids).values_list("assist_id", "last_seq"))


def events_since(*, assist_id: int, seq: int) -> list[events.LiveEvent] | None:
    """Missed events in order, or None when the client is too far behind (send a state) or
    claims a number the room never reached (its copy is not this room's: send a state)."""
    last_seq = Room.objects.filter(assist_id=assist_id).values_list("last_seq", flat=True).first()
    if seq > (last_seq or 0):
        return None
    rows = list(
        RoomEvent.objects.filter(assist_id=assist_id, seq__gt=seq).order_by("seq")[
            : REPLAY_LIMIT + 1
        ]
    )
    if len(rows) > REPLAY_LIMIT:
        return None
    now = timezone.now().isoformat()
    return [events.live_event(seq=r.seq, kind=r.type, data=r.data, server_time=now) for r in rows]


def me_data(actor: Actor, allowed: rights_rules.Rights) -> events.MeData:
    """Who the actor is in the room and what they may do (`state`'s `me`)."""
    return {
        "person_id": actor.person_id,
        "name": actor.name,
        "role": actor.role,
        "may": allowed.as_dict(),
        "why": allowed.why,
    }


def _me(room: Room, actor: Actor) -> events.MeData:
    return me_data(actor, room_rights(room=room, actor=actor))


def me_dict(*, assist_id: int, actor: Actor) -> events.MeData:
    """The actor's rights now (sent again after a replay)."""
    return _me(room_get(assist_id=assist_id), actor)


def _mine(contribution: Contribution, user_id: int) -> int | None:
    """The author's person id when `user_id` is the author (for their own copy), else None."""
    return contribution.author_id if contribution.author.user_id == user_id else None
