"""Periodic work for notifications: the daily digest."""

from __future__ import annotations

from datetime import datetime

from peerassist.core.periodic import periodic_job


@periodic_job("notifications.daily_digest")
def daily_digest(now: datetime) -> int:
    from peerassist.notifications.services import send_digests

    return send_digests(now)
