"""Who was in the live room: seeing someone there records that they attended."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from peerassist.assists.models import Participation, Status


def attendance_seen(*, assist_id: int, person_id: int) -> bool:
    """Someone taking part is in the room while the session is live: they attended.

    One conditional UPDATE, so reconnecting (or two tabs) changes nothing more."""
    return bool(
        Participation.objects.taking_part()
        .filter(assist_id=assist_id, person_id=person_id, assist__status=Status.LIVE)
        .filter(Q(seen_in_room_at__isnull=True) | ~Q(attended=True))
        .update(attended=True, seen_in_room_at=Coalesce("seen_in_room_at", timezone.now()))
    )
