"""Assists and their agenda: list, create, read, change, move to another status."""

from django.db.models import QuerySet
from ninja import Query, Status
from ninja.pagination import paginate

from peerassist.api.assists._common import Agenda, AssistDetail, _agenda, _assist, _detail, router
from peerassist.api.assists.schemas import (
    AgendaOut,
    AssistCreateIn,
    AssistDetailOut,
    AssistFilters,
    AssistSummaryOut,
    AssistUpdateIn,
    DurationsIn,
    TransitionIn,
)
from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import BoundedPages, ErrorOut, FieldErrorOut, Id
from peerassist.assists import selectors, services
from peerassist.assists.models import PeerAssist


@router.get("/assists/", response=list[AssistSummaryOut], summary="List assists you may see")
@paginate(BoundedPages, page_size=50)
def list_assists(request: ApiRequest, filters: Query[AssistFilters]) -> QuerySet[PeerAssist]:
    assists = selectors.assist_list(viewer=request.auth).prefetch_related("languages")
    if filters.status is not None:
        assists = assists.filter(status=filters.status)
    return assists.order_by("-starts_at", "-created_at", "-pk")


@router.post(
    "/assists/",
    response={201: AssistDetailOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Start a draft assist",
)
def create_assist(request: ApiRequest, payload: AssistCreateIn) -> Status[AssistDetail]:
    assist = services.assist_create(viewer=request.auth, **payload.dict())
    return Status(201, _detail(_assist(request.auth, assist.pk)))


@router.get(
    "/assists/{assist_id}",
    response={200: AssistDetailOut, 404: ErrorOut},
    summary="Get one assist with its findings and checklist",
)
def get_assist(request: ApiRequest, assist_id: Id) -> AssistDetail:
    return _detail(_assist(request.auth, assist_id))


@router.patch(
    "/assists/{assist_id}",
    response={200: AssistDetailOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change the brief or the logistics",
)
def update_assist(request: ApiRequest, assist_id: Id, payload: AssistUpdateIn) -> AssistDetail:
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
def transition_assist(request: ApiRequest, assist_id: Id, payload: TransitionIn) -> AssistDetail:
    assist = _assist(request.auth, assist_id)
    assist, findings = services.assist_transition(
        viewer=request.auth, assist=assist, target=payload.status
    )
    return _detail(assist, findings)


@router.get(
    "/assists/{assist_id}/steps",
    response={200: AgendaOut, 404: ErrorOut},
    summary="The assist's agenda",
)
def get_steps(request: ApiRequest, assist_id: Id) -> Agenda:
    assist = _assist(request.auth, assist_id)
    return _agenda(assist, selectors.plan_review(assist=assist).findings)


@router.patch(
    "/assists/{assist_id}/steps",
    response={200: AgendaOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Set the minutes of the agenda's steps",
)
def set_step_durations(request: ApiRequest, assist_id: Id, payload: DurationsIn) -> Agenda:
    assist = _assist(request.auth, assist_id)
    assist, findings = services.agenda_set_durations(
        viewer=request.auth, assist=assist, durations=payload.durations
    )
    return _agenda(assist, findings)
