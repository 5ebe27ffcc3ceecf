"""After the session: the conclusion, actions, connect-afterwards pairs, feedback, the write-up
(with versions, restore, redraft and publish) and the follow-up.

Reads go through `peerassist.writeups.selectors`, writes through
`peerassist.writeups.services`, which check rights: an assist the viewer may not see is 404,
a change they may not make is 403, a rule that says no is 422. Anonymous feedback never
carries a name, to anyone.
"""

from datetime import date, datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from peerassist.api.schemas import NO_SUCH_ASSIST, BodyDate, BodyId, ErrorOut, Id, Omittable
from peerassist.assists.models import PeerAssist
from peerassist.assists.models import Status as AssistStatus
from peerassist.core.access import get_assist_or_404
from peerassist.core.scoping import Viewer
from peerassist.writeups import length, rules, selectors, services
from peerassist.writeups.markdown import render_markdown
from peerassist.writeups.models import (
    Action,
    ActionStatus,
    ConnectPair,
    FollowUp,
    WriteUp,
    WriteUpStatus,
)

router = Router(tags=["writeups"])


# --- Schemas ------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    name: str


class ContributionRefOut(Schema):
    id: int
    kind: str
    text: str
    starred: bool


class ActionOut(Schema):
    id: int
    title: str
    owner: PersonRefOut | None
    due_on: date | None
    status: ActionStatus
    overdue: bool
    notes: str
    contributions: list[ContributionRefOut]


class ActionIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    owner_id: BodyId | None = None
    due_on: BodyDate | None = None
    status: ActionStatus = ActionStatus.OPEN
    contribution_ids: list[BodyId] = []


class ActionPatchIn(Schema):
    title: str = Omittable(min_length=1, max_length=300)
    owner_id: BodyId | None = None
    due_on: BodyDate | None = None
    status: ActionStatus = Omittable()
    notes: str | None = None
    contribution_ids: list[BodyId] = Omittable()


class PairOut(Schema):
    id: int
    home_peer: PersonRefOut
    visiting_peer: PersonRefOut
    topic: str


class PairIn(Schema):
    home_peer_id: BodyId
    visiting_peer_id: BodyId
    topic: str = Field("", max_length=300)


class FeedbackOut(Schema):
    usefulness: int
    comment: str
    anonymous: bool
    #: Null for anonymous feedback, always.
    name: str | None


class FeedbackListOut(Schema):
    average: float | None
    count: int
    items: list[FeedbackOut]


class FeedbackIn(Schema):
    usefulness: StrictInt = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)
    anonymous: StrictBool = False


class FollowUpOut(Schema):
    due_on: date
    asked_at: datetime | None
    answered_at: datetime | None
    answered_by: PersonRefOut | None
    followed_up_with: list[PersonRefOut]
    what_changed: str
    peers_told_at: datetime | None


class ConclusionOut(Schema):
    assist_id: Id
    assist_status: AssistStatus
    learned: str
    do_differently: str
    shared_knowledge: str
    followup_on: date | None
    followup_at_next_meeting: bool
    followup: FollowUpOut | None
    actions: list[ActionOut]
    connect_pairs: list[PairOut]
    feedback: FeedbackListOut
    can_edit: bool


class ConclusionIn(Schema):
    learned: str = ""
    do_differently: str = ""
    shared_knowledge: str = ""
    followup_on: BodyDate | None = None
    followup_at_next_meeting: StrictBool = False


class AssistStatusOut(Schema):
    id: int
    status: AssistStatus


class FindingOut(Schema):
    level: str
    code: str
    message: str
    field: str | None


class WriteUpOut(Schema):
    assist_id: Id
    status: WriteUpStatus
    version: int
    body: str
    html: str
    pages: float
    findings: list[FindingOut]
    published_at: datetime | None
    shared_with_guests: bool
    can_edit: bool


class WriteUpIn(Schema):
    body: str = Field(..., max_length=200_000)
    note: str = Field("", max_length=200)


class VersionSummaryOut(Schema):
    number: int
    note: str
    created_at: datetime
    created_by: str | None


class VersionOut(VersionSummaryOut):
    body: str
    #: A unified diff from this version to the current text.
    diff: list[dict[str, str | int | None]]


class PublishIn(Schema):
    recipient_ids: list[BodyId] = []
    shared_with_guests: StrictBool = True


class FollowUpAnswerIn(Schema):
    followed_up_with_ids: list[BodyId] = []
    what_changed: str = Field("", max_length=10_000)
    action_statuses: dict[Id, ActionStatus] = {}


# --- Helpers ------------------------------------------------------------------------


def _assist(viewer: Viewer, assist_id: Id) -> PeerAssist:
    return get_assist_or_404(viewer=viewer, assist_id=assist_id, message=NO_SUCH_ASSIST)


def _person(person) -> dict | None:
    return {"id": person.pk, "name": person.name} if person else None


def _action(action: Action, today: date) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "owner": _person(action.owner),
        "due_on": action.due_on,
        "status": action.status,
        "overdue": rules.is_overdue(due_on=action.due_on, status=action.status, today=today),
        "notes": action.notes,
        "contributions": list(action.contributions.all()),
    }


def _actions(assist: PeerAssist) -> list[dict]:
    today = timezone.localdate()
    return [_action(a, today) for a in selectors.action_list(assist=assist)]


def _pair(pair: ConnectPair) -> dict:
    return {
        "id": pair.pk,
        "home_peer": _person(pair.home_peer),
        "visiting_peer": _person(pair.visiting_peer),
        "topic": pair.topic,
    }


def _feedback(assist: PeerAssist) -> dict:
    views = selectors.feedback_list(assist=assist)
    return {
        "average": selectors.feedback_average(views),
        "count": len(views),
        "items": [v.__dict__ for v in views],
    }


def _followup(followup: FollowUp | None) -> dict | None:
    if followup is None:
        return None
    return {
        "due_on": followup.due_on,
        "asked_at": followup.asked_at,
        "answered_at": followup.answered_at,
        "answered_by": _person(followup.answered_by),
        "followed_up_with": [_person(p) for p in followup.followed_up_with.all()],
        "what_changed": followup.what_changed,
        "peers_told_at": followup.peers_told_at,
    }


def _conclusion(viewer: Viewer, assist: PeerAssist) -> dict:
    conclusion = selectors.conclusion_get(assist=assist)
    return {
        "assist_id": assist.pk,
        "assist_status": assist.status,
        "learned": conclusion.learned if conclusion else "",
        "do_differently": conclusion.do_differently if conclusion else "",
        "shared_knowledge": conclusion.shared_knowledge if conclusion else "",
        "followup_on": conclusion.followup_on if conclusion else None,
        "followup_at_next_meeting": conclusion.followup_at_next_meeting if conclusion else False,
        "followup": _followup(selectors.followup_get(assist=assist)),
        "actions": _actions(assist),
        "connect_pairs": [_pair(p) for p in selectors.connect_pair_list(assist=assist)],
        "feedback": _feedback(assist),
        "can_edit": selectors.rights_for(viewer=viewer, assist=assist).edit,
    }


def _writeup(viewer: Viewer, assist_id: Id) -> WriteUp:
    try:
        return selectors.writeup_for_viewer(viewer=viewer, assist_id=assist_id)
    except WriteUp.DoesNotExist:
        raise Http404("No write-up, or you may not read it.") from None


def _writeup_out(viewer: Viewer, writeup: WriteUp) -> dict:
    rights = selectors.rights_for(viewer=viewer, assist=writeup.assist)
    # The pages the PDF takes, laid out (cached by content), as the editor's gauge shows.
    gauge = length.writeup_gauge(assist=writeup.assist, body=writeup.body, writeup=writeup)
    return {
        "assist_id": writeup.assist_id,
        "status": writeup.status,
        "version": writeup.version,
        "body": writeup.body,
        "html": str(render_markdown(writeup.body)),
        "pages": gauge["pages"],
        "findings": [f.as_dict() for f in gauge["findings"]],  # type: ignore[attr-defined]
        "published_at": writeup.published_at,
        "shared_with_guests": writeup.shared_with_guests,
        "can_edit": rights.edit,
    }


def _version_summary(version) -> dict:
    return {
        "number": version.number,
        "note": version.note,
        "created_at": version.created_at,
        "created_by": version.created_by.email if version.created_by else None,
    }


# --- The conclusion -------------------------------------------------------------------


@router.get(
    "/assists/{assist_id}/conclusion",
    response={200: ConclusionOut, 404: ErrorOut},
    summary="The conclusion: response, follow-up, actions, pairs and feedback",
)
def get_conclusion(request: HttpRequest, assist_id: Id):
    return _conclusion(request.auth, _assist(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/conclusion",
    response={200: ConclusionOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Record the home team's response and when to follow up",
)
def put_conclusion(request: HttpRequest, assist_id: Id, payload: ConclusionIn):
    assist = _assist(request.auth, assist_id)
    services.conclusion_save(viewer=request.auth, assist=assist, **payload.dict())
    return _conclusion(request.auth, assist)


@router.post(
    "/assists/{assist_id}/conclude",
    response={200: AssistStatusOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Conclude the live session (drafts the write-up)",
)
def conclude(request: HttpRequest, assist_id: Id):
    assist = services.assist_conclude(viewer=request.auth, assist=_assist(request.auth, assist_id))
    return {"id": assist.pk, "status": assist.status}


# --- Attendance -----------------------------------------------------------------------


class AttendanceOut(Schema):
    participation_id: int
    person_id: int
    name: str
    role: str
    present: bool = Field(
        ..., description="As recorded, else the guess the conclusion page shows ticked."
    )
    recorded: bool = Field(..., description="False while nobody has recorded it.")
    seen_in_room: bool


class AttendanceIn(Schema):
    present_ids: list[BodyId] = Field(
        ...,
        description=(
            "Participation ids of those who were there; everyone else taking part is "
            "recorded as not there."
        ),
    )


def _attendance(assist: PeerAssist) -> list[dict]:
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
def get_attendance(request: HttpRequest, assist_id: Id):
    return _attendance(_assist(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/attendance",
    response={200: list[AttendanceOut], 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Record who was at the session (the write-up lists them as who took part)",
)
def put_attendance(request: HttpRequest, assist_id: Id, payload: AttendanceIn):
    assist = _assist(request.auth, assist_id)
    services.attendance_record(viewer=request.auth, assist=assist, present_ids=payload.present_ids)
    return _attendance(assist)


# --- Actions --------------------------------------------------------------------------


def _one_action(assist: PeerAssist, action_id: Id) -> Action:
    try:
        return Action.objects.select_related("assist").get(pk=action_id, assist=assist)
    except Action.DoesNotExist:
        raise Http404("No such action.") from None


@router.get(
    "/assists/{assist_id}/actions",
    response={200: list[ActionOut], 404: ErrorOut},
    summary="The assist's actions",
)
def list_actions(request: HttpRequest, assist_id: Id):
    return _actions(_assist(request.auth, assist_id))


@router.post(
    "/assists/{assist_id}/actions",
    response={201: ActionOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Add an action",
)
def create_action(request: HttpRequest, assist_id: Id, payload: ActionIn):
    assist = _assist(request.auth, assist_id)
    action = services.action_create(viewer=request.auth, assist=assist, **payload.dict())
    return Status(201, _action(action, timezone.localdate()))


@router.get(
    "/assists/{assist_id}/actions/{action_id}",
    response={200: ActionOut, 404: ErrorOut},
    summary="One action",
)
def get_action(request: HttpRequest, assist_id: Id, action_id: Id):
    action = _one_action(_assist(request.auth, assist_id), action_id)
    return _action(action, timezone.localdate())


@router.patch(
    "/assists/{assist_id}/actions/{action_id}",
    response={200: ActionOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Change an action (its status, owner, date…)",
)
def update_action(request: HttpRequest, assist_id: Id, action_id: Id, payload: ActionPatchIn):
    action = _one_action(_assist(request.auth, assist_id), action_id)
    action = services.action_update(
        viewer=request.auth, action=action, changes=payload.dict(exclude_unset=True)
    )
    return _action(action, timezone.localdate())


@router.delete(
    "/assists/{assist_id}/actions/{action_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove an action",
)
def delete_action(request: HttpRequest, assist_id: Id, action_id: Id):
    action = _one_action(_assist(request.auth, assist_id), action_id)
    services.action_delete(viewer=request.auth, action=action)
    return Status(204, None)


# --- Connect afterwards ---------------------------------------------------------------


@router.get(
    "/assists/{assist_id}/connect-pairs",
    response={200: list[PairOut], 404: ErrorOut},
    summary="Who connects with whom after the session",
)
def list_pairs(request: HttpRequest, assist_id: Id):
    assist = _assist(request.auth, assist_id)
    return [_pair(p) for p in selectors.connect_pair_list(assist=assist)]


@router.post(
    "/assists/{assist_id}/connect-pairs",
    response={201: PairOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Add a home peer ↔ visiting peer pair",
)
def create_pair(request: HttpRequest, assist_id: Id, payload: PairIn):
    assist = _assist(request.auth, assist_id)
    pair = services.connect_pair_add(viewer=request.auth, assist=assist, **payload.dict())
    return Status(201, _pair(pair))


@router.delete(
    "/assists/{assist_id}/connect-pairs/{pair_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove a pair",
)
def delete_pair(request: HttpRequest, assist_id: Id, pair_id: Id):
    assist = _assist(request.auth, assist_id)
    try:
        pair = ConnectPair.objects.select_related("assist").get(pk=pair_id, assist=assist)
    except ConnectPair.DoesNotExist:
        raise Http404("No such pair.") from None
    services.connect_pair_remove(viewer=request.auth, pair=pair)
    return Status(204, None)


# --- Feedback -------------------------------------------------------------------------


@router.get(
    "/assists/{assist_id}/feedback",
    response={200: FeedbackListOut, 404: ErrorOut},
    summary="Participants' feedback (anonymous ones without a name)",
)
def list_feedback(request: HttpRequest, assist_id: Id):
    return _feedback(_assist(request.auth, assist_id))


@router.post(
    "/assists/{assist_id}/feedback",
    response={200: FeedbackOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Give (or change) your own feedback on the session",
)
def give_feedback(request: HttpRequest, assist_id: Id, payload: FeedbackIn):
    assist = _assist(request.auth, assist_id)
    feedback = services.feedback_give(viewer=request.auth, assist=assist, **payload.dict())
    return {
        "usefulness": feedback.usefulness,
        "comment": feedback.comment,
        "anonymous": feedback.anonymous,
        "name": None if feedback.anonymous else feedback.person.name,
    }


# --- The write-up ---------------------------------------------------------------------


@router.get(
    "/assists/{assist_id}/writeup",
    response={200: WriteUpOut, 404: ErrorOut},
    summary="The write-up (Markdown, HTML and its page gauge)",
)
def get_writeup(request: HttpRequest, assist_id: Id):
    return _writeup_out(request.auth, _writeup(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/writeup",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Save the write-up's text as a new version",
)
def put_writeup(request: HttpRequest, assist_id: Id, payload: WriteUpIn):
    writeup = _writeup(request.auth, assist_id)
    writeup = services.writeup_save(
        viewer=request.auth, assist=writeup.assist, body=payload.body, note=payload.note
    )
    return _writeup_out(request.auth, writeup)


@router.post(
    "/assists/{assist_id}/writeup/redraft",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Draft (or redraft) the write-up from the session, as a new version",
)
def redraft_writeup(request: HttpRequest, assist_id: Id):
    assist = _assist(request.auth, assist_id)
    writeup = services.writeup_draft(viewer=request.auth, assist=assist)
    return _writeup_out(request.auth, writeup)


@router.get(
    "/assists/{assist_id}/writeup/versions",
    response={200: list[VersionSummaryOut], 404: ErrorOut},
    summary="The write-up's versions, newest first",
)
def list_versions(request: HttpRequest, assist_id: Id):
    writeup = _writeup(request.auth, assist_id)
    return [_version_summary(v) for v in selectors.version_list(writeup=writeup)]


@router.get(
    "/assists/{assist_id}/writeup/versions/{number}",
    response={200: VersionOut, 404: ErrorOut},
    summary="One version, with its diff to the current text",
)
def get_version(request: HttpRequest, assist_id: Id, number: Id):
    writeup = _writeup(request.auth, assist_id)
    version = selectors.version_list(writeup=writeup).filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    return {
        **_version_summary(version),
        "body": version.body,
        "diff": [line.__dict__ for line in selectors.diff_lines(version.body, writeup.body)],
    }


@router.post(
    "/assists/{assist_id}/writeup/versions/{number}/restore",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Make a version the current text again (as a new version)",
)
def restore_version(request: HttpRequest, assist_id: Id, number: Id):
    writeup = _writeup(request.auth, assist_id)
    if not selectors.version_list(writeup=writeup).filter(number=number).exists():
        raise Http404("No such version.")
    writeup = services.writeup_restore(viewer=request.auth, assist=writeup.assist, number=number)
    return _writeup_out(request.auth, writeup)


@router.post(
    "/assists/{assist_id}/writeup/publish",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Publish the write-up and send it to participants and chosen people",
)
def publish_writeup(request: HttpRequest, assist_id: Id, payload: PublishIn):
    writeup = _writeup(request.auth, assist_id)
    writeup = services.writeup_publish(viewer=request.auth, assist=writeup.assist, **payload.dict())
    return _writeup_out(request.auth, writeup)


# --- The follow-up --------------------------------------------------------------------


@router.get(
    "/assists/{assist_id}/followup",
    response={200: FollowUpOut, 404: ErrorOut},
    summary="The follow-up check-in and its answer",
)
def get_followup(request: HttpRequest, assist_id: Id):
    followup = selectors.followup_get(assist=_assist(request.auth, assist_id))
    if followup is None:
        raise Http404("No follow-up is scheduled.")
    return _followup(followup)


@router.post(
    "/assists/{assist_id}/followup/answer",
    response={200: FollowUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Answer the follow-up: who you followed up with, what changed, each action",
)
def answer_followup(request: HttpRequest, assist_id: Id, payload: FollowUpAnswerIn):
    assist = _assist(request.auth, assist_id)
    services.followup_answer(
        viewer=request.auth,
        assist=assist,
        followed_up_with_ids=payload.followed_up_with_ids,
        what_changed=payload.what_changed,
        action_statuses={k: str(v) for k, v in payload.action_statuses.items()},
    )
    return _followup(selectors.followup_get(assist=assist))
