"""What every write in the room does first and last: lock the room (its row orders the
events), find who is acting, and number, store and publish the event (after commit)."""

from __future__ import annotations

from typing import Literal, overload

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.core.events import room_publish_on_commit
from peerassist.live import events
from peerassist.live.models import Room, RoomEvent
from peerassist.live.selectors import Actor, actor_for_user


class RoomError(Exception):
    """A refusal a person can act on; `code` is stable for clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def room_open(*, assist_id: int) -> Room:
    """The assist's room, stored on first use."""
    room, _created = Room.objects.get_or_create(assist_id=assist_id)
    return room


def room_lock(assist_id: int) -> Room:
    """The room, stored if new, locked until the transaction ends: its row orders events."""
    rooms = Room.objects.select_for_update(of=("self",)).select_related("assist", "current_step")
    try:
        return rooms.get(assist_id=assist_id)
    except Room.DoesNotExist:  # first use: one query less for every write after it
        room_open(assist_id=assist_id)
        return rooms.get(assist_id=assist_id)


@overload
def event_emit(
    room: Room, kind: events.ContributionEventKind, data: events.ContributionData
) -> events.LiveEvent: ...
@overload
def event_emit(
    room: Room, kind: Literal["timer.changed"], data: events.TimerData
) -> events.LiveEvent: ...
@overload
def event_emit(
    room: Room, kind: Literal["questions.anonymous"], data: events.AnonymousStepsData
) -> events.LiveEvent: ...
@overload
def event_emit(
    room: Room, kind: events.VoteEventKind, data: events.VoteData
) -> events.LiveEvent: ...
@overload
def event_emit(
    room: Room, kind: Literal["vote.cast"], data: events.VoteCastData
) -> events.LiveEvent: ...
def event_emit(
    room: Room,
    kind: events.EventKind,
    data: events.ContributionData
    | events.TimerData
    | events.AnonymousStepsData
    | events.VoteData
    | events.VoteCastData,
) -> events.LiveEvent:
    """Number the event, store it for replay, publish it after commit."""
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    RoomEvent.objects.create(assist_id=room.assist_id, seq=room.last_seq, type=kind, data=data)
    event = events.live_event(
        seq=room.last_seq, kind=kind, data=data, server_time=timezone.now().isoformat()
    )
    room_publish_on_commit(events.room_event(room.assist_id, event))
    return event


def room_actor(room: Room, user_id: int) -> Actor:
    """Who the user is in the room now (PermissionDenied if no one any more)."""
    actor = actor_for_user(assist=room.assist, user_id=user_id)
    if actor is None:
        raise PermissionDenied(_("You no longer take part in this Peer Assist."))
    return actor


def acting_person_id(actor: Actor) -> int:
    """The person who writes (organisers watching the room, who are no one in it, do not)."""
    if actor.person_id is None:
        raise RoomError("not_allowed", _("Only the people taking part write in the room."))
    return actor.person_id
