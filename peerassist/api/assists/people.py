"""Who takes part: participations, breakout groups and requests to join."""

from django.core.exceptions import ValidationError
from ninja import Status

from peerassist.api.assists._common import (
    _assist,
    _findings,
    _groups,
    _not_found_for,
    _participation,
    router,
)
from peerassist.api.assists.schemas import (
    DecisionIn,
    GroupAssignIn,
    GroupOut,
    JoinRequestIn,
    JoinRequestOut,
    ParticipationIn,
    ParticipationOut,
    ParticipationSavedOut,
    SpokespersonIn,
)
from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, FieldErrorOut, Id
from peerassist.assists import selectors, services
from peerassist.assists.models import (
    BreakoutGroup,
    JoinRequest,
    Participation,
    ParticipationQuerySet,
    PeerAssist,
)


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
def list_participations(
    request: ApiRequest, assist_id: Id, taking_part: bool | None = None
) -> ParticipationQuerySet:
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
def add_participation(
    request: ApiRequest, assist_id: Id, payload: ParticipationIn
) -> Status[dict[str, object]]:
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
def remove_participation(request: ApiRequest, assist_id: Id, participation_id: Id) -> Status[None]:
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
def assign_group(
    request: ApiRequest, assist_id: Id, participation_id: Id, payload: GroupAssignIn
) -> Participation:
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
def list_groups(request: ApiRequest, assist_id: Id) -> list[BreakoutGroup]:
    return _groups(_assist(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/groups/{group_id}/spokesperson",
    response={200: GroupOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Name the group's spokesperson for the plenary (one of its members)",
)
def set_spokesperson(
    request: ApiRequest, assist_id: Id, group_id: Id, payload: SpokespersonIn
) -> BreakoutGroup:
    assist = _assist(request.auth, assist_id)
    try:
        services.group_spokesperson_set(
            viewer=request.auth, assist=assist, group_id=group_id, person_id=payload.person_id
        )
    except ValidationError as exc:
        _not_found_for(exc, "group_id")
        raise
    return next(g for g in _groups(assist) if g.pk == group_id)


@router.post(
    "/assists/{assist_id}/groups/propose",
    response={200: list[GroupOut], 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Replace the groups with a proposal: 6–8 peers each, mixed, by language",
)
def propose_groups(request: ApiRequest, assist_id: Id) -> list[BreakoutGroup]:
    assist = _assist(request.auth, assist_id)
    services.groups_propose(viewer=request.auth, assist=assist)
    return _groups(assist)


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
def create_join_request(
    request: ApiRequest, assist_id: Id, payload: JoinRequestIn
) -> Status[JoinRequest]:
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
def decide_join_request(
    request: ApiRequest, assist_id: Id, request_id: Id, payload: DecisionIn
) -> JoinRequest:
    assist = _assist(request.auth, assist_id)
    decided = services.join_request_decide(
        viewer=request.auth, assist=assist, request_id=request_id, accept=payload.accept
    )
    return _join_request(assist, decided.pk)
