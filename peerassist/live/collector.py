"""Python's full garbage collections, kept small and away from a room's discussion (issue 19).

Each socket of the live room keeps a few hundred objects for as long as it is open (its
consumer, scope, queue, sender task, the agenda it reads): 500 people opening the room at
9:00 leave about 110,000 long-lived objects. Python then runs a *full* collection a few
seconds later, once enough objects have survived, and a full collection walks every object
the collector tracks: 60–160 ms on the development machine with the whole event loop and
the database thread stopped — mid-discussion, the note being posted at that moment arrives
that much later for everyone (bench/live_fanout.py showed it as the p99).

So while people arrive, every `FREEZE_AFTER` new sockets, the hub collects the young
generations (cheap: they hold only what was made since the last young collection) and
*freezes* what is left (`gc.freeze`: the objects alive now are moved out of the
collector's sight; reference counting still frees them). Start-up's own objects are frozen
already (core/startup.py), so later full collections walk only what was made since. The
cost: cyclic garbage that had already reached the oldest generation is frozen with the
rest and waits; when the process is down to less than half the sockets it froze with,
everything is handed back to the collector (`gc.unfreeze`), and the next full collection
frees it (at the end of a session, when a stop matters least).

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


def decide(
    *, sockets: int, frozen_with: int, arrivals: int, freeze_after: int = FREEZE_AFTER
) -> Action | None:
    """What to do now that this process has `sockets` open, had `frozen_with` when it last
    froze (0: nothing frozen since the last hand-back), and `arrivals` sockets joined since
    it last froze or handed back."""
    if frozen_with and sockets < frozen_with / 2:
        return "unfreeze"
    if arrivals >= freeze_after:
        return "freeze"
    return None


class ArrivalsCollector:
    """Applies `decide` each time a socket joins or leaves."""

    def __init__(self, count: Callable[[], int], *, freeze_after: int = FREEZE_AFTER) -> None:
        self.count = count
        self.freeze_after = freeze_after
        self.frozen_with = 0
        self.arrivals = 0

    def changed(self, *, joined: bool) -> None:
        """A socket joined (or left); call after the hub counted it."""
        if joined:
            self.arrivals += 1
        sockets = self.count()
        action = decide(
            sockets=sockets,
            frozen_with=self.frozen_with,
            arrivals=self.arrivals,
            freeze_after=self.freeze_after,
        )
        if action == "unfreeze":
            gc.unfreeze()
            self.frozen_with = self.arrivals = 0
        elif action == "freeze":
            started = time.perf_counter()
            gc.collect(1)
            gc.freeze()
            self.frozen_with, self.arrivals = sockets, 0
            # (not gc.get_freeze_count(): it walks every frozen object, ~30 ms at 500 sockets)
            logger.info(
                "live: %d sockets open; young objects collected and the rest frozen in %.1f ms",
                sockets,
                (time.perf_counter() - started) * 1000,
            )
