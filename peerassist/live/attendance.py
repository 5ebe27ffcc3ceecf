"""Who was in the live room: seeing someone there records that they attended.

When 500 people open the room at 9:00, one UPDATE and commit each on the process's one
database thread is a tenth of what joining costs there (bench/live_fanout.py --profile), so
joiners' attendance is written together: `AttendanceBatch` gathers the people who came
into a room and writes them in one UPDATE a quarter of a second after the first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from peerassist.assists.models import Participation, Status
from peerassist.live.db import in_db_thread

logger = logging.getLogger(__name__)

#: How long joiners' attendance waits to be written with the others' (seconds).
BATCH_S = 0.25


def attendance_seen(*, assist_id: int, person_id: int) -> bool:
    """Someone taking part is in the room while the session is live: they attended.

    One conditional UPDATE, so reconnecting (or two tabs) changes nothing more."""
    return attendance_seen_many(assist_id=assist_id, person_ids=[person_id]) > 0


def attendance_seen_many(*, assist_id: int, person_ids: Iterable[int]) -> int:
    """`attendance_seen` for several people of one assist, in one UPDATE; how many changed."""
    return (
        Participation.objects.taking_part()
        .filter(assist_id=assist_id, person_id__in=list(person_ids), assist__status=Status.LIVE)
        .filter(Q(seen_in_room_at__isnull=True) | ~Q(attended=True))
        .update(attended=True, seen_in_room_at=Coalesce("seen_in_room_at", timezone.now()))
    )


class AttendanceBatch:
    """The people who came into each room and whose attendance is not written yet."""

    def __init__(self) -> None:
        self.waiting: dict[int, set[int]] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}

    def add(self, *, assist_id: int, person_id: int) -> None:
        """Write this person's attendance soon (with everyone else's who came meanwhile)."""
        self.waiting.setdefault(assist_id, set()).add(person_id)
        loop = asyncio.get_running_loop()
        task = self.tasks.get(assist_id)
        if task is None or task.done() or task.get_loop() is not loop:
            self.tasks[assist_id] = loop.create_task(self._write_soon(assist_id))

    async def _write_soon(self, assist_id: int) -> None:
        await asyncio.sleep(BATCH_S)
        people = self.waiting.pop(assist_id, set())
        if not people:
            return
        try:
            await in_db_thread(attendance_seen_many)(assist_id=assist_id, person_ids=people)
        except Exception:  # a database error must not end the room; they are seen again
            logger.exception(
                "attendance of %d people in assist %s not recorded", len(people), assist_id
            )

    async def flush(self) -> None:
        """Wait until everything added so far is written (tests)."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*[t for t in self.tasks.values() if t.get_loop() is loop])


#: The process's batch (the room's sockets add to it as they join).
batch = AttendanceBatch()
