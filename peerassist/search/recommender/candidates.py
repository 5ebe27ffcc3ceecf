"""Facts about the assist and the people that the rules need: who is in, who is busy, who
was asked often lately. Visits and busy times are counted organisation-wide: they are
availability, shown only as a number."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q

from peerassist.assists.models import Participation, PeerAssist, Role
from peerassist.search.recommender import rules


def assist_facts(*, assist: PeerAssist) -> rules.AssistFacts:
    """Who is already in, the home team's units and the assist's languages."""
    rows = list(
        Participation.objects.filter(assist=assist).values_list("person_id", "role", "person__unit")
    )
    return rules.AssistFacts(
        home_ids=frozenset(p for p, role, _u in rows if role == Role.HOME_PEER),
        participant_ids=frozenset(p for p, _r, _u in rows),
        home_unit_ids=frozenset(u for _p, role, u in rows if role == Role.HOME_PEER and u),
        languages=frozenset(assist.languages.values_list("code", flat=True)),
    )


def visits_last_year(*, organisation: Any, now: datetime) -> dict[int, int]:
    """How often each person was a visiting peer in assists of the last 365 days."""
    rows = (
        Participation.objects.filter(
            assist__organisation=organisation,
            role=Role.VISITING_PEER,
            assist__starts_at__gte=now - timedelta(days=365),
            assist__starts_at__lte=now,
        )
        .values("person_id")
        .annotate(n=Count("pk"))
    )
    return {r["person_id"]: r["n"] for r in rows}


def busy_people(*, assist: PeerAssist) -> set[int]:
    """People taking part in another assist overlapping this one's time."""
    if assist.starts_at is None:
        return set()
    ends = assist.ends_at or assist.starts_at + timedelta(hours=2)
    overlapping = (
        PeerAssist.objects.filter(organisation=assist.organisation, starts_at__lt=ends)
        .filter(
            Q(ends_at__gt=assist.starts_at)
            | Q(ends_at__isnull=True, starts_at__gte=assist.starts_at)
        )
        .exclude(pk=assist.pk)
    )
    return set(
        Participation.objects.filter(assist__in=overlapping).values_list("person_id", flat=True)
    )
