"""Joining the live room: who a new socket acts as, and the room's state it starts from.

Channels runs a server process's database calls on one thread, and when 500 people open
the room at 9:00 their joins queue there (issue 19, bench/live_fanout.py). So a join takes
one trip to that thread (`enter`: the session, its user, who that is in the room, the
session's steps, read about once a second), its attendance is written
with the others' (`attendance.batch`), and its state usually none: `joining_state` pastes
it together from the hub's snapshot of the room's shared part (`state.RoomSnapshot`) while
that snapshot was checked against the database less than a second ago.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext as _

from peerassist.assists.models import AssistStep
from peerassist.live import selectors, services, state
from peerassist.live.auth import session_user
from peerassist.live.db import in_db_thread
from peerassist.live.fanout import hub


def enter(
    *, assist_id: int, token: str, user: Any, session_key: str
) -> tuple[Any, selectors.RoomEntry | None, dict[int, AssistStep]]:
    """Everything a new socket needs from the database, in one trip to its thread: the user
    (`user`, or read from the session with `session_key`: AnonymousUser if none), who the
    socket acts as (None: refused) and the session's steps, kept for the socket's life: a
    `timer.changed` names the step whose rights the socket then tells its client, without a
    query per socket. Stores the room if it was never opened. A projector link (`token`)
    acts as the projector, whoever is signed in."""
    entry: selectors.RoomEntry | None = None
    if token:
        user = AnonymousUser()
        target = selectors.projector_target(token=token)
        if target is not None and target.room.assist_id == assist_id:
            projector = selectors.Actor(None, _("Projector"), selectors.PROJECTOR)
            entry = selectors.RoomEntry(projector)
    else:
        if user is None:
            user = session_user(session_key) if session_key else AnonymousUser()
        if user.is_authenticated:
            entry = selectors.room_entry(assist_id=assist_id, user=user)
    if entry is None or entry.why_not:
        return user, entry, {}
    if entry.room_missing:
        services.room_open(assist_id=assist_id)
    return user, entry, _agenda(assist_id)


def _agenda(assist_id: int) -> dict[int, AssistStep]:
    """The session's steps: read at most about once a second while people arrive (the
    hub's snapshots keep them while the room has sockets here)."""
    steps = hub.snapshots.agenda(assist_id)
    if steps is None:
        steps = selectors.agenda_steps(assist_id=assist_id)
        if assist_id in hub.rooms:  # else nothing would drop it when the room empties
            hub.snapshots.keep_agenda(assist_id, steps)
    return steps


async def joining_state(*, assist_id: int, actor: selectors.Actor) -> str:
    """The room's state for a socket, as JSON. When the hub's snapshot of the room was
    checked against the database a moment ago and the socket's own part needs no read, it
    is made here in the event loop, without a trip to the database thread."""
    presence_json = hub.presence_json(assist_id)
    key = (translation.get_language() or "", selectors.sees_prompts(actor))
    snapshot = hub.snapshots.fresh(assist_id, key, delivered=hub.delivered.get(assist_id, 0))
    if snapshot is not None and not snapshot.personal_needs_reads(actor):
        return state.state_text(snapshot=snapshot, actor=actor, presence_json=presence_json)
    return await in_db_thread(state_read)(
        assist_id=assist_id, actor=actor, presence_json=presence_json
    )


def state_read(*, assist_id: int, actor: selectors.Actor, presence_json: str) -> str:
    """The room's state for a socket, as JSON: the hub's snapshot of the shared part if the
    room has not changed since it was read (else a new one, kept for the next joiner), with
    the socket's own part. The hub's snapshots are read and kept here, in the database
    thread, so that joiners queued behind the first use its snapshot."""
    key = (translation.get_language() or "", selectors.sees_prompts(actor))
    snapshot = state.joining_snapshot(
        assist_id=assist_id, actor=actor, kept=hub.snapshots.get(assist_id, key)
    )
    if assist_id in hub.rooms:  # the room still has sockets here
        hub.snapshots.keep(assist_id, snapshot, delivered=hub.delivered.get(assist_id, 0))
    return state.state_text(snapshot=snapshot, actor=actor, presence_json=presence_json)
