"""The conclusion (the home team's response, concluding the session) and attendance."""

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, Id
from peerassist.api.writeups._common import _actions, _assist, _feedback, router
from peerassist.api.writeups.schemas import (
    AssistStatusOut,
    AttendanceIn,
    AttendanceOut,
    ConclusionIn,
    ConclusionOut,
)
from peerassist.assists.models import PeerAssist
from peerassist.core.scoping import Viewer
from peerassist.writeups import selectors, services


def _conclusion(viewer: Viewer, assist: PeerAssist) -> dict[str, object]:
    conclusion = selectors.conclusion_get(assist=assist)
    return {
        "assist_id": assist.pk,
        "assist_status": assist.status,
        "learned": conclusion.learned if conclusion else "",
        "do_differently": conclusion.do_differently if conclusion else "",
        "shared_knowledge": conclusion.shared_knowledge if conclusion else "",
        "followup_on": conclusion.followup_on if conclusion else None,
        "followup_at_next_meeting": conclusion.followup_at_next_meeting if conclusion else False,
        "followup": selectors.followup_get(assist=assist),
        "actions": _actions(assist),
        "connect_pairs": list(selectors.connect_pair_list(assist=assist)),
        "feedback": _feedback(assist),
        "can_edit": selectors.rights_for(viewer=viewer, assist=assist).edit,
    }


@router.get(
    "/assists/{assist_id}/conclusion",
    response={200: ConclusionOut, 404: ErrorOut},
    summary="The conclusion: response, follow-up, actions, pairs and feedback",
)
def get_conclusion(request: ApiRequest, assist_id: Id) -> dict[str, object]:
    return _conclusion(request.auth, _assist(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/conclusion",
    response={200: ConclusionOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Record the home team's response and when to follow up",
)
def put_conclusion(request: ApiRequest, assist_id: Id, payload: ConclusionIn) -> dict[str, object]:
    assist = _assist(request.auth, assist_id)
    services.conclusion_save(viewer=request.auth, assist=assist, **payload.dict())
    return _conclusion(request.auth, assist)


@router.post(
    "/assists/{assist_id}/conclude",
    response={200: AssistStatusOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Conclude the live session (drafts the write-up)",
)
def conclude(request: ApiRequest, assist_id: Id) -> dict[str, object]:
    assist = services.assist_conclude(viewer=request.auth, assist=_assist(request.auth, assist_id))
    return {"id": assist.pk, "status": assist.status}


def _attendance(assist: PeerAssist) -> list[dict[str, object]]:
    return [
        {
            "participation_id": row.participation.pk,
            "person_id": row.participation.person_id,
            "name": row.participation.person.name,
            "role": row.participation.role,
            "present": row.present,
            "recorded": row.recorded,
            "seen_in_room": row.seen_in_room,
        }
        for row in selectors.attendance_list(assist=assist)
    ]


@router.get(
    "/assists/{assist_id}/attendance",
    response={200: list[AttendanceOut], 404: ErrorOut},
    summary="Who was at the session, among those taking part (not those who said no)",
)
def get_attendance(request: ApiRequest, assist_id: Id) -> list[dict[str, object]]:
    return _attendance(_assist(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/attendance",
    response={200: list[AttendanceOut], 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Record who was at the session (the write-up lists them as who took part)",
)
def put_attendance(
    request: ApiRequest, assist_id: Id, payload: AttendanceIn
) -> list[dict[str, object]]:
    assist = _assist(request.auth, assist_id)
    services.attendance_record(viewer=request.auth, assist=assist, present_ids=payload.present_ids)
    return _attendance(assist)
