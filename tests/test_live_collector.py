"""Full garbage collections after a burst of arrivals, not mid-discussion (live/collector.py),
and start-up's settling (core/startup.py), issue 19."""

from __future__ import annotations

import asyncio
import gc

import pytest

from peerassist.core import startup
from peerassist.live.collector import ArrivalsCollector, decide


@pytest.fixture(autouse=True)
def nothing_frozen_after():
    yield
    gc.unfreeze()


@pytest.mark.parametrize(
    ("sockets", "frozen_with", "quiet", "expected"),
    [
        (10, 0, True, None),  # a small room: not worth a full collection
        (50, 0, False, None),  # still arriving
        (50, 0, True, "freeze"),
        (520, 500, True, None),  # 20 more since the freeze: not yet
        (560, 500, True, "freeze"),
        (260, 500, False, None),  # half have left: not yet under half
        (249, 500, False, "unfreeze"),
        (249, 500, True, "unfreeze"),
        (0, 0, True, None),
    ],
)
def test_the_rule(sockets, frozen_with, quiet, expected):
    assert decide(sockets=sockets, frozen_with=frozen_with, quiet=quiet) == expected


@pytest.mark.asyncio
async def test_once_arrivals_stop_it_collects_and_freezes_and_hands_back_when_they_leave():
    gc.unfreeze()
    sockets = [0]
    collector = ArrivalsCollector(lambda: sockets[0], quiet_s=0.05, freeze_after=5)
    try:
        for _ in range(5):
            sockets[0] += 1
            collector.changed()
            await asyncio.sleep(0.01)  # arriving: the timer moves on each time
            assert gc.get_freeze_count() == 0
        cycle: list[object] = []
        cycle.append(cycle)  # garbage only a collection frees
        del cycle
        await asyncio.sleep(0.1)
        assert gc.get_freeze_count() > 0  # collected, then frozen
        assert collector.frozen_with == 5
        sockets[0] = 2  # fewer than half are left
        collector.changed()
        assert gc.get_freeze_count() == 0 and collector.frozen_with == 0
    finally:
        collector.stop()


@pytest.mark.asyncio
async def test_a_room_that_stays_small_is_never_collected_out_of_turn():
    gc.unfreeze()
    collector = ArrivalsCollector(lambda: 3, quiet_s=0.01, freeze_after=5)
    collector.changed()
    await asyncio.sleep(0.05)
    assert collector.timer is None and gc.get_freeze_count() == 0


def test_settling_after_start_up_freezes_what_is_there():
    gc.unfreeze()
    assert startup.settle() >= 0
    assert gc.get_freeze_count() > 0


def test_settling_is_off_with_the_warm_ups(settings):
    settings.PDF_WARM_UP = False
    assert startup.settle_in_background() is None
