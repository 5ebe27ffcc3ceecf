"""The assists API's request and response schemas."""

import zoneinfo
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import Strict, StrictBool, field_validator

from peerassist.api.assists._common import AssistDetail
from peerassist.api.schemas import BodyDate, BodyDateTime, BodyId, FindingOut, Id, Omittable
from peerassist.assists.models import (
    BreakoutGroup,
    ContributionKind,
    Format,
    FormatKind,
    FormatStep,
    JoinRequest,
    Mode,
    PeerAssist,
    Phase,
    Role,
    Rsvp,
    Visibility,
    step_kinds_by_role,
)
from peerassist.assists.models import Status as AssistStatus
from peerassist.assists.rules import CheckItem

Minutes = Annotated[int, Strict(), Field(ge=0, le=2 * 24 * 60)]


class CheckItemOut(Schema):
    code: str
    label: str
    done: bool
    hint: str


class FormatRefOut(Schema):
    id: int
    name: str
    kind: FormatKind


class AssistSummaryOut(Schema):
    id: int
    title: str
    status: AssistStatus
    format: FormatRefOut
    starts_at: datetime | None
    ends_at: datetime | None
    time_zone: str
    mode: Mode
    visibility: Visibility
    languages: list[str]
    updated_at: datetime

    @staticmethod
    def resolve_languages(obj: PeerAssist) -> list[str]:
        return [lang.code for lang in obj.languages.all()]


class AssistOut(AssistSummaryOut):
    business_context: str
    challenge: str
    planned_approach: str
    desired_outcome: str
    focus_questions: list[str]
    decision_date: date | None
    brief_send_on: date | None
    brief_sent_at: datetime | None
    place: str
    video_link: str
    created_at: datetime


# Read from an `AssistDetail` (the assist and its plan review).
class AssistDetailOut(Schema):
    assist: AssistOut
    findings: list[FindingOut]
    checklist: list[CheckItemOut]
    brief_words: int
    brief_pages: float
    agenda_minutes: int

    @staticmethod
    def resolve_checklist(obj: AssistDetail) -> list[CheckItem]:
        return obj.review.checklist

    @staticmethod
    def resolve_brief_words(obj: AssistDetail) -> int:
        return obj.review.words

    @staticmethod
    def resolve_brief_pages(obj: AssistDetail) -> float:
        return obj.review.pages

    @staticmethod
    def resolve_agenda_minutes(obj: AssistDetail) -> int:
        return obj.review.agenda_minutes


class AssistFilters(Schema):
    status: AssistStatus | None = Field(None, description="Only assists in this status.")


class AssistCreateIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    format_id: BodyId
    join_home_team: StrictBool = Field(True, description="Add yourself to the home team.")


class AssistUpdateIn(Schema):
    """Any of the brief and logistics fields; only the fields sent change."""

    business_context: str = Omittable(max_length=20000)
    challenge: str = Omittable(max_length=20000)
    planned_approach: str = Omittable(max_length=20000)
    desired_outcome: str = Omittable(max_length=20000)
    focus_questions: list[str] = Omittable(max_length=50)
    title: str = Omittable(min_length=1, max_length=200)
    decision_date: BodyDate | None = None
    starts_at: BodyDateTime | None = None
    ends_at: BodyDateTime | None = None
    time_zone: str = Omittable(max_length=64)
    brief_send_on: BodyDate | None = None
    mode: Mode = Omittable()
    place: str = Omittable(max_length=300)
    video_link: str = Omittable(max_length=200, description="A https:// link, or empty.")
    visibility: Visibility = Omittable()
    languages: list[str] = Omittable(max_length=20)

    @field_validator("time_zone")
    @classmethod
    def known_time_zone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise ValueError(
                _("%(value)s is not a time zone name such as Europe/Paris.") % {"value": value}
            )
        return value


class TransitionIn(Schema):
    status: AssistStatus


class StepOut(Schema):
    id: int
    order: int
    name: str
    phase: Phase
    duration_minutes: int
    description: str
    prompt_questions: list[str]
    posting_roles: list[str]
    contribution_kinds: list[str]
    role_kinds: dict[str, list[str]] = Field(
        ...,
        description="The step × role × kind table: the kinds of note each role may post "
        "in this step (facilitator and note-taker record every kind).",
    )
    optional: bool

    @staticmethod
    def resolve_role_kinds(obj: Any) -> dict[str, list[str]]:
        return {role: list(k) for role, k in step_kinds_by_role(obj).items()}


class AgendaOut(Schema):
    steps: list[StepOut]
    agenda_minutes: int = Field(..., description="Minutes of the steps during the session.")
    findings: list[FindingOut]


class DurationsIn(Schema):
    durations: dict[Id, Minutes] = Field(..., description="Minutes by step id.")


class ParticipantPersonOut(Schema):
    id: int
    name: str
    unit: str | None
    languages: list[str]

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_languages(obj: Any) -> list[str]:
        return [lang.code for lang in obj.languages.all()]


class ParticipationOut(Schema):
    id: int
    person: ParticipantPersonOut
    role: Role
    group_id: Id | None
    rsvp: Rsvp = Field(
        ...,
        description=(
            "The answer to their invitation. 'declined' (also when they suggested someone "
            "else) and 'withdrawn' (the invitation was cancelled) mean they do not take part."
        ),
    )
    taking_part: bool = Field(
        ...,
        description=(
            "False when they declined or their invitation was withdrawn: then they count "
            "nowhere (rules, groups, live room, write-up, notifications to participants)."
        ),
    )
    attended: bool | None = Field(
        ...,
        description=(
            "Whether they were at the session: set by presence in the live room and by the "
            "ticks at the conclusion; null while not recorded."
        ),
    )


class ParticipationIn(Schema):
    person_id: BodyId
    role: Role


class ParticipationSavedOut(Schema):
    participation: ParticipationOut
    findings: list[FindingOut]


class GroupAssignIn(Schema):
    group_id: BodyId | None = Field(..., description="A group of this assist, or null for none.")


class SpokespersonIn(Schema):
    person_id: BodyId | None = Field(
        ..., description="A member of the group (their person id), or null for nobody."
    )


class GroupOut(Schema):
    id: int
    name: str
    order: int
    language: str | None
    member_ids: list[int]
    spokesperson_id: int | None = Field(
        ..., description="The person who posts the group's insights in the plenary."
    )

    @staticmethod
    def resolve_language(obj: BreakoutGroup) -> str | None:
        return obj.language_id

    @staticmethod
    def resolve_member_ids(obj: BreakoutGroup) -> list[int]:
        return [member.pk for member in obj.members.all()]


class FormatOut(Schema):
    id: int
    kind: FormatKind
    name: str
    description: str
    is_shipped: bool
    based_on_id: Id | None
    total_minutes: int = Field(
        ..., description="Minutes of the steps during the session (before and after not counted)."
    )
    steps: list[StepOut]

    @staticmethod
    def resolve_total_minutes(obj: Format) -> int:
        return sum(s.duration_minutes for s in obj.steps.all() if s.phase == Phase.DURING)

    @staticmethod
    def resolve_steps(obj: Format) -> list[FormatStep]:
        return list(obj.steps.all())


class FormatCopyIn(Schema):
    name: str = Field("", max_length=200, description="Defaults to “<name> (copy)”.")


class FormatStepIn(Schema):
    """Any of a step's fields; only the fields sent change."""

    name: str = Omittable(min_length=1, max_length=200)
    phase: Phase = Omittable()
    duration_minutes: Minutes = Omittable()
    description: str = Omittable(max_length=5000)
    prompt_questions: list[str] = Omittable(max_length=30)
    posting_roles: list[Role] = Omittable()
    contribution_kinds: list[ContributionKind] = Omittable()
    role_kinds: dict[str, list[ContributionKind]] = Omittable(
        description="Which kinds each of home_peer, visiting_peer, observer may post; "
        "a role left out posts nothing."
    )
    optional: StrictBool = Omittable()


class FormatStepSavedOut(Schema):
    step: StepOut
    findings: list[FindingOut]


#: The roles one may ask to join with, as the join request model allows.
class JoinRole(StrEnum):
    VISITING_PEER = Role.VISITING_PEER.value
    OBSERVER = Role.OBSERVER.value


class JoinRequestIn(Schema):
    role: JoinRole
    message: str = Field("", max_length=1000)


class JoinRequestOut(Schema):
    id: int
    person: ParticipantPersonOut
    role: Role
    message: str
    status: JoinRequest.Decision
    decided_at: datetime | None
    created_at: datetime


class DecisionIn(Schema):
    accept: StrictBool
