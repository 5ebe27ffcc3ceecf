"""The write-ups API's request and response schemas. Responses read the models (and the
selectors' views) directly: a field the model does not hold has a `resolve_<field>`."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from peerassist.api.schemas import BodyDate, BodyId, FindingOut, Id, Omittable, PersonRefOut
from peerassist.assists.models import PeerAssist
from peerassist.assists.models import Status as AssistStatus
from peerassist.writeups import diffing, length, rules, selectors
from peerassist.writeups.markdown import render_markdown
from peerassist.writeups.models import (
    Action,
    ActionStatus,
    Conclusion,
    WriteUp,
    WriteUpStatus,
    WriteUpVersion,
)


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

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return rules.is_overdue(due_on=obj.due_on, status=obj.status, today=timezone.localdate())


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


def _conclusion_of(assist: PeerAssist) -> Conclusion | None:
    """The assist's conclusion, read once per answer for the fields that come from it."""
    if not hasattr(assist, "_api_conclusion"):
        assist._api_conclusion = selectors.conclusion_get(assist=assist)  # type: ignore[attr-defined]
    found: Conclusion | None = assist._api_conclusion  # type: ignore[attr-defined]
    return found


# Read from the PeerAssist: its conclusion (which may not exist yet), follow-up, actions,
# pairs and feedback; the request's viewer decides `can_edit`.
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

    @staticmethod
    def resolve_assist_id(obj: PeerAssist) -> int:
        return obj.pk

    @staticmethod
    def resolve_assist_status(obj: PeerAssist) -> str:
        return obj.status

    @staticmethod
    def resolve_learned(obj: PeerAssist) -> str:
        conclusion = _conclusion_of(obj)
        return conclusion.learned if conclusion else ""

    @staticmethod
    def resolve_do_differently(obj: PeerAssist) -> str:
        conclusion = _conclusion_of(obj)
        return conclusion.do_differently if conclusion else ""

    @staticmethod
    def resolve_shared_knowledge(obj: PeerAssist) -> str:
        conclusion = _conclusion_of(obj)
        return conclusion.shared_knowledge if conclusion else ""

    @staticmethod
    def resolve_followup_on(obj: PeerAssist) -> date | None:
        conclusion = _conclusion_of(obj)
        return conclusion.followup_on if conclusion else None

    @staticmethod
    def resolve_followup_at_next_meeting(obj: PeerAssist) -> bool:
        conclusion = _conclusion_of(obj)
        return conclusion.followup_at_next_meeting if conclusion else False

    @staticmethod
    def resolve_followup(obj: PeerAssist) -> Any:
        return selectors.followup_get(assist=obj)

    @staticmethod
    def resolve_actions(obj: PeerAssist) -> list[Action]:
        return list(selectors.action_list(assist=obj))

    @staticmethod
    def resolve_connect_pairs(obj: PeerAssist) -> list[Any]:
        return list(selectors.connect_pair_list(assist=obj))

    @staticmethod
    def resolve_feedback(obj: PeerAssist) -> Any:
        from peerassist.api.writeups._common import _feedback

        return _feedback(obj)

    @staticmethod
    def resolve_can_edit(obj: PeerAssist, context: dict[str, Any]) -> bool:
        return selectors.rights_for(viewer=context["request"].auth, assist=obj).edit


class ConclusionIn(Schema):
    learned: str = ""
    do_differently: str = ""
    shared_knowledge: str = ""
    followup_on: BodyDate | None = None
    followup_at_next_meeting: StrictBool = False


class AssistStatusOut(Schema):
    id: int
    status: AssistStatus


def _gauge(writeup: WriteUp) -> length.WriteupGauge:
    """The pages the PDF takes, laid out (cached by content), as the editor's gauge shows;
    worked out once per answer for the two fields that read it."""
    found: length.WriteupGauge | None = getattr(writeup, "_api_gauge", None)
    if found is None:
        found = length.writeup_gauge(assist=writeup.assist, body=writeup.body, writeup=writeup)
        writeup._api_gauge = found  # type: ignore[attr-defined]
    return found


# Read from the WriteUp; the request's viewer decides `can_edit`.
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

    @staticmethod
    def resolve_html(obj: WriteUp) -> str:
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_pages(obj: WriteUp) -> float:
        return _gauge(obj)["pages"]

    @staticmethod
    def resolve_findings(obj: WriteUp) -> list[dict[str, Any]]:
        return [f.as_dict() for f in _gauge(obj)["findings"]]

    @staticmethod
    def resolve_can_edit(obj: WriteUp, context: dict[str, Any]) -> bool:
        return selectors.rights_for(viewer=context["request"].auth, assist=obj.assist).edit


class WriteUpIn(Schema):
    body: str = Field(..., max_length=200_000)
    note: str = Field("", max_length=200)


# Read from a WriteUpVersion.
class VersionSummaryOut(Schema):
    number: int
    note: str
    created_at: datetime
    created_by: str | None

    @staticmethod
    def resolve_created_by(obj: WriteUpVersion) -> str | None:
        return obj.created_by.email if obj.created_by else None


class DiffLineOut(Schema):
    op: str = Field(..., description='"add", "remove", "same" or "gap" (lines left out).')
    text: str
    old_number: int | None
    new_number: int | None


class VersionOut(VersionSummaryOut):
    body: str
    #: A unified diff from this version to the write-up's current text.
    diff: list[DiffLineOut]

    @staticmethod
    def resolve_diff(obj: WriteUpVersion) -> list[diffing.DiffLine]:
        return diffing.diff_lines(obj.body, obj.writeup.body)


class PublishIn(Schema):
    recipient_ids: list[BodyId] = []
    shared_with_guests: StrictBool = True


class FollowUpAnswerIn(Schema):
    followed_up_with_ids: list[BodyId] = []
    what_changed: str = Field("", max_length=10_000)
    action_statuses: dict[Id, ActionStatus] = {}


# Read from a selectors.AttendanceRow.
class AttendanceOut(Schema):
    participation_id: int
    person_id: int
    name: str
    role: str

    @staticmethod
    def resolve_participation_id(obj: selectors.AttendanceRow) -> int:
        return obj.participation.pk

    @staticmethod
    def resolve_person_id(obj: selectors.AttendanceRow) -> int:
        return obj.participation.person_id

    @staticmethod
    def resolve_name(obj: selectors.AttendanceRow) -> str:
        return obj.participation.person.name

    @staticmethod
    def resolve_role(obj: selectors.AttendanceRow) -> str:
        return obj.participation.role

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
