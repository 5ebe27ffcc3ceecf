"""Python's full garbage collections, kept small and away from a room's discussion (issue 19).

Each socket of the live room keeps a few hundred objects for as long as it is open (its
consumer, scope, queue, sender task, the agenda it reads): 500 people opening the room at
9:00 leave about 110,000 long-lived objects. Python then runs a *full* collection a few
seconds later, once enough objects have survived, and a full collection walks every object
the collector tracks: 60–160 ms on the development machine with the whole event loop and
the database thread stopped — mid-discussion, the note being posted at that moment arrives
that much later for everyone (bench/live_fanout.py showed it as the p99).

So the hub does that work while people arrive, a little at a time: every `FREEZE_AFTER`
new sockets it collects once and then *freezes* what is left (`gc.freeze`: the objects
alive now are moved out of the collector's sight; reference counting still frees them).
Start-up's own objects are frozen already (core/startup.py), so each of these collections
walks only what was made since the last one (the last 50 sockets' objects): a few
milliseconds on a join, instead of one long stop later. When the process is down to less
than half the sockets it froze with, everything is handed back to the collector
(`gc.unfreeze`), so the garbage of sockets that closed is collected as usual.

`decide` is the rule (a pure function); `ArrivalsCollector` applies it from the hub.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from typing import Literal

logger = logging.getLogger(__name__)

# New sockets since the last freeze that are worth a collection (smaller rooms leave too few
# objects for a full collection to matter).
FREEZE_AFTER = 50

Action = Literal["freeze", "unfreeze"]


def decide(*, sockets: int, frozen_with: int, freeze_after: int = FREEZE_AFTER) -> Action | None:
    """What to do now that this process has `sockets` open, and had `frozen_with` when it
    last froze (0: nothing frozen since the last hand-back)."""
    if frozen_with and sockets < frozen_with / 2:
        return "unfreeze"
    if sockets - frozen_with >= freeze_after:
        return "freeze"
    return None


class ArrivalsCollector:
    """Applies `decide` each time the number of sockets changes."""

    def __init__(self, count: Callable[[], int], *, freeze_after: int = FREEZE_AFTER) -> None:
        self.count = count
        self.freeze_after = freeze_after
        self.frozen_with = 0

    def changed(self) -> None:
        """A socket joined or left (call after the hub counted it)."""
        sockets = self.count()
        action = decide(
            sockets=sockets, frozen_with=self.frozen_with, freeze_after=self.freeze_after
        )
        if action == "unfreeze":
            gc.unfreeze()
            self.frozen_with = 0
        elif action == "freeze":
            started = time.perf_counter()
            gc.collect()
            gc.freeze()
            self.frozen_with = sockets
            logger.info(
                "live: %d sockets open; collected and froze (%d objects frozen) in %.0f ms",
                sockets,
                gc.get_freeze_count(),
                (time.perf_counter() - started) * 1000,
            )
