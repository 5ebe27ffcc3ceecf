"""The hub's snapshots of rooms' shared state, kept for the people joining (issue 19).

A snapshot (`state.RoomSnapshot`: a room's agenda, notes, votes and groups, serialised once
per language and per view of the agenda) is kept per room with the monotonic time its
fingerprint was last read. An event reaching the process drops the room's snapshots. A
joiner uses one without asking the database while it was checked less than
SNAPSHOT_TRUSTED_S ago and no event newer than it has been written out here (`fresh`);
otherwise the database thread checks its fingerprint (`get`), and keeps what it read
(`keep`). The session's steps, which every joiner reads for its socket's life
(`joining.enter`), are kept the same way (`agenda`, `keep_agenda`). Plain dict work: the
database thread and the event loop both call it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peerassist.assists.models import AssistStep
    from peerassist.live.state import RoomSnapshot

#: How long a room's snapshot is used for joiners without reading its fingerprint again
#: (seconds). 500 people opening the room at 9:00 then cost the database a few reads in
#: all instead of three each; an edit of the agenda made outside the room in that second
#: reaches them on their next reconnect, as it does the people already in.
SNAPSHOT_TRUSTED_S = 1.0

type Key = tuple[str, bool]  # (language, sees the prompt questions)


class RoomSnapshots:
    def __init__(self) -> None:
        self.kept: dict[int, dict[Key, tuple[RoomSnapshot, float]]] = {}
        self.agendas: dict[int, tuple[dict[int, AssistStep], float]] = {}

    def __contains__(self, assist_id: int) -> bool:
        return assist_id in self.kept

    def __getitem__(self, assist_id: int) -> dict[Key, tuple[RoomSnapshot, float]]:
        return self.kept[assist_id]

    def drop(self, assist_id: int) -> None:
        """The room changed (an event), or has no socket here any more."""
        self.kept.pop(assist_id, None)
        self.agendas.pop(assist_id, None)

    def agenda(self, assist_id: int) -> dict[int, AssistStep] | None:
        """The session's steps by id, if read less than SNAPSHOT_TRUSTED_S ago (shared by
        the sockets that get it: nobody changes it)."""
        kept = self.agendas.get(assist_id)
        if kept is None or time.monotonic() - kept[1] > SNAPSHOT_TRUSTED_S:
            return None
        return kept[0]

    def keep_agenda(self, assist_id: int, steps: dict[int, AssistStep]) -> None:
        """Keep the steps just read, for the next joiners."""
        self.agendas[assist_id] = (steps, time.monotonic())

    def get(self, assist_id: int, key: Key) -> RoomSnapshot | None:
        """The kept snapshot for `key`, if any, for the caller to check against the room's
        fingerprint."""
        kept = self.kept.get(assist_id, {}).get(key)
        return kept[0] if kept is not None else None

    def fresh(self, assist_id: int, key: Key, *, delivered: int) -> RoomSnapshot | None:
        """The kept snapshot for `key` if it can be used without asking the database: its
        fingerprint was read less than SNAPSHOT_TRUSTED_S ago, and it is not older than
        the last event written out here (`delivered`). Events keep a room's `seq`; what
        changes without one (the agenda, groups, title, edited outside the room) reaches
        joiners at most that much later."""
        kept = self.kept.get(assist_id, {}).get(key)
        if kept is None:
            return None
        snapshot, checked = kept
        if time.monotonic() - checked > SNAPSHOT_TRUSTED_S or snapshot.seq < delivered:
            return None
        return snapshot

    def keep(self, assist_id: int, snapshot: RoomSnapshot, *, delivered: int) -> None:
        """Keep a snapshot whose fingerprint was just read. One older than an event already
        written out here is not kept: the drop on delivery may have come between its read
        and now."""
        if snapshot.seq >= delivered:
            self.kept.setdefault(assist_id, {})[(snapshot.language, snapshot.prompts)] = (
                snapshot,
                time.monotonic(),
            )
