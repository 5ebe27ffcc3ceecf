"""Dot-voting in the room (issue 16, Deliver 3). The facilitator opens a vote over chosen
notes with N dots per person; each voter casts one ballot (a retry or a ballot queued
offline and sent again counts once: the server keeps one per person and vote); the results
stay hidden until the facilitator closes the vote, then go to the room, the projector and
the write-up.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists.models import Status
from peerassist.live import events
from peerassist.live.models import Ballot, Contribution, Vote
from peerassist.live.room import RoomError
from peerassist.live.room import event_emit as _emit
from peerassist.live.room import room_actor as _actor
from peerassist.live.room import room_lock as _locked_room
from peerassist.live.selectors import room_rights
from peerassist.live.voting import (
    MAX_DOTS,
    MAX_NOTES,
    MIN_NOTES,
    VOTABLE_KINDS,
    VOTER_ROLES,
    ballot_problem,
    vote_dict,
)

# --- Writes -----------------------------------------------------------------------------------


def _control(room: Any, user_id: int) -> Any:
    actor = _actor(room, user_id)
    if not room_rights(room=room, actor=actor).control:
        raise RoomError("not_allowed", _("Only the facilitator opens and closes votes."))
    if room.assist.status != Status.LIVE:
        raise RoomError("not_live", _("The session is not live."))
    return actor


@transaction.atomic
def vote_open(
    *,
    assist_id: int,
    user_id: int,
    contribution_ids: list[int],
    dots: int,
    voters: str = "everyone",
) -> events.VoteData:
    """Open a dot-vote over chosen notes (one vote open at a time)."""
    room = _locked_room(assist_id)
    actor = _control(room, user_id)
    if Vote.objects.filter(assist_id=assist_id, closed_at__isnull=True).exists():
        raise RoomError("invalid", _("Close the open vote before you start another."))
    if voters not in VOTER_ROLES:
        raise RoomError("invalid", _("Choose who votes: everyone or the home team."))
    if isinstance(dots, bool) or not 1 <= dots <= MAX_DOTS:
        raise RoomError("invalid", _("Give each person 1 to %(n)s dots.") % {"n": MAX_DOTS})
    ids = list(dict.fromkeys(int(i) for i in contribution_ids))
    if not MIN_NOTES <= len(ids) <= MAX_NOTES:
        raise RoomError(
            "invalid",
            _("Choose %(min)s to %(max)s notes to vote on.") % {"min": MIN_NOTES, "max": MAX_NOTES},
        )
    notes = list(
        Contribution.objects.filter(
            assist_id=assist_id, pk__in=ids, deleted_at__isnull=True, merged_into__isnull=True
        )
    )
    if len(notes) != len(ids):
        raise RoomError("not_found", _("Some of those notes are not in this room."))
    if any(n.kind not in VOTABLE_KINDS for n in notes):
        raise RoomError(
            "invalid", _("Votes weigh options, recommendations, action ideas and insights.")
        )
    vote = Vote.objects.create(
        assist_id=assist_id,
        step=room.current_step,
        dots=dots,
        voters=voters,
        opened_by_id=actor.person_id,
    )
    vote.notes.set(notes)
    data = vote_dict(vote)
    _emit(room, "vote.opened", data)
    return data


@transaction.atomic
def vote_cast(
    *,
    assist_id: int,
    user_id: int,
    vote_id: int,
    client_id: str,
    dots: Mapping[str, Any],
) -> events.Ballot:
    """One ballot per person: a retry with the same client id changes nothing; a new ballot
    while the vote is open replaces theirs. Returns the ballot as stored."""
    try:
        client_uuid = uuid.UUID(str(client_id))
    except ValueError:
        raise RoomError("invalid", _("The ballot has no valid client id.")) from None
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    vote = Vote.objects.filter(assist_id=assist_id, pk=vote_id).first()
    if vote is None:
        raise RoomError("not_found", _("There is no such vote in this room."))
    if not isinstance(dots, Mapping):
        raise RoomError("invalid", _("A ballot gives dots per note."))
    if actor.person_id is None or actor.role not in VOTER_ROLES.get(vote.voters, ()):
        raise RoomError("not_allowed", _("This vote is not yours to cast."))
    mine = Ballot.objects.filter(vote=vote, person_id=actor.person_id).first()
    if mine is not None and mine.client_id == client_uuid:
        return _ballot(vote, mine)
    if vote.closed_at is not None or room.assist.status != Status.LIVE:
        raise RoomError("vote_closed", _("This vote is closed: your dots were not counted."))
    note_ids = list(vote.notes.values_list("pk", flat=True))
    allocation = {str(k): v for k, v in dots.items()}
    problem = ballot_problem(dots=vote.dots, note_ids=note_ids, allocation=allocation)
    if problem:
        raise RoomError("invalid", problem)
    allocation = {k: v for k, v in allocation.items() if v}
    if mine is None:
        mine = Ballot.objects.create(
            vote=vote, person_id=actor.person_id, client_id=client_uuid, dots=allocation
        )
        cast: events.VoteCastData = {"vote_id": vote.pk, "ballots": vote.ballots.count()}
        _emit(room, "vote.cast", cast)
    else:
        mine.client_id, mine.dots = client_uuid, allocation
        mine.save(update_fields=["client_id", "dots", "cast_at"])
    return _ballot(vote, mine)


def _ballot(vote: Vote, ballot: Ballot) -> events.Ballot:
    return {
        "type": "ballot",
        "vote_id": vote.pk,
        "client_id": str(ballot.client_id),
        "dots": ballot.dots,
    }


@transaction.atomic
def vote_close(*, assist_id: int, user_id: int, vote_id: int) -> events.VoteData:
    """Close the vote: its results go to everyone (closing twice changes nothing)."""
    room = _locked_room(assist_id)
    _control(room, user_id)
    vote = Vote.objects.filter(assist_id=assist_id, pk=vote_id).first()
    if vote is None:
        raise RoomError("not_found", _("There is no such vote in this room."))
    if vote.closed_at is not None:
        return vote_dict(vote)
    vote.closed_at = timezone.now()
    vote.save(update_fields=["closed_at"])
    data = vote_dict(vote)
    _emit(room, "vote.closed", data)
    return data
