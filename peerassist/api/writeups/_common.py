"""The write-ups API's router and the helpers its endpoints share (the parts of the
conclusion's response)."""

from datetime import date

from django.utils import timezone
from ninja import Router

from peerassist.api.schemas import NO_SUCH_ASSIST, Id
from peerassist.assists.models import PeerAssist
from peerassist.core.access import get_assist_or_404
from peerassist.core.scoping import Viewer
from peerassist.writeups import rules, selectors
from peerassist.writeups.models import Action, ConnectPair, FollowUp

router = Router(tags=["writeups"])


def _assist(viewer: Viewer, assist_id: Id) -> PeerAssist:
    return get_assist_or_404(viewer=viewer, assist_id=assist_id, message=NO_SUCH_ASSIST)


def _person(person) -> dict | None:
    return {"id": person.pk, "name": person.name} if person else None


def _action(action: Action, today: date) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "owner": _person(action.owner),
        "due_on": action.due_on,
        "status": action.status,
        "overdue": rules.is_overdue(due_on=action.due_on, status=action.status, today=today),
        "notes": action.notes,
        "contributions": list(action.contributions.all()),
    }


def _actions(assist: PeerAssist) -> list[dict]:
    today = timezone.localdate()
    return [_action(a, today) for a in selectors.action_list(assist=assist)]


def _pair(pair: ConnectPair) -> dict:
    return {
        "id": pair.pk,
        "home_peer": _person(pair.home_peer),
        "visiting_peer": _person(pair.visiting_peer),
        "topic": pair.topic,
    }


def _feedback(assist: PeerAssist) -> dict:
    views = selectors.feedback_list(assist=assist)
    return {
        "average": selectors.feedback_average(views),
        "count": len(views),
        "items": [v.__dict__ for v in views],
    }


def _followup(followup: FollowUp | None) -> dict | None:
    if followup is None:
        return None
    return {
        "due_on": followup.due_on,
        "asked_at": followup.asked_at,
        "answered_at": followup.answered_at,
        "answered_by": _person(followup.answered_by),
        "followed_up_with": [_person(p) for p in followup.followed_up_with.all()],
        "what_changed": followup.what_changed,
        "peers_told_at": followup.peers_told_at,
    }
