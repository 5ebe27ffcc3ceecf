"""Periodic work for webhooks: retries that are due."""

from __future__ import annotations

from datetime import datetime

from peerassist.core.periodic import periodic_job


@periodic_job("webhooks.retry_due")
def retry_due(now: datetime) -> int:
    from peerassist.webhooks.services import retry_due as run

    return run(now)
