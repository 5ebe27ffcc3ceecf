"""Periodic work for webhooks: retries that are due."""

from __future__ import annotations

from datetime import datetime

from peerassist.core.periodic import periodic_job
from peerassist.webhooks import delivery


@periodic_job("webhooks.retry_due")
def retry_due(now: datetime) -> int:
    return delivery.retry_due(now)
