"""Python's full garbage collections, kept away from a room's discussion (issue 19).

Each socket of the live room keeps a few hundred objects for as long as it is open (its
consumer, scope, queue, sender task, the agenda it reads): 500 people opening the room at
9:00 leave about 110,000 long-lived objects. Python then runs a *full* collection a few
seconds later, once enough objects have survived, and a full collection walks every object
the collector tracks: 60–160 ms on the development machine with the whole event loop and
the database thread stopped — mid-discussion, the note being posted at that moment arrives
that much later for everyone (bench/live_fanout.py showed it as the p99).

So the hub does that work at a moment of its choosing: once the arrivals stop
(`QUIET_S` after the last join, and only after `FREEZE_AFTER` new sockets), it collects
once and then *freezes* what is left (`gc.freeze`: the objects alive now are moved out of
the collector's sight; reference counting still frees them). Later full collections walk
only what was created since. When the room empties to less than half of what was frozen,
everything is handed back to the collector (`gc.unfreeze`), so the garbage of sockets that
closed is collected as usual.

`decide` is the rule (a pure function); `ArrivalsCollector` applies it from the hub.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from typing import Literal

logger = logging.getLogger(__name__)

# Seconds without a new socket before the arrivals count as over.
QUIET_S = 0.5
# New sockets since the last freeze that are worth a collection (smaller rooms leave too few
# objects for a full collection to matter).
FREEZE_AFTER = 50

Action = Literal["freeze", "unfreeze"]


def decide(
    *, sockets: int, frozen_with: int, quiet: bool, freeze_after: int = FREEZE_AFTER
) -> Action | None:
    """What to do now that this process has `sockets` open, `frozen_with` of them when it
    last froze (0: nothing frozen), and the arrivals are over (`quiet`) or not."""
    if frozen_with and sockets < frozen_with / 2:
        return "unfreeze"
    if quiet and sockets - frozen_with >= freeze_after:
        return "freeze"
    return None


class ArrivalsCollector:
    """Applies `decide` each time the number of sockets changes, and `QUIET_S` after the
    last arrival (one timer, moved on at each arrival)."""

    def __init__(
        self,
        count: Callable[[], int],
        *,
        quiet_s: float = QUIET_S,
        freeze_after: int = FREEZE_AFTER,
    ) -> None:
        self.count = count
        self.quiet_s = quiet_s
        self.freeze_after = freeze_after
        self.frozen_with = 0
        self.timer: asyncio.TimerHandle | None = None

    def changed(self) -> None:
        """A socket joined or left (call after the hub counted it)."""
        sockets = self.count()
        if decide(sockets=sockets, frozen_with=self.frozen_with, quiet=False) == "unfreeze":
            self._unfreeze()
            return
        if sockets - self.frozen_with >= self.freeze_after:
            if self.timer is not None:
                self.timer.cancel()
            self.timer = asyncio.get_running_loop().call_later(self.quiet_s, self._settle)

    def _settle(self) -> None:
        self.timer = None
        sockets = self.count()
        action = decide(
            sockets=sockets,
            frozen_with=self.frozen_with,
            quiet=True,
            freeze_after=self.freeze_after,
        )
        if action == "unfreeze":
            self._unfreeze()
        elif action == "freeze":
            started = time.perf_counter()
            gc.collect()
            gc.freeze()
            self.frozen_with = sockets
            logger.info(
                "live: %d sockets open; collected and froze %d objects in %.0f ms",
                sockets,
                gc.get_freeze_count(),
                (time.perf_counter() - started) * 1000,
            )

    def _unfreeze(self) -> None:
        gc.unfreeze()
        self.frozen_with = 0

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
