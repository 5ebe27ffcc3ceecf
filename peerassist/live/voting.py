"""Dot-votes: the pure rules (a ballot's problems, the tally) and the reads (a vote as the
room draws it, one person's ballots). The writes are in live/votes.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from peerassist.live import events
from peerassist.live.models import Ballot, Vote

MAX_DOTS = 10
MIN_NOTES, MAX_NOTES = 2, 20
#: What a vote weighs: the options, recommendations, action ideas and insights.
VOTABLE_KINDS = frozenset({"option", "recommendation", "action_idea", "insight"})
#: Who casts dots, by the vote's `voters`.
VOTER_ROLES: dict[str, frozenset[str]] = {
    "everyone": frozenset({"home_peer", "visiting_peer"}),
    "home_team": frozenset({"home_peer"}),
}


# --- Pure rules -------------------------------------------------------------------------------


def ballot_problem(*, dots: int, note_ids: Iterable[int], allocation: Mapping[str, Any]) -> str:
    """Why a ballot cannot be counted ("" when it can): dots only on the vote's notes, whole
    numbers from 0, at least one and at most `dots` in all."""
    allowed = {str(n) for n in note_ids}
    total = 0
    for key, value in allocation.items():
        if str(key) not in allowed:
            return _("Dots go only on the notes in this vote.")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return _("Each note gets a whole number of dots.")
        total += value
    if total < 1:
        return _("Place at least one dot.")
    if total > dots:
        return _("You have %(n)s dots; this ballot uses %(used)s.") % {"n": dots, "used": total}
    return ""


def tally(ballots: Iterable[Mapping[str, int]], note_ids: Iterable[int]) -> dict[int, int]:
    """Dots per note over all ballots, every note of the vote listed (0 when nobody chose it)."""
    totals = {int(n): 0 for n in note_ids}
    for ballot in ballots:
        for key, value in ballot.items():
            if int(key) in totals:
                totals[int(key)] += int(value)
    return totals


# --- Reads ------------------------------------------------------------------------------------


def vote_dict(vote: Vote) -> events.VoteData:
    """A vote as the room draws it: the results only once it is closed."""
    note_ids = sorted(vote.notes.values_list("pk", flat=True))
    ballots = list(vote.ballots.values_list("dots", flat=True))
    closed = vote.closed_at is not None
    return {
        "id": vote.pk,
        "step_id": vote.step_id,
        "dots": vote.dots,
        "voters": vote.voters,
        "voter_roles": sorted(VOTER_ROLES.get(vote.voters, ())),
        "note_ids": note_ids,
        "status": "closed" if closed else "open",
        "ballots": len(ballots),
        "results": {str(k): v for k, v in tally(ballots, note_ids).items()} if closed else None,
        "opened_at": vote.opened_at.isoformat(),
        "closed_at": vote.closed_at.isoformat() if closed and vote.closed_at else None,
    }


def vote_list(*, assist_id: int) -> list[events.VoteData]:
    votes = Vote.objects.filter(assist_id=assist_id).prefetch_related("notes", "ballots")
    return [vote_dict(v) for v in votes]


def my_ballots(*, assist_id: int, person_id: int | None) -> dict[str, events.BallotData]:
    """The ballots this person cast, by vote id: their own, shown back to them only."""
    if person_id is None:
        return {}
    ballots = Ballot.objects.filter(vote__assist_id=assist_id, person_id=person_id)
    return {str(b.vote_id): {"client_id": str(b.client_id), "dots": b.dots} for b in ballots}
