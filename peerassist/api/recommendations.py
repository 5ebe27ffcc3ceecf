"""Visiting-peer suggestions for an assist: who has solved something similar, and why.

Only someone who may see the assist gets an answer (404 otherwise), and only members of
the organisation (guests may not browse the directory: 403). Evidence comes only from
assists the caller may see.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import NO_SUCH_ASSIST, Id
from peerassist.assists.models import Status as AssistStatus
from peerassist.core.access import get_assist_or_404
from peerassist.search.recommender.selectors import Suggestion, recommend_for_assist

router = Router(tags=["recommendations"])


class RecommendationError(Schema):
    detail: str


class RecommendationQuery(Schema):
    limit: int = Field(10, ge=1, le=50)
    text: str = Field("", max_length=5000, description="Rank for this text instead of the brief")


class SuggestedPersonOut(Schema):
    id: int
    name: str
    job_title: str
    level: str


class UnitRefOut(Schema):
    id: int
    name: str


class EvidenceOut(Schema):
    source: str = Field(description="led, visited, contribution, writeup, tag, give or profile")
    label: str
    text: str
    assist_id: Id | None


class PenaltyOut(Schema):
    code: str
    factor: float
    message: str


class ReasonOut(Schema):
    code: str = Field(
        description="same_unit, across_not_up, usual_suspect or language_unknown",
    )
    text: str = Field(description="The reason in plain words, as the page shows it")


class OftenAskedOut(Schema):
    count: int = Field(description="Times a visiting peer in the period")
    period: str = Field("P12M", description="ISO 8601 duration counted back from today")


class SuggestionOut(Schema):
    score: float
    relevance: float
    person: SuggestedPersonOut
    unit: UnitRefOut | None
    evidence: list[EvidenceOut]
    reasons: list[ReasonOut] = Field(
        description="What the method's rules noticed, in plain words (no multipliers)"
    )
    often_asked: OftenAskedOut | None = Field(
        description="Set when the person was a visiting peer often lately (a usual "
        "suspect): shown, marked, and counted against the list's quota; null otherwise"
    )
    penalties: list[PenaltyOut] = Field(
        deprecated=True,
        description="Deprecated: use `reasons` and `often_asked`. The rules' multipliers "
        "(`factor` ≤ 1; the usual-suspect mark is always 1). Will be removed in v2.",
    )
    explanation: str


class SimilarAssistOut(Schema):
    id: int
    title: str
    status: AssistStatus
    score: float


class RecommendationsOut(Schema):
    suggestions: list[SuggestionOut]
    similar_assists: list[SimilarAssistOut]
    excluded: dict[str, int]


def _suggestion(s: Suggestion) -> dict[str, object]:
    unit = s.person.unit
    return {
        "score": s.score,
        "relevance": s.relevance,
        "person": s.person,
        "unit": {"id": unit.pk, "name": unit.name} if unit else None,
        "evidence": s.evidence,
        "reasons": [{"code": a.code, "text": a.message} for a in s.adjustments],
        "often_asked": ({"count": s.visits_last_year, "period": "P12M"} if s.often_asked else None),
        "penalties": s.adjustments,
        "explanation": s.explanation,
    }


@router.get(
    "/assists/{assist_id}/recommendations",
    response={200: RecommendationsOut, 403: RecommendationError, 404: RecommendationError},
    summary="Suggested visiting peers, with their evidence and the rules applied",
)
def assist_recommendations(
    request: ApiRequest, assist_id: Id, q: Query[RecommendationQuery]
) -> dict[str, object]:
    viewer = request.auth
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id, message=NO_SUCH_ASSIST)
    if not viewer.is_member:
        raise PermissionDenied(_("Only members of the organisation can see suggested peers."))
    found = recommend_for_assist(viewer=viewer, assist=assist, text=q.text, limit=q.limit)
    return {
        "suggestions": [_suggestion(s) for s in found.suggestions],
        "similar_assists": [
            {
                "id": s.assist.pk,
                "title": s.assist.title,
                "status": s.assist.status,
                "score": s.score,
            }
            for s in found.similar
        ],
        "excluded": found.excluded,
    }
