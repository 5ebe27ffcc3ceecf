"""What a server process does once, in the background, right after it starts.

`settle_in_background(*warm_ups)` waits for the other warm-ups (the PDF engines), then
collects once and freezes what start-up made (`gc.freeze`): Django, the engines and their
fonts are about 160,000 objects that live as long as the process, and every *full* garbage
collection would walk them again, stopping the process for tens of milliseconds each time
(issue 19; see also live/collector.py for the live room's own objects). Reference counting
still frees frozen objects; only cycles among them stay.

It runs whether or not the PDF warm-ups do (`PDF_WARM_UP`): the live room's collections
(live/collector.py) count on start-up's objects being frozen already."""

from __future__ import annotations

import gc
import logging
import threading
import time

logger = logging.getLogger(__name__)


def settle() -> float:
    """Collect and freeze; returns the seconds it took."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    return time.perf_counter() - started


def _settle_after(warm_ups: tuple[threading.Thread | None, ...]) -> None:
    for thread in warm_ups:
        if thread is not None:
            thread.join()
    try:
        seconds = settle()
    except Exception:  # start-up help must never take the server down
        logger.exception("Settling after start-up failed")
        return
    # (not gc.get_freeze_count() here: it walks every frozen object, holding the GIL)
    logger.info("Start-up settled in %.2f s (collected, then froze)", seconds)


def settle_in_background(*warm_ups: threading.Thread | None) -> threading.Thread:
    """`settle` in a background thread once `warm_ups` (those started) are done. Returns
    the thread."""
    thread = threading.Thread(
        target=_settle_after, args=(warm_ups,), name="start-up-settle", daemon=True
    )
    thread.start()
    return thread
