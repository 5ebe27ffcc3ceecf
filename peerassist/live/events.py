"""The live room's messages, typed: one TypedDict per kind.

- Server → browser (live/PROTOCOL.md): the sequenced room events (`type: "event"`, told
  apart by `event`), and `state`, `ack`, `me`, `presence`, `presence.changed`, `error`,
  `pong`.
- Server process → server process (the bus, core/events.py's transport): told apart by
  `type`. Lower apps close sockets with `room.kick` and `user.close`, built in core (they may
  not import the live room); the live room broadcasts `room.event` and `room.presence`.

To add an event kind: its TypedDict here (in `LiveEvent` and `EventKind`), an overload of
`live.room.event_emit` pairing the kind with its data, its name in PROTOCOL.md's `event`
row, and its emitting service exercised in tests/test_live_events_schema.py, which checks
every emitted message against these types and these against PROTOCOL.md.
"""

from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict, cast, get_args, get_type_hints

from peerassist.core.events import RoomKick, UserClose

# --- What the events carry ----------------------------------------------------------------


class PersonRef(TypedDict):
    person_id: int
    name: str


class ContributionData(TypedDict):
    """A note, as the board draws it."""

    id: int
    client_id: str
    kind: str
    text: str
    focus_question: int | None
    step_id: int | None
    group_id: int | None
    author: PersonRef | None  # None: an anonymous question, named to nobody
    recorded_by: PersonRef | None
    anonymous: bool
    upvotes: int
    answered: bool
    starred: bool
    tags: list[str]
    merged_into: int | None
    deleted: bool
    created_at: str
    updated_at: str
    version: int
    #: Only in one person's own `state` and `ack`: their anonymous question, their upvote.
    mine: NotRequired[bool]
    upvoted: NotRequired[bool]


class AnonymousStepsData(TypedDict):
    """The steps in which participants may ask questions without their name."""

    step_ids: list[int]


class VoteData(TypedDict):
    """A dot-vote; `results` ({contribution id: dots}) only once it is closed."""

    id: int
    step_id: int | None
    dots: int
    voters: str
    voter_roles: list[str]
    note_ids: list[int]
    status: str  # "open" | "closed"
    ballots: int
    results: dict[str, int] | None
    opened_at: str
    closed_at: str | None


class VoteCastData(TypedDict):
    """Someone cast (or first cast) their dots: how many have voted, never what."""

    vote_id: int
    ballots: int


class BallotData(TypedDict):
    client_id: str
    dots: dict[str, int]


class TimerData(TypedDict):
    """The step timer; clients count down to `ends_at` corrected by the clock offset."""

    step_id: int | None
    status: str  # "idle" | "running" | "paused" (live.models.TimerStatus)
    started_at: str | None
    paused_at: str | None
    duration_seconds: int
    extra_seconds: int
    paused_seconds: int
    ends_at: str | None
    remaining_seconds: float
    auto_advance: bool


# --- Room events: sequenced, stored for replay, broadcast to the room ------------------------


class ContributionCreated(TypedDict):
    type: Literal["event"]
    seq: int
    event: Literal["contribution.created"]
    data: ContributionData
    server_time: str


class ContributionUpdated(TypedDict):
    """Text, kind, tags, focus question or group changed."""

    type: Literal["event"]
    seq: int
    event: Literal["contribution.updated"]
    data: ContributionData
    server_time: str


class ContributionDeleted(TypedDict):
    type: Literal["event"]
    seq: int
    event: Literal["contribution.deleted"]
    data: ContributionData
    server_time: str


class ContributionStarred(TypedDict):
    type: Literal["event"]
    seq: int
    event: Literal["contribution.starred"]
    data: ContributionData
    server_time: str


class ContributionMerged(TypedDict):
    type: Literal["event"]
    seq: int
    event: Literal["contribution.merged"]
    data: ContributionData
    server_time: str


class TimerChanged(TypedDict):
    """The step or its timer changed: rights follow the step (each socket gets a `me`)."""

    type: Literal["event"]
    seq: int
    event: Literal["timer.changed"]
    data: TimerData
    server_time: str


class QuestionsAnonymous(TypedDict):
    """The facilitator turned anonymous questions on or off in a step."""

    type: Literal["event"]
    seq: int
    event: Literal["questions.anonymous"]
    data: AnonymousStepsData
    server_time: str


class VoteOpened(TypedDict):
    type: Literal["event"]
    seq: int
    event: Literal["vote.opened"]
    data: VoteData
    server_time: str


class VoteCast(TypedDict):
    type: Literal["event"]
    seq: int
    event: Literal["vote.cast"]
    data: VoteCastData
    server_time: str


class VoteClosed(TypedDict):
    """The vote closed: its results go to everyone."""

    type: Literal["event"]
    seq: int
    event: Literal["vote.closed"]
    data: VoteData
    server_time: str


LiveEvent = (
    ContributionCreated
    | ContributionUpdated
    | ContributionDeleted
    | ContributionStarred
    | ContributionMerged
    | TimerChanged
    | QuestionsAnonymous
    | VoteOpened
    | VoteCast
    | VoteClosed
)
ContributionEventKind = Literal[
    "contribution.created",
    "contribution.updated",
    "contribution.deleted",
    "contribution.starred",
    "contribution.merged",
]
VoteEventKind = Literal["vote.opened", "vote.closed"]
EventKind = (
    ContributionEventKind
    | VoteEventKind
    | Literal["timer.changed", "questions.anonymous", "vote.cast"]
)

#: Each event kind's TypedDict, by its `event` name.
EVENT_TYPES: dict[str, type] = {
    get_args(get_type_hints(t)["event"])[0]: t for t in get_args(LiveEvent)
}


def live_event(*, seq: int, kind: str, data: Mapping[str, Any], server_time: str) -> LiveEvent:
    """A room event from its parts (a stored RoomEvent row, whose kind and data the services
    typed when they emitted it)."""
    return cast(
        LiveEvent,
        {"type": "event", "seq": seq, "event": kind, "data": data, "server_time": server_time},
    )


# --- The other server → browser messages --------------------------------------------------


class May(TypedDict):
    """What the client may do now (live.rights.Rights)."""

    post: bool
    kinds: list[str]
    star: bool
    edit_any: bool
    control: bool
    on_behalf: bool
    upvote: bool


class MeData(TypedDict):
    person_id: int | None
    name: str
    role: str | None
    may: May
    why: str


class PresenceEntry(TypedDict):
    person_id: int | None
    name: str
    role: str | None


class AssistSummary(TypedDict):
    id: int
    title: str
    status: str


class AgendaStep(TypedDict):
    id: int
    order: int
    name: str
    phase: str
    runnable: bool
    concluding: bool
    minutes: int
    prompt_questions: list[str]
    posting_roles: list[str]
    contribution_kinds: list[str]
    kinds_by_role: dict[str, tuple[str, ...]]


class GroupRef(TypedDict):
    id: int
    name: str
    #: Who posts the group's insights in the plenary (a person id), or None.
    spokesperson_id: int | None
    #: The language the group works in (ISO 639-1), or None: its notes carry it as `lang`.
    language: str | None


class State(TypedDict):
    """The full room, to draw it from scratch."""

    type: Literal["state"]
    seq: int
    assist: AssistSummary
    agenda: list[AgendaStep]
    timer: TimerData
    contributions: list[ContributionData]
    focus_questions: list[str]
    groups: list[GroupRef]
    presence: list[PresenceEntry]
    me: MeData
    anonymous_step_ids: list[int]
    votes: list[VoteData]
    my_ballots: dict[str, BallotData]
    server_time: str


class Ack(TypedDict):
    type: Literal["ack"]
    client_id: str
    contribution: ContributionData
    created: bool


class Me(TypedDict):
    """The client's rights now: after every `timer.changed`, and (with who they are) after a
    replay."""

    type: Literal["me"]
    may: May
    why: str
    role: str | None
    person_id: NotRequired[int | None]
    name: NotRequired[str]
    #: The room event these rights follow (the `timer.changed`, or the last event a replay
    #: sent): a client keeps the rights of the highest `seq`, whichever arrives last.
    seq: int


class Presence(TypedDict):
    """Everyone present, in full: after a replay (`hello` with a `last_seq`), and from a
    server of the previous version at every change."""

    type: Literal["presence"]
    presence: list[PresenceEntry]


class PresenceChanged(TypedDict):
    """Who arrived and who left since the list this socket has (its `state`'s or its last
    `presence`, and the changes after it, in order): `joined` holds entries to add or to
    replace, `left` the keys to drop. An entry's key is its `person_id`, or its name when it
    has none."""

    type: Literal["presence.changed"]
    joined: list[PresenceEntry]
    left: list[int | str]


class Error(TypedDict):
    type: Literal["error"]
    code: str
    message: str
    client_id: NotRequired[str]
    vote_id: NotRequired[int]  # a ballot the server did not count


class Ballot(TypedDict):
    """The sender's ballot as counted (to the sender only)."""

    type: Literal["ballot"]
    vote_id: int
    client_id: str
    dots: dict[str, int]


class Pong(TypedDict):
    type: Literal["pong"]
    server_time: str


ServerMessage = LiveEvent | State | Ack | Me | Presence | PresenceChanged | Error | Ballot | Pong

#: Each server → browser message's TypedDicts, by its `type` ("event": one per kind).
SERVER_MESSAGE_TYPES: dict[str, tuple[type, ...]] = {}
for _t in get_args(ServerMessage):
    _name = get_args(get_type_hints(_t)["type"])[0]
    SERVER_MESSAGE_TYPES[_name] = (*SERVER_MESSAGE_TYPES.get(_name, ()), _t)


# --- The bus between server processes ------------------------------------------------------


class RoomEventMessage(TypedDict):
    """A room event for every socket of the room, on every process."""

    type: Literal["room.event"]
    assist_id: int
    event: LiveEvent


class RoomPresenceMessage(TypedDict):
    """Who is connected to the room through one server process (replaces its last list)."""

    type: Literal["room.presence"]
    assist_id: int
    process_id: str
    entries: list[PresenceEntry]


BusMessage = RoomEventMessage | RoomPresenceMessage | RoomKick | UserClose

#: Each bus message's TypedDict, by its `type`.
BUS_MESSAGE_TYPES: dict[str, type] = {
    get_args(get_type_hints(t)["type"])[0]: t for t in get_args(BusMessage)
}


def room_event(assist_id: int, event: LiveEvent) -> RoomEventMessage:
    from peerassist.core.metrics import ROOM_EVENTS

    ROOM_EVENTS.labels(event["type"]).inc()
    return {"type": "room.event", "assist_id": assist_id, "event": event}


def room_presence(
    assist_id: int, process_id: str, entries: list[PresenceEntry]
) -> RoomPresenceMessage:
    from peerassist.core.metrics import ROOM_EVENTS

    ROOM_EVENTS.labels("control").inc()
    return {
        "type": "room.presence",
        "assist_id": assist_id,
        "process_id": process_id,
        "entries": entries,
    }


class UnknownBusMessage(ValueError):
    pass


def bus_message_parse(raw: Mapping[str, Any]) -> BusMessage:
    """A message read from the channel layer, by its `type` (the layer carries plain dicts:
    only this project's processes write to it, with the types above)."""
    if raw.get("type") not in BUS_MESSAGE_TYPES:
        raise UnknownBusMessage(f"unknown live bus message {raw.get('type')!r}")
    return cast(BusMessage, raw)
