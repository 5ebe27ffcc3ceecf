"""The write-ups API's router and the helpers its endpoints share (the parts of the
conclusion's response)."""

from typing import Any

from ninja import Router

from peerassist.api.schemas import NO_SUCH_ASSIST, Id
from peerassist.assists.models import PeerAssist
from peerassist.core.access import get_assist_or_404
from peerassist.core.scoping import Viewer
from peerassist.writeups import selectors
from peerassist.writeups.models import Action

router = Router(tags=["writeups"])


def _assist(viewer: Viewer, assist_id: Id) -> PeerAssist:
    return get_assist_or_404(viewer=viewer, assist_id=assist_id, message=NO_SUCH_ASSIST)


def _actions(assist: PeerAssist) -> list[Action]:
    return list(selectors.action_list(assist=assist))


def _feedback(assist: PeerAssist) -> dict[str, Any]:
    views = selectors.feedback_list(assist=assist)
    return {"average": selectors.feedback_average(views), "count": len(views), "items": views}
