"""Writes for questions in the room: the facilitator's per-step switch for anonymous
questions, upvotes (one per person) and marking a question answered. Same pattern as
live/services.py: re-read who acts and what they may do, write under the room's lock,
publish after commit.

An anonymous question keeps its author in the database for moderation and abuse only: no
event, page, export or API response names them (see selectors.contribution_dict).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.live import events
from peerassist.live.models import Contribution, QuestionUpvote
from peerassist.live.room import RoomError
from peerassist.live.room import event_emit as _emit
from peerassist.live.room import room_actor as _actor
from peerassist.live.room import room_lock as _locked_room
from peerassist.live.selectors import contribution_dict, room_rights
from peerassist.live.services import _session_steps


@transaction.atomic
def anonymous_questions_set(
    *, assist_id: int, user_id: int, step_id: int, on: bool
) -> events.AnonymousStepsData:
    """The facilitator lets participants ask questions without their name in a step (or not)."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    if not room_rights(room=room, actor=actor).control:
        raise RoomError(
            "not_allowed", _("Only the facilitator opens or closes anonymous questions.")
        )
    if step_id not in {s.pk for s in _session_steps(room)}:
        raise RoomError("invalid", _("That step is not run in the room."))
    steps = [s for s in (room.anonymous_step_ids or []) if s != step_id]
    if on:
        steps.append(step_id)
    room.anonymous_step_ids = sorted(steps)
    room.save(update_fields=["anonymous_step_ids"])
    data: events.AnonymousStepsData = {"step_ids": list(room.anonymous_step_ids)}
    _emit(room, "questions.anonymous", data)
    return data


def _question(assist_id: int, contribution_id: int) -> Contribution:
    question = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("author", "recorded_by")
        .filter(
            assist_id=assist_id,
            pk=contribution_id,
            deleted_at__isnull=True,
            merged_into__isnull=True,
        )
        .first()
    )
    if question is None:
        raise RoomError("not_found", _("That note is not in this room."))
    if question.kind != "question":
        raise RoomError("invalid", _("Only questions are upvoted or answered."))
    return question


@transaction.atomic
def question_upvote(
    *, assist_id: int, user_id: int, contribution_id: int, on: bool
) -> events.ContributionData:
    """One upvote per person and question; upvoting again (a retry) changes nothing."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    if not room_rights(room=room, actor=actor).upvote or actor.person_id is None:
        raise RoomError(
            "not_allowed", _("The home team, visiting peers and observers upvote questions.")
        )
    question = _question(assist_id, contribution_id)
    if question.author_id == actor.person_id:
        raise RoomError("not_allowed", _("You cannot upvote your own question."))
    if on:
        _vote, changed = QuestionUpvote.objects.get_or_create(
            contribution=question, person_id=actor.person_id
        )
    else:
        changed = bool(
            QuestionUpvote.objects.filter(
                contribution=question, person_id=actor.person_id
            ).delete()[0]
        )
    if not changed:
        return contribution_dict(question)
    question.upvotes = QuestionUpvote.objects.filter(contribution=question).count()
    question.save(update_fields=["upvotes", "updated_at"])
    data = contribution_dict(question)
    _emit(room, "contribution.updated", data)
    return data


@transaction.atomic
def question_answer(
    *, assist_id: int, user_id: int, contribution_id: int, answered: bool
) -> events.ContributionData:
    """The facilitator (or note-taker) marks a question answered, or open again."""
    room = _locked_room(assist_id)
    actor = _actor(room, user_id)
    if not room_rights(room=room, actor=actor).edit_any:
        raise RoomError(
            "not_allowed", _("Only the facilitator and note-taker mark questions answered.")
        )
    question = _question(assist_id, contribution_id)
    if (question.answered_at is not None) == answered:
        return contribution_dict(question)
    question.answered_at = timezone.now() if answered else None
    question.save(update_fields=["answered_at", "updated_at"])
    data = contribution_dict(question)
    _emit(room, "contribution.updated", data)
    return data
