"""Who is in a live room, as one server process knows it (issue 19).

Each process announces its own sockets of a room (`room.presence` on the bus) and every
process merges the announcements: nobody writes another's list, and a process that dies
drops out at the next announcement of the others. The browsers get the merged list once
(in `state`, or as `presence` after a replay), then only what changed
(`presence.changed`), computed here from the view this process last sent its sockets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from peerassist.live.events import PresenceChanged, PresenceEntry

#: Who is present in a room as this process last told its sockets, by key (`presence_key`).
type PresenceView = Mapping[int | str, PresenceEntry]


def presence_key(entry: PresenceEntry) -> int | str:
    """One entry per person (several sockets, several processes), or per name without one."""
    return entry["person_id"] or entry["name"]


def presence_changed(old: PresenceView, new: PresenceView) -> PresenceChanged | None:
    """What turns `old` into `new` (None: nothing): entries new or different, keys gone."""
    joined = [entry for key, entry in new.items() if old.get(key) != entry]
    left = [key for key in old if key not in new]
    if not joined and not left:
        return None
    joined.sort(key=lambda e: e["name"])
    return {"type": "presence.changed", "joined": joined, "left": left}


def changed_text(old: PresenceView, new: PresenceView) -> str | None:
    changed = presence_changed(old, new)
    return None if changed is None else json.dumps(changed, separators=(",", ":"))


class RoomsPresence:
    """Per room: each process's entries, and the merged view this process's sockets were
    last told. A view is replaced, never changed in place: a joiner keeps the one its state
    was made from, and is then sent what changed since (`Hub.send_state`)."""

    def __init__(self) -> None:
        self.by_process: dict[int, dict[str, list[PresenceEntry]]] = {}
        self.views: dict[int, PresenceView] = {}
        self.texts: dict[int, str] = {}  # each view as a JSON list, for every joiner's state

    def update(
        self, assist_id: int, process_id: str, entries: list[PresenceEntry]
    ) -> tuple[bool, str | None]:
        """Record one process's entries (they replace its last ones). Returns whether that
        process is new to this one, and the change to send every socket (None: none)."""
        known = self.by_process.setdefault(assist_id, {})
        is_new = process_id not in known
        if entries:
            known[process_id] = entries
        else:
            known.pop(process_id, None)
        merged: dict[int | str, PresenceEntry] = {}
        for listed in known.values():
            for entry in listed:
                merged.setdefault(presence_key(entry), entry)
        text = changed_text(self.view(assist_id), merged)
        if text is not None:
            self.views[assist_id] = merged
            self.texts.pop(assist_id, None)
        return is_new, text

    def view(self, assist_id: int) -> PresenceView:
        return self.views.get(assist_id, {})

    def sorted(self, assist_id: int) -> list[PresenceEntry]:
        """The view as the clients show it: sorted by name."""
        return sorted(self.view(assist_id).values(), key=lambda e: e["name"])

    def json(self, assist_id: int, *, keep: bool) -> str:
        """`sorted` as JSON, made once per change (`keep`: the room is still served here)."""
        text = self.texts.get(assist_id)
        if text is None:
            text = json.dumps(self.sorted(assist_id), separators=(",", ":"))
            if keep:
                self.texts[assist_id] = text
        return text

    def forget(self, assist_id: int) -> None:
        """The last socket of the room here left."""
        self.by_process.pop(assist_id, None)
        self.views.pop(assist_id, None)
        self.texts.pop(assist_id, None)
