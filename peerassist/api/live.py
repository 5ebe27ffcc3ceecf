"""The live room over HTTP: read its state, post a note (same idempotency as the socket)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import NO_SUCH_ASSIST, BodyId, ErrorOut, Id
from peerassist.assists.models import ContributionKind, PeerAssist
from peerassist.core.access import get_assist_or_404
from peerassist.live import selectors, services
from peerassist.live.events import ContributionData, State

router = Router(tags=["live room"])


class RoomErrorOut(Schema):
    detail: str
    code: str


class PostIn(Schema):
    client_id: str = Field(..., description="A UUID the client makes; a retry sends the same one.")
    text: str = Field(..., min_length=1, max_length=services.MAX_TEXT)
    kind: ContributionKind
    focus_question: StrictInt | None = Field(None, ge=0, le=32767)  # its column's range
    group_id: BodyId | None = None
    on_behalf_of: BodyId | None = Field(None, description="Facilitator and note-taker only.")
    anonymous: bool = Field(
        False,
        description="A question without your name, in a step where the facilitator allows it.",
    )


def _actor(request: ApiRequest, assist_id: Id) -> tuple[PeerAssist, selectors.Actor]:
    assist = get_assist_or_404(viewer=request.auth, assist_id=assist_id, message=NO_SUCH_ASSIST)
    actor = selectors.actor_for_user(assist=assist, user_id=request.auth.user.pk)
    if actor is None:
        raise PermissionDenied("The live room is for the people taking part in this assist.")
    return assist, actor


@router.get(
    "/assists/{assist_id}/room",
    response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut},
    summary="The room: agenda, timer, contributions, your rights now",
)
def room_state(request: ApiRequest, assist_id: Id) -> State:
    assist, actor = _actor(request, assist_id)
    return selectors.room_state(assist_id=assist.pk, actor=actor, presence=[])


@router.post(
    "/assists/{assist_id}/contributions",
    response={
        200: dict[str, Any],
        201: dict[str, Any],
        403: ErrorOut,
        404: ErrorOut,
        422: RoomErrorOut,
    },
    summary="Post a note; a retry with the same client_id returns the saved note (200)",
)
def post_contribution(
    request: ApiRequest, assist_id: Id, payload: PostIn
) -> Status[ContributionData] | Status[dict[str, str]]:
    assist, _ = _actor(request, assist_id)
    try:
        posted = services.contribution_post(
            assist_id=assist.pk,
            user_id=request.auth.user.pk,
            client_id=payload.client_id,
            text=payload.text,
            kind=payload.kind.value,
            focus_question=payload.focus_question,
            group_id=payload.group_id,
            on_behalf_of=payload.on_behalf_of,
            anonymous=payload.anonymous,
        )
    except services.RoomError as refusal:
        return Status(422, {"detail": refusal.message, "code": refusal.code})
    return Status(201 if posted.created else 200, posted.contribution)
