"""Communities of practice, their members and leads, meetings (agenda, round robin, mini
Peer Assist).

Reads go through `peerassist.communities.selectors` (another organisation's community or
meeting is 404), writes through `peerassist.communities.services` (which decide who may:
organisers manage every community, a lead their own; any member states a challenge).
Topics, Gives and Takes are in `peerassist.api.topics`, on the same router.
"""

from datetime import datetime
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import (
    BodyDate,
    BodyDateTime,
    BodyId,
    ErrorOut,
    FieldErrorOut,
    Id,
    Omittable,
    PersonRefOut,
)
from peerassist.assists.models import PeerAssist
from peerassist.assists.models import Status as AssistStatus
from peerassist.communities import selectors, services
from peerassist.communities.models import Community, Meeting, RoundRobinEntry, Topic
from peerassist.core.scoping import Viewer, require_member

router = Router(tags=["communities"])

NO_SUCH_COMMUNITY = "No such community in your organisation."
NO_SUCH_MEETING = "No such meeting in your organisation."


class CommunityOut(Schema):
    id: int
    name: str
    description: str
    member_count: int
    meeting_count: int


class CommunityDetailOut(CommunityOut):
    members: list[PersonRefOut]
    leads: list[PersonRefOut]
    may_manage: bool = Field(..., description="Whether you may change it (lead or organiser).")


class CommunityIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20000)


class CommunityUpdateIn(Schema):
    name: str = Omittable(min_length=1, max_length=200)
    description: str = Omittable(max_length=20000)


class MemberIn(Schema):
    person_id: BodyId
    lead: StrictBool = Field(False, description="Make them a lead as well as a member.")


class AssistRefOut(Schema):
    id: int
    title: str
    status: AssistStatus


class MeetingOut(Schema):
    id: int
    community_id: Id
    title: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    video_link: str
    agenda: str
    mini_assist: AssistRefOut | None


class RoundRobinOut(Schema):
    id: int
    person: PersonRefOut
    text: str
    topic_id: Id | None
    created_at: datetime


# Read from the `Meeting`; whether you may manage it is decided for the request's viewer.
class MeetingDetailOut(MeetingOut):
    round_robin: list[RoundRobinOut]
    followups: list[AssistRefOut] = Field(
        ..., description="Mini Peer Assists of earlier meetings whose follow-up is on this agenda."
    )
    may_manage: bool

    @staticmethod
    def resolve_round_robin(meeting: Meeting) -> list[RoundRobinEntry]:
        return list(selectors.round_robin_list(meeting=meeting))

    @staticmethod
    def resolve_followups(meeting: Meeting) -> list[PeerAssist]:
        return selectors.meeting_followups(meeting=meeting)

    @staticmethod
    def resolve_may_manage(meeting: Meeting, context: dict[str, Any]) -> bool:
        viewer = require_member(context["request"].auth)
        return selectors.can_manage_community(viewer=viewer, community=meeting.community)


class MeetingIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: BodyDateTime
    ends_at: BodyDateTime | None = None
    place: str = Field("", max_length=300)
    video_link: str = Field("", max_length=200)
    agenda: str = Field("", max_length=20000)


class MeetingUpdateIn(Schema):
    """Only the fields sent change."""

    title: str = Omittable(min_length=1, max_length=200)
    starts_at: BodyDateTime = Omittable()
    ends_at: BodyDateTime | None = None
    place: str = Omittable(max_length=300)
    video_link: str = Omittable(max_length=200)
    agenda: str = Omittable(max_length=20000)


class RoundRobinIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)
    person_id: BodyId | None = Field(
        None, description="Who stated it (leads and organisers only); yourself by default."
    )
    decision_on: BodyDate | None = Field(
        None, description="When the plan is decided or the work starts (the topic's screen)."
    )
    planning_started: StrictBool = False
    planning_notes: str = Field(
        "", max_length=20000, description="The planning so far; the brief's planned approach."
    )


class MiniAssistIn(Schema):
    topic_id: BodyId | None = Field(None, description="A topic of the board to pre-fill it from.")
    title: str = Field("", max_length=200)


class CreatedAssistOut(Schema):
    assist_id: Id
    url: str


# --- Helpers ------------------------------------------------------------------------------------


def _created(assist_id: Id) -> CreatedAssistOut:
    return CreatedAssistOut(assist_id=assist_id, url=reverse("assists:overview", args=[assist_id]))


def _community(viewer: Viewer, community_id: Id) -> Community:
    try:
        return selectors.community_get(viewer=viewer, community_id=community_id)
    except Community.DoesNotExist:
        raise Http404(NO_SUCH_COMMUNITY) from None


def _counted(viewer: Viewer, community_id: Id) -> Community:
    try:
        return selectors.community_list(viewer=viewer).get(pk=community_id)
    except Community.DoesNotExist:
        raise Http404(NO_SUCH_COMMUNITY) from None


def _meeting(viewer: Viewer, meeting_id: Id) -> Meeting:
    try:
        return selectors.meeting_get(viewer=viewer, meeting_id=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404(NO_SUCH_MEETING) from None


def _community_detail(viewer: Viewer, community_id: Id) -> CommunityDetailOut:
    community = _counted(viewer, community_id)
    return CommunityDetailOut(
        id=community.pk,
        name=community.name,
        description=community.description,
        member_count=community.member_count,  # type: ignore[attr-defined]
        meeting_count=community.meeting_count,  # type: ignore[attr-defined]
        members=[PersonRefOut(id=p.pk, name=p.name) for p in community.members.order_by("name")],
        leads=[PersonRefOut(id=p.pk, name=p.name) for p in community.leads.order_by("name")],
        may_manage=selectors.can_manage_community(viewer=viewer, community=community),
    )


# --- Communities --------------------------------------------------------------------------------


@router.get("/communities/", response=list[CommunityOut], summary="Your organisation's communities")
def list_communities(request: ApiRequest) -> Any:
    viewer = require_member(request.auth)
    return list(selectors.community_list(viewer=viewer))


@router.post(
    "/communities/",
    response={201: CommunityDetailOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Start a community (organisers)",
)
def create_community(request: ApiRequest, payload: CommunityIn) -> Any:
    viewer = request.auth
    community = services.community_create(viewer=viewer, **payload.dict())
    return Status(201, _community_detail(viewer, community.pk))


@router.get(
    "/communities/{community_id}/",
    response={200: CommunityDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="A community with its members and leads",
)
def get_community(request: ApiRequest, community_id: Id) -> Any:
    viewer = require_member(request.auth)
    return _community_detail(viewer, community_id)


@router.patch(
    "/communities/{community_id}/",
    response={200: CommunityDetailOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Rename or describe a community (its leads and organisers)",
)
def update_community(request: ApiRequest, community_id: Id, payload: CommunityUpdateIn) -> Any:
    viewer = require_member(request.auth)
    community = _community(viewer, community_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    services.community_update(
        viewer=viewer,
        community=community,
        name=changes.get("name", community.name),
        description=changes.get("description", community.description),
    )
    return _community_detail(viewer, community.pk)


@router.post(
    "/communities/{community_id}/members/",
    response={201: CommunityDetailOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Add a member, or a lead (its leads and organisers)",
)
def add_member(request: ApiRequest, community_id: Id, payload: MemberIn) -> Any:
    viewer = require_member(request.auth)
    community = _community(viewer, community_id)
    services.community_member_add(viewer=viewer, community=community, **payload.dict())
    return Status(201, _community_detail(viewer, community.pk))


@router.delete(
    "/communities/{community_id}/members/{person_id}/",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Take someone out of a community (its leads and organisers)",
)
def remove_member(request: ApiRequest, community_id: Id, person_id: Id) -> Any:
    viewer = require_member(request.auth)
    community = _community(viewer, community_id)
    services.community_member_remove(viewer=viewer, community=community, person_id=person_id)
    return Status(204, None)


# --- Meetings -----------------------------------------------------------------------------------


@router.get(
    "/communities/{community_id}/meetings/",
    response={200: list[MeetingOut], 403: ErrorOut, 404: ErrorOut},
    summary="A community's meetings, earliest first",
)
def list_meetings(request: ApiRequest, community_id: Id) -> Any:
    viewer = require_member(request.auth)
    return list(selectors.meeting_list(community=_community(viewer, community_id)))


@router.post(
    "/communities/{community_id}/meetings/",
    response={201: MeetingDetailOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Schedule a meeting (its leads and organisers)",
)
def create_meeting(request: ApiRequest, community_id: Id, payload: MeetingIn) -> Any:
    viewer = require_member(request.auth)
    community = _community(viewer, community_id)
    meeting = services.meeting_create(viewer=viewer, community=community, **payload.dict())
    return Status(201, _meeting(viewer, meeting.pk))


@router.get(
    "/meetings/{meeting_id}/",
    response={200: MeetingDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="A meeting: agenda, round robin and the follow-ups due on its agenda",
)
def get_meeting(request: ApiRequest, meeting_id: Id) -> Any:
    viewer = require_member(request.auth)
    return _meeting(viewer, meeting_id)


@router.patch(
    "/meetings/{meeting_id}/",
    response={200: MeetingDetailOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change a meeting's time, place or agenda (its leads and organisers)",
)
def update_meeting(request: ApiRequest, meeting_id: Id, payload: MeetingUpdateIn) -> Any:
    viewer = require_member(request.auth)
    meeting = _meeting(viewer, meeting_id)
    changes = payload.dict(exclude_unset=True)
    services.meeting_update(viewer=viewer, meeting=meeting, **changes)
    return _meeting(viewer, meeting.pk)


@router.delete(
    "/meetings/{meeting_id}/",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Cancel a meeting (its leads and organisers)",
)
def delete_meeting(request: ApiRequest, meeting_id: Id) -> Any:
    viewer = require_member(request.auth)
    services.meeting_delete(viewer=viewer, meeting=_meeting(viewer, meeting_id))
    return Status(204, None)


@router.get(
    "/meetings/{meeting_id}/round-robin/",
    response={200: list[RoundRobinOut], 403: ErrorOut, 404: ErrorOut},
    summary="The challenges attendees stated in the meeting's round robin",
)
def list_round_robin(request: ApiRequest, meeting_id: Id) -> Any:
    viewer = require_member(request.auth)
    return list(selectors.round_robin_list(meeting=_meeting(viewer, meeting_id)))


@router.post(
    "/meetings/{meeting_id}/round-robin/",
    response={201: RoundRobinOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="State a challenge; it becomes a candidate topic on the board",
)
def add_round_robin(request: ApiRequest, meeting_id: Id, payload: RoundRobinIn) -> Any:
    viewer = require_member(request.auth)
    meeting = _meeting(viewer, meeting_id)
    entry = services.round_robin_add(viewer=viewer, meeting=meeting, **payload.dict())
    return Status(201, entry)


@router.post(
    "/meetings/{meeting_id}/mini-assist/",
    response={201: CreatedAssistOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Hold a mini Peer Assist at the meeting (its leads and organisers)",
)
def create_mini_assist(request: ApiRequest, meeting_id: Id, payload: MiniAssistIn) -> Any:
    viewer = require_member(request.auth)
    meeting = _meeting(viewer, meeting_id)
    topic = None
    if payload.topic_id is not None:
        try:
            topic = selectors.topic_get(viewer=viewer, topic_id=payload.topic_id)
        except Topic.DoesNotExist:
            raise Http404(_("No such topic in your organisation.")) from None
    assist = services.mini_assist_create(
        viewer=viewer, meeting=meeting, topic=topic, title=payload.title
    )
    return Status(201, _created(assist.pk))
