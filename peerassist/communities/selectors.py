"""Reads about communities, meetings, topics and Gives & Takes, scoped by the viewer."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from peerassist.assists.models import PeerAssist, Role
from peerassist.communities.models import Community, Meeting


def next_meeting_after(assist: PeerAssist) -> Meeting | None:
    """The next meeting of the community the assist belongs to: the community whose meeting
    held it as its mini Peer Assist, or else a community its home team belongs to. "Next"
    means starting after the assist's end (or its start, or now if it has no time)."""
    after: datetime = assist.ends_at or assist.starts_at or timezone.now()
    held_at = Meeting.objects.filter(mini_assist=assist).values_list("community_id", flat=True)
    community_ids = list(held_at)
    if not community_ids:
        home_ids = assist.participations.filter(role=Role.HOME_PEER).values_list(
            "person_id", flat=True
        )
        community_ids = list(
            Community.objects.filter(organisation_id=assist.organisation_id)
            .filter(Q(members__in=home_ids) | Q(leads__in=home_ids))
            .values_list("pk", flat=True)
            .distinct()
        )
    if not community_ids:
        return None
    return (
        Meeting.objects.filter(
            community_id__in=community_ids, community__organisation_id=assist.organisation_id
        )
        .filter(starts_at__gt=after)
        .select_related("community")
        .order_by("starts_at", "pk")
        .first()
    )
