"""Periodic jobs of the follow-up: ask the home team when a follow-up falls due, and remind
owners of overdue actions. Each decides from stored state and claims with a conditional
UPDATE (in the services), so running again, or on two workers, never sends twice."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from peerassist.core.periodic import periodic_job
from peerassist.writeups import selectors, services
from peerassist.writeups.models import Action, FollowUp


@periodic_job("writeups.followups_due")
def followups_due(now: datetime) -> int:
    """Ask each home team whose follow-up is due, once."""
    today = timezone.localdate(now)
    due = FollowUp.objects.filter(
        due_on__lte=today, asked_at__isnull=True, answered_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(services.followup_ask(followup_id=pk, now=now) for pk in list(due))


@periodic_job("writeups.actions_overdue")
def actions_overdue(now: datetime) -> int:
    """Remind each owner of an overdue open action, at most once a day."""
    today = timezone.localdate(now)
    overdue = (
        Action.objects.filter(
            status__in=selectors.OPEN_ACTION_STATUSES, due_on__lt=today, owner__isnull=False
        )
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .values_list("pk", flat=True)
    )
    return sum(services.action_remind(action_id=pk, today=today) for pk in list(overdue))
