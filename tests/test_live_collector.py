"""Full garbage collections after a burst of arrivals, not mid-discussion (live/collector.py),
and start-up's settling (core/startup.py), issue 19."""

from __future__ import annotations

import gc
import weakref

import pytest

from peerassist.core import startup
from peerassist.live.collector import ArrivalsCollector, decide


@pytest.fixture(autouse=True)
def nothing_frozen_after():
    yield
    gc.unfreeze()


@pytest.mark.parametrize(
    ("sockets", "frozen_with", "arrivals", "expected"),
    [
        (10, 0, 10, None),  # a small room: not worth it
        (49, 0, 49, None),
        (50, 0, 50, "freeze"),
        (520, 500, 20, None),  # 20 more since the freeze: not yet
        (550, 500, 50, "freeze"),
        (500, 500, 60, "freeze"),  # as many left as came: the newcomers' objects still count
        (260, 500, 0, None),  # half have left: not yet under half
        (249, 500, 0, "unfreeze"),
        (249, 500, 80, "unfreeze"),
        (248, 0, 0, None),  # just handed back: nothing until new people come
        (0, 0, 0, None),
    ],
)
def test_the_rule(sockets, frozen_with, arrivals, expected):
    assert decide(sockets=sockets, frozen_with=frozen_with, arrivals=arrivals) == expected


class Node:
    me: object


def test_it_freezes_every_few_arrivals_and_hands_back_when_they_leave():
    gc.unfreeze()
    sockets = [0]
    collector = ArrivalsCollector(lambda: sockets[0], freeze_after=5)
    for _ in range(4):
        sockets[0] += 1
        collector.changed(joined=True)
    assert gc.get_freeze_count() == 0
    young = Node()
    young.me = young  # garbage a young collection frees
    gone = weakref.ref(young)
    del young
    sockets[0] += 1
    collector.changed(joined=True)
    assert gone() is None  # collected first, not frozen with what is alive
    assert gc.get_freeze_count() > 0
    assert collector.frozen_with == 5 and collector.arrivals == 0
    sockets[0] = 3
    collector.changed(joined=False)
    assert gc.get_freeze_count() > 0  # 3 of 5: not under half
    sockets[0] = 2  # fewer than half are left
    collector.changed(joined=False)
    assert gc.get_freeze_count() == 0 and collector.frozen_with == 0
    sockets[0] = 1
    collector.changed(joined=False)  # leaving does not freeze again
    assert gc.get_freeze_count() == 0


def test_a_room_that_stays_small_is_never_frozen():
    gc.unfreeze()
    collector = ArrivalsCollector(lambda: 3, freeze_after=5)
    collector.changed(joined=True)
    assert gc.get_freeze_count() == 0 and collector.frozen_with == 0


def test_settling_after_start_up_freezes_what_is_there():
    gc.unfreeze()
    assert startup.settle() >= 0
    assert gc.get_freeze_count() > 0


def test_settling_runs_without_the_pdf_warm_ups(settings):
    gc.unfreeze()
    settings.PDF_WARM_UP = False
    thread = startup.settle_in_background(None, None)
    thread.join(10)
    assert gc.get_freeze_count() > 0
