"""The live room over HTTP: read its state, post a note (same idempotency as the socket)."""

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import NO_SUCH_ASSIST, BodyId, ErrorOut, Id
from peerassist.assists import selectors as assist_selectors
from peerassist.assists.models import BreakoutGroup, ContributionKind, PeerAssist
from peerassist.core.access import get_assist_or_404
from peerassist.live import selectors, services, state
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


class NoteGroupOut(Schema):
    id: int
    name: str


class NotePersonOut(Schema):
    person_id: int
    name: str


# Read from a `GroupedNote`: the note as the room draws it (live.events.ContributionData)
# with its breakout group.
class NoteOut(Schema):
    id: int
    client_id: str
    kind: ContributionKind
    text: str
    focus_question: int | None = Field(..., description="Index into the focus questions.")
    step_id: int | None = Field(..., description="The agenda step it was posted in.")
    group_id: int | None = Field(..., description="The same as group.id.")
    group: NoteGroupOut | None = Field(
        ..., description="The breakout group the note is filed under; null when none."
    )
    author: NotePersonOut | None = Field(..., description="null for an anonymous question.")
    recorded_by: NotePersonOut | None = Field(
        ..., description="Who typed it on the author's behalf (facilitator or note-taker)."
    )
    anonymous: bool
    upvotes: int
    answered: bool
    starred: bool
    tags: list[str]
    merged_into: int | None = Field(..., description="The note this one was merged into.")
    deleted: bool
    created_at: str = Field(..., description="ISO 8601.")
    updated_at: str = Field(..., description="ISO 8601.")
    version: int
    mine: bool = Field(False, description="Your own anonymous question.")
    upvoted: bool = Field(False, description="You upvoted this question.")


@dataclass(frozen=True)
class GroupedNote:
    """A note with its breakout group (NoteOut's source); other fields come from the note."""

    note: ContributionData
    group: BreakoutGroup | None

    def __getattr__(self, name: str) -> Any:
        try:
            return cast(dict[str, Any], self.note)[name]
        except KeyError:
            raise AttributeError(name) from None


def _grouped(assist: PeerAssist, notes: list[ContributionData]) -> list[GroupedNote]:
    groups = {g.pk: g for g in assist_selectors.group_list(assist=assist)}
    return [GroupedNote(note=n, group=groups.get(n["group_id"] or 0)) for n in notes]


def _actor(request: ApiRequest, assist_id: Id) -> tuple[PeerAssist, selectors.Actor]:
    assist = get_assist_or_404(viewer=request.auth, assist_id=assist_id, message=NO_SUCH_ASSIST)
    actor = selectors.actor_for_user(assist=assist, user_id=request.auth.user.pk)
    if actor is None:
        raise PermissionDenied(_("The live room is for the people taking part in this assist."))
    return assist, actor


@router.get(
    "/assists/{assist_id}/room",
    response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut},
    summary="The room: agenda, timer, contributions, your rights now",
)
def room_state(request: ApiRequest, assist_id: Id) -> State:
    assist, actor = _actor(request, assist_id)
    return state.room_state(assist_id=assist.pk, actor=actor, presence=[])


@router.get(
    "/assists/{assist_id}/contributions",
    response={200: list[NoteOut], 403: ErrorOut, 404: ErrorOut},
    summary="The room's notes, each with its breakout group",
    description="As the room shows them to you: an anonymous question names nobody (but "
    "its author sees `mine`), deleted and merged notes are marked, not left out.",
)
def list_contributions(request: ApiRequest, assist_id: Id) -> list[GroupedNote]:
    assist, actor = _actor(request, assist_id)
    return _grouped(assist, selectors.contributions_for(assist.pk, actor))


@router.post(
    "/assists/{assist_id}/contributions",
    response={
        200: NoteOut,
        201: NoteOut,
        403: ErrorOut,
        404: ErrorOut,
        422: RoomErrorOut,
    },
    summary="Post a note; a retry with the same client_id returns the saved note (200)",
)
def post_contribution(
    request: ApiRequest, assist_id: Id, payload: PostIn
) -> Status[GroupedNote] | Status[dict[str, str]]:
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
    [note] = _grouped(assist, [posted.contribution])
    return Status(201 if posted.created else 200, note)
