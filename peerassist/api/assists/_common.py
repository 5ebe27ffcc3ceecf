"""The assists API's router and the helpers its endpoints share."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from peerassist.api.schemas import NO_SUCH_ASSIST, Id
from peerassist.assists import selectors
from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    Format,
    Participation,
    PeerAssist,
    Phase,
)
from peerassist.core.access import get_assist_or_404
from peerassist.core.findings import Finding
from peerassist.core.scoping import Viewer

router = Router(tags=["assists"])


def _assist(viewer: Viewer, assist_id: Id) -> PeerAssist:
    return get_assist_or_404(viewer=viewer, assist_id=assist_id, message=NO_SUCH_ASSIST)


def _findings(findings: list[Finding]) -> list[dict[str, str | None]]:
    return [f.as_dict() for f in findings]


@dataclass(frozen=True)
class AssistDetail:
    """An assist with its plan review (AssistDetailOut's source); `findings` are the
    review's, or those a change just returned."""

    assist: PeerAssist
    review: selectors.PlanReview
    findings: list[Finding]


def _detail(assist: PeerAssist, findings: list[Finding] | None = None) -> AssistDetail:
    review = selectors.plan_review(assist=assist)
    return AssistDetail(
        assist=assist, review=review, findings=review.findings if findings is None else findings
    )


@dataclass(frozen=True)
class Agenda:
    """The assist's steps in order, with the rules' findings (AgendaOut's source)."""

    steps: list[AssistStep]
    findings: list[Finding]

    @property
    def agenda_minutes(self) -> int:
        return sum(s.duration_minutes for s in self.steps if s.phase == Phase.DURING)


def _agenda(assist: PeerAssist, findings: list[Finding]) -> Agenda:
    return Agenda(steps=list(assist.steps.order_by("order")), findings=findings)


def _not_found_for(exc: ValidationError, *names: str) -> None:
    """A service's complaint about an id taken from the path is a 404, not a field error."""
    errors = getattr(exc, "error_dict", {})
    for name in names:
        if name in errors:
            raise Http404(" ".join(exc.message_dict[name])) from None


def _participation(assist: PeerAssist, participation_id: Id) -> Participation:
    found = selectors.participation_list_all(assist=assist).filter(pk=participation_id).first()
    if found is None:
        raise Http404(_("This person does not take part in this assist."))
    return found


def _groups(assist: PeerAssist) -> list[BreakoutGroup]:
    return list(selectors.group_list(assist=assist))


def _formats(viewer: Viewer) -> QuerySet[Format]:
    return selectors.format_list(viewer=viewer).prefetch_related("steps")
