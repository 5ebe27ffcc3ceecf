"""The topics board (screened against the four selection criteria, voted on, turned into an
assist) and Gives & Takes with the Gives suggested for each Take.

Registered on the communities router (`peerassist.api.communities.router`). Reads go through
`peerassist.communities.selectors`, writes through `peerassist.communities.services`.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from pydantic import StrictBool

from peerassist.api.auth import ApiRequest
from peerassist.api.communities import (
    CreatedAssistOut,
    _community,
    _created,
    _meeting,
    router,
)
from peerassist.api.schemas import (
    BodyDate,
    BodyId,
    ErrorOut,
    FieldErrorOut,
    FindingOut,
    Id,
    Omittable,
    PersonRefOut,
)
from peerassist.communities import rules, selectors, services
from peerassist.communities.models import Give, Take, Topic, TopicSource, TopicStatus
from peerassist.core.findings import Finding
from peerassist.core.scoping import Viewer, require_member

NO_SUCH_TOPIC = "No such topic in your organisation."


class CriterionOut(Schema):
    code: str
    label: str
    met: bool
    reason: str


# Read from a `ScreenedTopic`: the topic (annotated with its votes) and its screen.
class TopicOut(Schema):
    id: int
    title: str
    description: str
    source: TopicSource
    status: TopicStatus
    community_id: Id | None
    meeting_id: Id | None
    raised_by: PersonRefOut | None
    decision_on: date | None
    planning_started: bool
    planning_notes: str
    assist_id: Id | None
    vote_count: int
    voted: bool = Field(..., description="Whether you vote for it.")
    screen: list[CriterionOut] = Field(..., description="The four selection criteria.")
    findings: list[FindingOut] = Field(..., description="A warning per criterion not met.")
    created_at: datetime

    @staticmethod
    def resolve_findings(obj: "ScreenedTopic") -> list[Finding]:
        return rules.screen_findings(obj.screen)


class TopicFilters(Schema):
    community_id: Id | None = None
    source: TopicSource | None = None
    status: TopicStatus | None = None


class TopicIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    source: TopicSource = Field(
        TopicSource.REQUEST,
        description=(
            "request, strategic_need or operational_need (needs: organisers and leads). "
            "Round-robin topics come from POST /meetings/{id}/round-robin/, Take topics from "
            "POST /takes/{id}/topic/."
        ),
    )
    community_id: BodyId | None = None
    decision_on: BodyDate | None = None
    planning_started: StrictBool = False
    planning_notes: str = Field("", max_length=20000)


class TopicUpdateIn(Schema):
    """Only the fields sent change; the screen is run again on the new values."""

    title: str = Omittable(min_length=1, max_length=200)
    description: str = Omittable(max_length=20000)
    decision_on: BodyDate | None = None
    planning_started: StrictBool = Omittable()
    planning_notes: str = Omittable(max_length=20000)


class TopicStatusIn(Schema):
    status: TopicStatus


class VoteOut(Schema):
    voted: bool
    vote_count: int


class OfferOut(Schema):
    id: int
    community_id: Id
    meeting_id: Id | None
    person: PersonRefOut
    title: str
    text: str
    created_at: datetime


class TakeOut(OfferOut):
    topic_id: Id | None


class OfferFilters(Schema):
    community_id: Id | None = None
    meeting_id: Id | None = None


class OfferIn(Schema):
    community_id: BodyId
    meeting_id: BodyId | None = None
    title: str = Field(..., min_length=1, max_length=200)
    text: str = Field("", max_length=20000)
    person_id: BodyId | None = Field(
        None, description="Whose it is (leads and organisers only); yourself by default."
    )


class MatchOut(Schema):
    give: OfferOut
    score: float = Field(..., description="Cosine similarity of the texts, 0 to 1.")
    percent: int
    shared: list[str] = Field(..., description="Words both texts use (the Take's spelling).")
    related: list[str] = Field(..., description="The Take's words that matched a synonym.")
    reason: str


# --- Helpers ------------------------------------------------------------------------------------


def _viewer(request: ApiRequest) -> Viewer:
    return require_member(request.auth)


def _topic(viewer: Viewer, topic_id: Id) -> Topic:
    try:
        return selectors.topic_get(viewer=viewer, topic_id=topic_id)
    except Topic.DoesNotExist:
        raise Http404(NO_SUCH_TOPIC) from None


@dataclass(frozen=True)
class ScreenedTopic:
    """A topic with its screen; reads every other field from the topic (TopicOut's source)."""

    topic: Topic
    screen: list[rules.Criterion]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.topic, name)


def _screened(topics: list[Topic]) -> list[ScreenedTopic]:
    """Each topic with its screen; the experience counts come in a few queries for all."""
    screens = selectors.topic_screens(topics=topics)
    return [ScreenedTopic(topic=t, screen=screens[t.pk]) for t in topics]


def _topic_out(viewer: Viewer, topic_id: Id) -> ScreenedTopic:
    return _screened([_topic(viewer, topic_id)])[0]


def _give(viewer: Viewer, give_id: Id) -> Give:
    try:
        return selectors.give_get(viewer=viewer, give_id=give_id)
    except Give.DoesNotExist:
        raise Http404(_("No such Give in your organisation.")) from None


def _take(viewer: Viewer, take_id: Id) -> Take:
    try:
        return selectors.take_get(viewer=viewer, take_id=take_id)
    except Take.DoesNotExist:
        raise Http404(_("No such Take in your organisation.")) from None


def _offer_args(viewer: Viewer, payload: OfferIn) -> dict[str, Any]:
    community = _community(viewer, payload.community_id)
    meeting = _meeting(viewer, payload.meeting_id) if payload.meeting_id is not None else None
    return {
        "community": community,
        "meeting": meeting,
        "title": payload.title,
        "text": payload.text,
        "person_id": payload.person_id,
    }


# --- Topics -------------------------------------------------------------------------------------


@router.get(
    "/topics/",
    response={200: list[TopicOut], 403: ErrorOut},
    summary="The topics board: every source, screened, most voted first",
)
def list_topics(request: ApiRequest, filters: Query[TopicFilters]) -> Any:
    viewer = _viewer(request)
    topics = selectors.topic_list(
        viewer=viewer,
        community_id=filters.community_id,
        source=filters.source or "",
        status=filters.status or "",
    )
    return _screened(list(topics))


@router.post(
    "/topics/",
    response={201: TopicOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Raise a topic: a direct request, or a strategic or operational need",
)
def create_topic(request: ApiRequest, payload: TopicIn) -> Any:
    viewer = _viewer(request)
    data = payload.dict()
    community_id = data.pop("community_id")
    community = _community(viewer, community_id) if community_id is not None else None
    topic = services.topic_create(viewer=viewer, community=community, **data)
    return Status(201, _topic_out(viewer, topic.pk))


@router.get(
    "/topics/{topic_id}/",
    response={200: TopicOut, 403: ErrorOut, 404: ErrorOut},
    summary="A topic with its screen and votes",
)
def get_topic(request: ApiRequest, topic_id: Id) -> Any:
    return _topic_out(_viewer(request), topic_id)


@router.patch(
    "/topics/{topic_id}/",
    response={200: TopicOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change a topic, its decision date or its planning so far (its raiser, the "
    "community's leads and organisers)",
)
def update_topic(request: ApiRequest, topic_id: Id, payload: TopicUpdateIn) -> Any:
    viewer = _viewer(request)
    topic = _topic(viewer, topic_id)
    changes = payload.dict(exclude_unset=True)
    services.topic_update(viewer=viewer, topic=topic, changes=changes)
    return _topic_out(viewer, topic.pk)


@router.post(
    "/topics/{topic_id}/status/",
    response={200: TopicOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Mark a topic screened, selected or dropped (organisers and the community's leads)",
)
def set_topic_status(request: ApiRequest, topic_id: Id, payload: TopicStatusIn) -> Any:
    viewer = _viewer(request)
    topic = _topic(viewer, topic_id)
    services.topic_set_status(viewer=viewer, topic=topic, status=payload.status)
    return _topic_out(viewer, topic.pk)


def _vote(request: ApiRequest, topic_id: Id, voted: bool) -> VoteOut:
    viewer = _viewer(request)
    topic = _topic(viewer, topic_id)
    now = services.topic_vote_set(viewer=viewer, topic=topic, voted=voted)
    return VoteOut(voted=now, vote_count=_topic(viewer, topic_id).vote_count)  # type: ignore[attr-defined]


@router.put(
    "/topics/{topic_id}/vote/",
    response={200: VoteOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Vote for a topic (once; voting again changes nothing)",
)
def vote_topic(request: ApiRequest, topic_id: Id) -> Any:
    return _vote(request, topic_id, voted=True)


@router.delete(
    "/topics/{topic_id}/vote/",
    response={200: VoteOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Take your vote back",
)
def unvote_topic(request: ApiRequest, topic_id: Id) -> Any:
    return _vote(request, topic_id, voted=False)


@router.post(
    "/topics/{topic_id}/assist/",
    response={201: CreatedAssistOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Turn a topic into a draft Peer Assist with its brief pre-filled",
)
def topic_to_assist(request: ApiRequest, topic_id: Id) -> Any:
    viewer = _viewer(request)
    assist = services.topic_to_assist(viewer=viewer, topic=_topic(viewer, topic_id))
    return Status(201, _created(assist.pk))


# --- Gives & Takes ------------------------------------------------------------------------------


@router.get(
    "/gives/",
    response={200: list[OfferOut], 403: ErrorOut},
    summary="Gives: what people can offer",
)
def list_gives(request: ApiRequest, filters: Query[OfferFilters]) -> Any:
    viewer = _viewer(request)
    return list(
        selectors.give_list(
            viewer=viewer, community_id=filters.community_id, meeting_id=filters.meeting_id
        )
    )


@router.post(
    "/gives/",
    response={201: OfferOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="List a Give",
)
def create_give(request: ApiRequest, payload: OfferIn) -> Any:
    viewer = _viewer(request)
    give = services.give_create(viewer=viewer, **_offer_args(viewer, payload))
    return Status(201, give)


@router.delete(
    "/gives/{give_id}/",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Withdraw a Give (your own; leads and organisers any)",
)
def delete_give(request: ApiRequest, give_id: Id) -> Any:
    viewer = _viewer(request)
    services.give_delete(viewer=viewer, give=_give(viewer, give_id))
    return Status(204, None)


@router.get(
    "/takes/",
    response={200: list[TakeOut], 403: ErrorOut},
    summary="Takes: what people need",
)
def list_takes(request: ApiRequest, filters: Query[OfferFilters]) -> Any:
    viewer = _viewer(request)
    return list(
        selectors.take_list(
            viewer=viewer, community_id=filters.community_id, meeting_id=filters.meeting_id
        )
    )


@router.post(
    "/takes/",
    response={201: TakeOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="List a Take",
)
def create_take(request: ApiRequest, payload: OfferIn) -> Any:
    viewer = _viewer(request)
    take = services.take_create(viewer=viewer, **_offer_args(viewer, payload))
    return Status(201, take)


@router.delete(
    "/takes/{take_id}/",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Withdraw a Take (your own; leads and organisers any)",
)
def delete_take(request: ApiRequest, take_id: Id) -> Any:
    viewer = _viewer(request)
    services.take_delete(viewer=viewer, take=_take(viewer, take_id))
    return Status(204, None)


@router.get(
    "/takes/{take_id}/matches/",
    response={200: list[MatchOut], 403: ErrorOut, 404: ErrorOut},
    summary="The Gives suggested for a Take, best first, with the reason",
)
def take_matches(request: ApiRequest, take_id: Id) -> Any:
    viewer = _viewer(request)
    take = _take(viewer, take_id)
    pairs = selectors.take_matches(viewer=viewer, takes=[take], limit=5)[take.pk]
    return [
        {
            "give": pair.give,
            "score": pair.match.score,
            "percent": pair.match.percent,
            "shared": list(pair.match.shared),
            "related": list(pair.match.related),
            "reason": pair.match.reason,
        }
        for pair in pairs
    ]


@router.post(
    "/takes/{take_id}/topic/",
    response={201: TopicOut, 403: ErrorOut, 404: ErrorOut},
    summary="Put a Take on the topics board (once; its owner, leads and organisers)",
)
def take_to_topic(request: ApiRequest, take_id: Id) -> Any:
    viewer = _viewer(request)
    topic = services.take_to_topic(viewer=viewer, take=_take(viewer, take_id))
    return Status(201, _topic_out(viewer, topic.pk))
