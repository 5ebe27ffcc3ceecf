"""Assists, their agenda, who takes part, breakout groups, formats and requests to join.

Reads go through `peerassist.assists.selectors` (an assist the viewer may not see is 404),
writes through `peerassist.assists.services` (which check edit rights and the method's
rules). Rule errors become 422 in `peerassist.api.api`; warnings come back as `findings`.
"""

import zoneinfo
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Strict, StrictBool, field_validator

from peerassist.api.schemas import (
    NO_SUCH_ASSIST,
    BodyDate,
    BodyDateTime,
    BodyId,
    BoundedPages,
    ErrorOut,
    FieldErrorOut,
    Id,
    Omittable,
)
from peerassist.assists import selectors, services
from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    ContributionKind,
    Format,
    FormatKind,
    FormatStep,
    JoinRequest,
    Mode,
    Participation,
    PeerAssist,
    Phase,
    Role,
    Rsvp,
    Visibility,
    step_kinds_by_role,
)
from peerassist.assists.models import Status as AssistStatus
from peerassist.core.access import get_assist_or_404
from peerassist.core.findings import Finding
from peerassist.core.scoping import Viewer

router = Router(tags=["assists"])

Minutes = Annotated[int, Strict(), Field(ge=0, le=2 * 24 * 60)]


# --- Schemas ------------------------------------------------------------------------


class FindingOut(Schema):
    level: str
    code: str
    message: str
    field: str | None


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


class AssistDetailOut(Schema):
    assist: AssistOut
    findings: list[FindingOut]
    checklist: list[CheckItemOut]
    brief_words: int
    brief_pages: float
    agenda_minutes: int


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
            raise ValueError(f"{value} is not a time zone name such as Europe/Paris.")
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


class PersonRefOut(Schema):
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
    person: PersonRefOut
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


class GroupOut(Schema):
    id: int
    name: str
    order: int
    language: str | None
    member_ids: list[int]

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
JoinRole = StrEnum("JoinRole", {r.name: r.value for r in (Role.VISITING_PEER, Role.OBSERVER)})


class JoinRequestIn(Schema):
    role: JoinRole  # type: ignore[valid-type]
    message: str = Field("", max_length=1000)


class JoinRequestOut(Schema):
    id: int
    person: PersonRefOut
    role: Role
    message: str
    status: JoinRequest.Decision
    decided_at: datetime | None
    created_at: datetime


class DecisionIn(Schema):
    accept: StrictBool


# --- Helpers ------------------------------------------------------------------------


def _assist(viewer: Viewer, assist_id: Id) -> PeerAssist:
    return get_assist_or_404(viewer=viewer, assist_id=assist_id, message=NO_SUCH_ASSIST)


def _findings(findings: list[Finding]) -> list[dict[str, str | None]]:
    return [f.as_dict() for f in findings]


def _detail(assist: PeerAssist, findings: list[Finding] | None = None) -> dict[str, Any]:
    review = selectors.plan_review(assist=assist)
    return {
        "assist": assist,
        "findings": _findings(review.findings if findings is None else findings),
        "checklist": review.checklist,
        "brief_words": review.words,
        "brief_pages": review.pages,
        "agenda_minutes": review.agenda_minutes,
    }


def _not_found_for(exc: ValidationError, *names: str) -> None:
    """A service's complaint about an id taken from the path is a 404, not a field error."""
    errors = getattr(exc, "error_dict", {})
    for name in names:
        if name in errors:
            raise Http404(" ".join(exc.message_dict[name])) from None


def _participation(assist: PeerAssist, participation_id: Id) -> Participation:
    found = selectors.participation_list_all(assist=assist).filter(pk=participation_id).first()
    if found is None:
        raise Http404("This person does not take part in this assist.")
    return found


def _groups(assist: PeerAssist) -> list[BreakoutGroup]:
    return list(selectors.group_list(assist=assist))


def _formats(viewer: Viewer):
    return selectors.format_list(viewer=viewer).prefetch_related("steps")


# --- Assists ------------------------------------------------------------------------


@router.get("/assists/", response=list[AssistSummaryOut], summary="List assists you may see")
@paginate(BoundedPages, page_size=50)
def list_assists(request: HttpRequest, filters: Query[AssistFilters]):
    assists = selectors.assist_list(viewer=request.auth).prefetch_related("languages")
    if filters.status is not None:
        assists = assists.filter(status=filters.status)
    return assists.order_by("-starts_at", "-created_at", "-pk")


@router.post(
    "/assists/",
    response={201: AssistDetailOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Start a draft assist",
)
def create_assist(request: HttpRequest, payload: AssistCreateIn):
    assist = services.assist_create(viewer=request.auth, **payload.dict())
    return Status(201, _detail(_assist(request.auth, assist.pk)))


@router.get(
    "/assists/{assist_id}",
    response={200: AssistDetailOut, 404: ErrorOut},
    summary="Get one assist with its findings and checklist",
)
def get_assist(request: HttpRequest, assist_id: Id):
    return _detail(_assist(request.auth, assist_id))


@router.patch(
    "/assists/{assist_id}",
    response={200: AssistDetailOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change the brief or the logistics",
)
def update_assist(request: HttpRequest, assist_id: Id, payload: AssistUpdateIn):
    assist = _assist(request.auth, assist_id)
    assist, findings = services.assist_update(
        viewer=request.auth, assist=assist, changes=payload.dict(exclude_unset=True)
    )
    return _detail(assist, findings)


@router.post(
    "/assists/{assist_id}/transition",
    response={200: AssistDetailOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Move the assist to another status",
)
def transition_assist(request: HttpRequest, assist_id: Id, payload: TransitionIn):
    assist = _assist(request.auth, assist_id)
    assist, findings = services.assist_transition(
        viewer=request.auth, assist=assist, target=payload.status
    )
    return _detail(assist, findings)


# --- Agenda -------------------------------------------------------------------------


def _agenda(assist: PeerAssist, findings: list[Finding]) -> dict[str, Any]:
    steps: list[AssistStep] = list(assist.steps.order_by("order"))
    return {
        "steps": steps,
        "agenda_minutes": sum(s.duration_minutes for s in steps if s.phase == Phase.DURING),
        "findings": _findings(findings),
    }


@router.get(
    "/assists/{assist_id}/steps",
    response={200: AgendaOut, 404: ErrorOut},
    summary="The assist's agenda",
)
def get_steps(request: HttpRequest, assist_id: Id):
    assist = _assist(request.auth, assist_id)
    return _agenda(assist, selectors.plan_review(assist=assist).findings)


@router.patch(
    "/assists/{assist_id}/steps",
    response={200: AgendaOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Set the minutes of the agenda's steps",
)
def set_step_durations(request: HttpRequest, assist_id: Id, payload: DurationsIn):
    assist = _assist(request.auth, assist_id)
    assist, findings = services.agenda_set_durations(
        viewer=request.auth, assist=assist, durations=payload.durations
    )
    return _agenda(assist, findings)


# --- Participations and groups ------------------------------------------------------


@router.get(
    "/assists/{assist_id}/participations",
    response={200: list[ParticipationOut], 404: ErrorOut},
    summary="Who was asked, in which role, their answer and whether they attended",
    description=(
        "Everyone asked, also those who declined or whose invitation was withdrawn "
        "(`taking_part` false), so that the answer is visible; `?taking_part=true` lists "
        "only the people taking part."
    ),
)
def list_participations(request: HttpRequest, assist_id: Id, taking_part: bool | None = None):
    people = selectors.participation_list_all(assist=_assist(request.auth, assist_id))
    if taking_part is True:
        return people.taking_part()
    if taking_part is False:
        return people.not_taking_part()
    return people


@router.post(
    "/assists/{assist_id}/participations",
    response={
        200: ParticipationSavedOut,
        201: ParticipationSavedOut,
        403: ErrorOut,
        404: ErrorOut,
        422: FieldErrorOut,
    },
    summary="Give a person a role (201), or change the role they have (200)",
)
def add_participation(request: HttpRequest, assist_id: Id, payload: ParticipationIn):
    assist = _assist(request.auth, assist_id)
    existed = (
        selectors.participation_list_all(assist=assist).filter(person_id=payload.person_id).exists()
    )
    participation, findings = services.participation_add(
        viewer=request.auth, assist=assist, person_id=payload.person_id, role=payload.role
    )
    body = {
        "participation": _participation(assist, participation.pk),
        "findings": _findings(findings),
    }
    return Status(200 if existed else 201, body)


@router.delete(
    "/assists/{assist_id}/participations/{participation_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Take someone off the assist",
)
def remove_participation(request: HttpRequest, assist_id: Id, participation_id: Id):
    assist = _assist(request.auth, assist_id)
    try:
        services.participation_remove(
            viewer=request.auth, assist=assist, participation_id=participation_id
        )
    except ValidationError as exc:
        _not_found_for(exc, "participation_id")
        raise
    return Status(204, None)


@router.patch(
    "/assists/{assist_id}/participations/{participation_id}",
    response={200: ParticipationOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Move a participant to a breakout group",
)
def assign_group(request: HttpRequest, assist_id: Id, participation_id: Id, payload: GroupAssignIn):
    assist = _assist(request.auth, assist_id)
    try:
        services.group_assign(
            viewer=request.auth,
            assist=assist,
            participation_id=participation_id,
            group_id=payload.group_id,
        )
    except ValidationError as exc:
        _not_found_for(exc, "participation_id")
        raise
    return _participation(assist, participation_id)


@router.get(
    "/assists/{assist_id}/groups",
    response={200: list[GroupOut], 404: ErrorOut},
    summary="Breakout groups with their members' participation ids",
)
def list_groups(request: HttpRequest, assist_id: Id):
    return _groups(_assist(request.auth, assist_id))


@router.post(
    "/assists/{assist_id}/groups/propose",
    response={200: list[GroupOut], 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Replace the groups with a proposal: 6–8 peers each, mixed, by language",
)
def propose_groups(request: HttpRequest, assist_id: Id):
    assist = _assist(request.auth, assist_id)
    services.groups_propose(viewer=request.auth, assist=assist)
    return _groups(assist)


# --- Requests to join ---------------------------------------------------------------


def _join_request(assist: PeerAssist, request_id: Id) -> JoinRequest:
    return (
        selectors.join_request_list(assist=assist)
        .prefetch_related("person__languages")
        .get(pk=request_id)
    )


@router.post(
    "/assists/{assist_id}/join-requests",
    response={201: JoinRequestOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Ask to join a shared plan",
)
def create_join_request(request: HttpRequest, assist_id: Id, payload: JoinRequestIn):
    assist = _assist(request.auth, assist_id)
    created = services.join_request_create(
        viewer=request.auth, assist=assist, role=payload.role, message=payload.message
    )
    return Status(201, _join_request(assist, created.pk))


@router.post(
    "/assists/{assist_id}/join-requests/{request_id}/decision",
    response={200: JoinRequestOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Accept or decline a request to join",
)
def decide_join_request(request: HttpRequest, assist_id: Id, request_id: Id, payload: DecisionIn):
    assist = _assist(request.auth, assist_id)
    decided = services.join_request_decide(
        viewer=request.auth, assist=assist, request_id=request_id, accept=payload.accept
    )
    return _join_request(assist, decided.pk)


# --- Formats ------------------------------------------------------------------------


@router.get("/formats/", response=list[FormatOut], summary="Shipped formats and your own")
def list_formats(request: HttpRequest):
    return _formats(request.auth)


@router.get(
    "/formats/{format_id}", response={200: FormatOut, 404: ErrorOut}, summary="Get one format"
)
def get_format(request: HttpRequest, format_id: Id):
    try:
        return _formats(request.auth).get(pk=format_id)
    except Format.DoesNotExist:
        raise Http404("No such format.") from None


@router.post(
    "/formats/{format_id}/copy",
    response={201: FormatOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Copy a format into an editable one (organisers and admins)",
)
def copy_format(request: HttpRequest, format_id: Id, payload: FormatCopyIn):
    try:
        copy = services.format_copy(viewer=request.auth, format_id=format_id, name=payload.name)
    except ValidationError as exc:
        _not_found_for(exc, "format_id")
        raise
    return Status(201, _formats(request.auth).get(pk=copy.pk))


@router.patch(
    "/formats/steps/{step_id}",
    response={200: FormatStepSavedOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change a step of one of your organisation's formats",
)
def update_format_step(request: HttpRequest, step_id: Id, payload: FormatStepIn):
    try:
        step, findings = services.format_step_update(
            viewer=request.auth,
            step_id=step_id,
            changes=payload.model_dump(exclude_unset=True, mode="json"),
        )
    except ValidationError as exc:
        _not_found_for(exc, "step_id")
        raise
    return {"step": step, "findings": _findings(findings)}


# Visiting-peer suggestions live in their own module (search helper); mounted here.
from peerassist.api.recommendations import router as recommendations_router  # noqa: E402

router.add_router("/", recommendations_router)
