"""The write-ups API's router and the helpers its endpoints share (the parts of the
conclusion's response)."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class FeedbackSummary:
    """The feedback on a session as others see it (FeedbackListOut's source)."""

    items: list[selectors.FeedbackView]

    @property
    def average(self) -> float | None:
        return selectors.feedback_average(self.items)

    @property
    def count(self) -> int:
        return len(self.items)


def _feedback(assist: PeerAssist) -> FeedbackSummary:
    return FeedbackSummary(items=selectors.feedback_list(assist=assist))
