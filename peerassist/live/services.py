"""Writes in the live room. Each one re-reads who is acting and what the current step allows,
writes in one transaction that also numbers the event, and publishes the event only after
commit (Zulip's pattern): a note is stored before anyone sees it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists import rules
from peerassist.assists.kinds import SPOKESPERSON
from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    Participation,
    PeerAssist,
    Status,
    step_kinds_by_role,
)
from peerassist.core import deferred
from peerassist.core.events import room_kick_on_commit
from peerassist.live import events
from peerassist.live import rights as rights_rules
from peerassist.live.attendance import attendance_seen as attendance_seen  # moved; old path kept
from peerassist.live.models import Contribution, ContributionRevision, Room, RoomEvent
from peerassist.live.room import RoomError as RoomError
from peerassist.live.room import acting_person_id as _person_id
from peerassist.live.room import event_emit as _emit
from peerassist.live.room import room_actor as _actor
from peerassist.live.room import room_lock as _locked_room
from peerassist.live.room import room_open as room_open
from peerassist.live.selectors import (
    PROJECTOR_PERSON,
    Actor,
    _mine,
    contribution_dict,
    projector_token_for,
    room_rights,
    spokesperson_group,
    step_rights,
    timer_dict,
)

MAX_TEXT = 2000
MAX_TAGS = 10
MAX_EXTEND_MINUTES = 60


@dataclass(frozen=True)
class Posted:
    contribution: events.ContributionData
    created: bool


def contribution_post(
    *,
    assist_id: int,
    user_id: int,
    client_id: str,
    text: str,
    kind: str,
    focus_question: int | None = None,
    group_id: int | None = None,
    on_behalf_of: int | None = None,
    typed_in_step: int | None = None,
    anonymous: bool = False,
) -> Posted:
    """Store a note once per client id: a retry gets the note saved the first time.

    A note typed offline arrives late: `typed_in_step` says in which step it was written, and
    it is accepted if the author could post it then (an earlier step of this session)."""
    try:
        client_uuid = uuid.UUID(str(client_id))
    except ValueError:
        raise RoomError("invalid", _("The note has no valid client id.")) from None
    existing = _existing(assist_id, client_uuid, user_id=user_id)
    if existing is not None:
        return Posted(existing, created=False)
    text = (text or "").strip()
    if not text:
        raise RoomError("invalid", _("Type something before you post."))
    if len(text) > MAX_TEXT:
        raise RoomError(
            "too_long", _("A note can have %(max)s characters at most.") % {"max": MAX_TEXT}
        )
    try:
        # Indexed for search once committed and published (core/deferred.py).
        with deferred.after(), transaction.atomic():
            room = _locked_room(assist_id)
            actor = _actor(room, user_id)
            allowed = room_rights(room=room, actor=actor)
            step = room.current_step
            earlier = _earlier_step(room, typed_in_step)
            if earlier is not None and (not allowed.post or kind not in allowed.kinds):
                then = step_rights(room=room, actor=actor, step=earlier)
                if then.post and kind in then.kinds:
                    allowed, step = then, earlier
            if not allowed.post:
                raise RoomError("not_now", allowed.why)
            if kind not in allowed.kinds:
                raise RoomError(
                    "kind_not_now",
                    _("%(why)s (You can post: %(kinds)s.)")
                    % {"why": allowed.why, "kinds": ", ".join(allowed.kinds)},
                )
            author_id = _person_id(actor)
            recorded_by = None
            if on_behalf_of is not None and on_behalf_of != actor.person_id:
                if not allowed.on_behalf:
                    raise RoomError(
                        "not_allowed", _("Only the facilitator and note-taker post for others.")
                    )
                if (
                    not Participation.objects.taking_part()
                    .filter(assist_id=assist_id, person_id=on_behalf_of)
                    .exists()
                ):
                    raise RoomError("invalid", _("That person does not take part in this assist."))
                author_id, recorded_by = on_behalf_of, actor.person_id
            if refusal := rights_rules.anonymous_refusal(
                anonymous, kind, recorded_by is not None, step, room.anonymous_step_ids
            ):
                raise RoomError(*refusal)
            questions = room.assist.focus_questions
            if focus_question is not None and not 0 <= focus_question < len(questions):
                raise RoomError("invalid", _("There is no such focus question."))
            if (
                group_id is not None
                and not BreakoutGroup.objects.filter(assist_id=assist_id, pk=group_id).exists()
            ):
                raise RoomError("invalid", _("There is no such group in this assist."))
            if (
                group_id is None
                and author_id == actor.person_id
                and step is not None
                and step_kinds_by_role(step).get(SPOKESPERSON)
            ):
                # A spokesperson's note in the plenary is their group's, said on its behalf
                # (looked up only in the steps that give spokespeople a say).
                spoken_for = spokesperson_group(assist_id=assist_id, person_id=actor.person_id)
                if spoken_for is not None:
                    group_id = spoken_for.pk
            contribution = Contribution.objects.create(
                assist_id=assist_id,
                client_id=client_uuid,
                kind=kind,
                text=text,
                focus_question=focus_question,
                step=step,
                group_id=group_id,
                author_id=author_id,
                recorded_by_id=recorded_by,
                anonymous=anonymous,
            )
            saved = Contribution.objects.select_related("author", "recorded_by").get(
                pk=contribution.pk
            )
            _emit(room, "contribution.created", contribution_dict(saved))
            # The ack goes to the poster only: their copy of an anonymous question says `mine`.
            return Posted(contribution_dict(saved, viewer_person_id=author_id), created=True)
    except IntegrityError:
        # Two copies of the same retry raced: the first one won, return it.
        existing = _existing(assist_id, client_uuid, user_id=user_id)
        if existing is None:
            raise
        return Posted(existing, created=False)


def _earlier_step(room: Room, step_id: int | None) -> AssistStep | None:
    """A step of this session that has already run (the facilitator started it at some
    point, whatever the order since), else None: only such a step's rights can be claimed."""
    if step_id is None:
        return None
    started = RoomEvent.objects.filter(
        assist_id=room.assist_id, type="timer.changed", data__step_id=step_id
    ).exists()
    if not started:
        return None
    return AssistStep.objects.filter(assist_id=room.assist_id, pk=step_id).first()


def _existing(
    assist_id: int, client_uuid: uuid.UUID, *, user_id: int
) -> events.ContributionData | None:
    found = (
        Contribution.objects.select_related("author", "recorded_by")
        .filter(assist_id=assist_id, client_id=client_uuid)
        .first()
    )
    if found is None:
        return None
    return contribution_dict(found, viewer_person_id=_mine(found, user_id))


def _own_contribution(room: Room, actor: Actor, contribution_id: int) -> Contribution:
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("author", "recorded_by")
        .filter(assist_id=room.assist_id, pk=contribution_id)
        .first()
    )
    if contribution is None:
        raise RoomError("not_found", _("That note is not in this room."))
    allowed = room_rights(room=room, actor=actor)
    mine = actor.person_id in (contribution.author_id, contribution.recorded_by_id)
    if not (allowed.edit_any or (mine and room.assist.status == Status.LIVE)):
        raise RoomError("not_allowed", _("Only its author and the facilitator can change a note."))
    return contribution


def _updated(
    room: Room, contribution: Contribution, kind: events.ContributionEventKind
) -> events.LiveEvent:
    contribution.save()
    return _emit(room, kind, contribution_dict(contribution))


@transaction.atomic
def contribution_edit(
    *, assist_id: int, user_id: int, contribution_id: int, text: str, kind: str
) -> events.LiveEvent:
    """Change a note's text or kind; the previous version is kept."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    contribution = _own_contribution(room, actor, contribution_id)
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise RoomError("invalid", _("A note has 1 to %(max)s characters.") % {"max": MAX_TEXT})
    if kind not in rights_rules.ALL_KINDS:
        raise RoomError("invalid", _("Unknown kind of note."))
    ContributionRevision.objects.create(
        contribution=contribution,
        version=contribution.version,
        kind=contribution.kind,
        text=contribution.text,
        edited_by_id=_person_id(actor),
    )
    contribution.text, contribution.kind = text, kind
    contribution.version += 1
    return _updated(room, contribution, "contribution.updated")


@transaction.atomic
def contribution_delete(*, assist_id: int, user_id: int, contribution_id: int) -> events.LiveEvent:
    """Soft delete: the note disappears from the board but stays in the record."""
    room = _locked_room(assist_id)
    contribution = _own_contribution(room, _actor(room, user_id), contribution_id)
    contribution.deleted_at = timezone.now()
    return _updated(room, contribution, "contribution.deleted")


@transaction.atomic
def contribution_star(
    *, assist_id: int, user_id: int, contribution_id: int, starred: bool
) -> events.LiveEvent:
    """Home peers (and the facilitator) star what helps them."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    if not room_rights(room=room, actor=actor).star:
        raise RoomError("not_allowed", _("Only the home team and the facilitator star notes."))
    contribution = (
        Contribution.objects.select_related("author", "recorded_by")
        .filter(assist_id=assist_id, pk=contribution_id)
        .first()
    )
    if contribution is None:
        raise RoomError("not_found", _("That note is not in this room."))
    contribution.starred = bool(starred)
    contribution.starred_by_role = (actor.role or "") if starred else ""
    return _updated(room, contribution, "contribution.starred")


@transaction.atomic
def contribution_move(
    *,
    assist_id: int,
    user_id: int,
    contribution_id: int,
    focus_question: int | None,
    group_id: int | None,
) -> events.LiveEvent:
    """The facilitator files a note under another focus question or group."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    if not room_rights(room=room, actor=actor).edit_any:
        raise RoomError("not_allowed", _("Only the facilitator and note-taker move notes."))
    contribution = _own_contribution(room, actor, contribution_id)
    if focus_question is not None and not 0 <= focus_question < len(room.assist.focus_questions):
        raise RoomError("invalid", _("There is no such focus question."))
    if (
        group_id is not None
        and not BreakoutGroup.objects.filter(assist_id=assist_id, pk=group_id).exists()
    ):
        raise RoomError("invalid", _("There is no such group in this assist."))
    contribution.focus_question, contribution.group_id = focus_question, group_id
    return _updated(room, contribution, "contribution.updated")


@transaction.atomic
def contribution_merge(
    *, assist_id: int, user_id: int, contribution_id: int, into_id: int
) -> events.LiveEvent:
    """Fold a duplicate note into another; the text of both stays in the record."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    if not room_rights(room=room, actor=actor).edit_any or contribution_id == into_id:
        raise RoomError("not_allowed", _("Only the facilitator and note-taker merge notes."))
    source = _own_contribution(room, actor, contribution_id)
    target = _own_contribution(room, actor, into_id)
    source.merged_into = target
    return _updated(room, source, "contribution.merged")


@transaction.atomic
def contribution_tag(
    *, assist_id: int, user_id: int, contribution_id: int, tags: list[str]
) -> events.LiveEvent:
    """Cluster notes with short tags."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    allowed = room_rights(room=room, actor=actor)
    if not (allowed.edit_any or allowed.star):
        raise RoomError("not_allowed", _("Only the home team and the facilitator tag notes."))
    cleaned = list(dict.fromkeys(str(t).strip()[:40] for t in tags if str(t).strip()))
    if len(cleaned) > MAX_TAGS:
        raise RoomError("invalid", _("At most %(n)s tags a note.") % {"n": MAX_TAGS})
    contribution = (
        Contribution.objects.select_related("author", "recorded_by")
        .filter(assist_id=assist_id, pk=contribution_id)
        .first()
    )
    if contribution is None:
        raise RoomError("not_found", _("That note is not in this room."))
    contribution.tags = cleaned
    return _updated(room, contribution, "contribution.updated")


def _session_steps(room: Room) -> list[AssistStep]:
    """The steps the room runs, in order (see assists.rules.runnable_steps)."""
    agenda = room.assist.steps.order_by("order")
    return rules.runnable_steps([(step, step.phase) for step in agenda])


def _start_step(room: Room, step: AssistStep | None, now: datetime) -> None:
    room.current_step = step
    room.timer_status = "running" if step else "idle"
    room.started_at = now if step else None
    room.paused_at = None
    room.paused_seconds = 0
    room.extra_seconds = 0


@transaction.atomic
def timer_control(
    *,
    assist_id: int,
    user_id: int | None,
    action: str,
    minutes: int = 0,
    step_id: int | None = None,
    on: bool = False,
    expected_step_id: int | None = None,
) -> events.TimerData:
    """The facilitator runs the agenda; `user_id=None` is the server's own auto-advance."""
    room = _locked_room(assist_id)
    if user_id is not None:
        actor = _actor(room, user_id)
        if not room_rights(room=room, actor=actor).control:
            raise RoomError("not_allowed", _("Only the facilitator runs the agenda."))
    if room.assist.status != Status.LIVE:
        raise RoomError("not_live", _("The session is not live."))
    now = timezone.now()
    steps = _session_steps(room)
    index = next((i for i, s in enumerate(steps) if s.pk == room.current_step_id), None)
    if action == "start":
        if room.timer_status == "idle":
            _start_step(room, room.current_step or (steps[0] if steps else None), now)
    elif action == "pause":
        if room.timer_status != "running":
            raise RoomError("invalid", _("The timer is not running."))
        room.timer_status, room.paused_at = "paused", now
    elif action == "resume":
        if room.timer_status != "paused" or room.paused_at is None:
            raise RoomError("invalid", _("The timer is not paused."))
        room.paused_seconds += int((now - room.paused_at).total_seconds())
        room.timer_status, room.paused_at = "running", None
    elif action == "extend":
        if not 1 <= int(minutes) <= MAX_EXTEND_MINUTES:
            raise RoomError("invalid", _("Add between 1 and 60 minutes."))
        room.extra_seconds += 60 * int(minutes)
    elif action in ("next", "auto_next"):
        if action == "auto_next" and (
            expected_step_id != room.current_step_id or not room.auto_advance
        ):
            return timer_dict(room, now)  # another process advanced already
        following = steps[(index + 1) if index is not None else 0 :]
        if not following and room.current_step_id is not None:
            # The last step that can be run: the session goes on until the facilitator
            # records the conclusion; "next" never resets the room to "not started".
            if action == "auto_next":
                return timer_dict(room, now)
            raise RoomError(
                "invalid",
                _("This is the session's last step: record the conclusion when you are ready."),
            )
        _start_step(room, following[0] if following else None, now)
    elif action == "previous":
        if index:
            _start_step(room, steps[index - 1], now)
    elif action == "goto":
        target = next((s for s in steps if s.pk == step_id), None)
        if target is None:
            raise RoomError(
                "invalid",
                _(
                    "That step is not run in the room: it comes before or after the session, "
                    "or is not on its agenda."
                ),
            )
        _start_step(room, target, now)
    elif action == "auto_advance":
        room.auto_advance = bool(on)
    else:
        raise RoomError("invalid", _("Unknown timer action."))
    room.save()
    data = timer_dict(room, now)
    _emit(room, "timer.changed", data)
    return data


def auto_advance_if_due(*, assist_id: int) -> bool:
    """Move to the next step when the timer ran out and the facilitator asked for auto-advance.
    Safe to call from every process: only the first call for a step moves it."""
    room = (
        Room.objects.select_related("assist", "current_step")
        .filter(assist_id=assist_id, auto_advance=True, timer_status="running")
        .first()
    )
    if room is None or room.assist.status != Status.LIVE:
        return False
    if timer_dict(room)["remaining_seconds"] > 0:
        return False
    timer_control(
        assist_id=assist_id, user_id=None, action="auto_next", expected_step_id=room.current_step_id
    )
    return True


PROJECTOR_MANAGERS = frozenset({"facilitator", "note_taker", "organiser", "home_peer"})


def _projector_room(assist: PeerAssist, user_id: int) -> Room:
    room = _locked_room(assist.pk)
    if _actor(room, user_id).role not in PROJECTOR_MANAGERS:
        raise PermissionDenied(_("Only the facilitator, home team and organisers do this."))
    return room


@transaction.atomic
def projector_link_create(*, assist: PeerAssist, user_id: int) -> str:
    """A new projector token; the previous link stops working."""
    room = _projector_room(assist, user_id)
    room.projector_nonce = secrets.token_hex(16)
    token = projector_token_for(assist_id=assist.pk, nonce=room.projector_nonce)
    room.projector_digest = hashlib.sha256(token.encode()).hexdigest()
    room.save(update_fields=["projector_digest", "projector_nonce"])
    # The screen showing the old link stops now, not at its next reconnection.
    room_kick_on_commit(assist_id=assist.pk, person_id=PROJECTOR_PERSON)
    return token


@transaction.atomic
def projector_link_revoke(*, assist: PeerAssist, user_id: int) -> None:
    """Close the projector link: its page stops updating and cannot be opened again."""
    room = _projector_room(assist, user_id)
    room.projector_digest = room.projector_nonce = ""
    room.save(update_fields=["projector_digest", "projector_nonce"])
    room_kick_on_commit(assist_id=assist.pk, person_id=PROJECTOR_PERSON)
