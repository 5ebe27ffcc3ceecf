"""The conclusion (the home team's response, concluding the session) and attendance."""

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, Id
from peerassist.api.writeups._common import _assist, router
from peerassist.api.writeups.schemas import (
    AssistStatusOut,
    AttendanceIn,
    AttendanceOut,
    ConclusionIn,
    ConclusionOut,
)
from peerassist.assists.models import PeerAssist
from peerassist.writeups import selectors, services


@router.get(
    "/assists/{assist_id}/conclusion",
    response={200: ConclusionOut, 404: ErrorOut},
    summary="The conclusion: response, follow-up, actions, pairs and feedback",
)
def get_conclusion(request: ApiRequest, assist_id: Id) -> PeerAssist:
    return _assist(request.auth, assist_id)


@router.put(
    "/assists/{assist_id}/conclusion",
    response={200: ConclusionOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Record the home team's response and when to follow up",
)
def put_conclusion(request: ApiRequest, assist_id: Id, payload: ConclusionIn) -> PeerAssist:
    assist = _assist(request.auth, assist_id)
    services.conclusion_save(viewer=request.auth, assist=assist, **payload.dict())
    return assist


@router.post(
    "/assists/{assist_id}/conclude",
    response={200: AssistStatusOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Conclude the live session (drafts the write-up)",
)
def conclude(request: ApiRequest, assist_id: Id) -> PeerAssist:
    assist = services.assist_conclude(viewer=request.auth, assist=_assist(request.auth, assist_id))
    return assist


def _attendance(assist: PeerAssist) -> list[selectors.AttendanceRow]:
    return selectors.attendance_list(assist=assist)


@router.get(
    "/assists/{assist_id}/attendance",
    response={200: list[AttendanceOut], 404: ErrorOut},
    summary="Who was at the session, among those taking part (not those who said no)",
)
def get_attendance(request: ApiRequest, assist_id: Id) -> list[selectors.AttendanceRow]:
    return _attendance(_assist(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/attendance",
    response={200: list[AttendanceOut], 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Record who was at the session (the write-up lists them as who took part)",
)
def put_attendance(
    request: ApiRequest, assist_id: Id, payload: AttendanceIn
) -> list[selectors.AttendanceRow]:
    assist = _assist(request.auth, assist_id)
    services.attendance_record(viewer=request.auth, assist=assist, present_ids=payload.present_ids)
    return _attendance(assist)
