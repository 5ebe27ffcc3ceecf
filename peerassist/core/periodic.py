"""Periodic jobs: idempotent functions the worker runs every few minutes.

An app declares one in its `jobs.py`::

    from peerassist.core.periodic import periodic_job

    @periodic_job("writeups.followups_due")
    def followups_due(now): ...

Each job receives the current time and must be safe to run again at any moment,
from several workers at once: it decides what is due from stored state (for
instance a `sent_at` column claimed with a conditional UPDATE), never from
remembering when it last ran. `peerassist worker` runs them in a loop and
`peerassist send-reminders` runs them once, for cron users.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

JobFunction = Callable[[datetime], int | None]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction


_registry: dict[str, Job] = {}


def periodic_job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register `function` under `name`; it returns how many things it did (or None)."""

    def register(function: JobFunction) -> JobFunction:
        _registry[name] = Job(name, function)
        return function

    return register


def jobs() -> list[Job]:
    """Every registered job, after importing each installed app's `jobs` module."""
    autodiscover_modules("jobs")
    return sorted(_registry.values(), key=lambda job: job.name)


def run_jobs(now: datetime | None = None) -> dict[str, int | Exception | None]:
    """Run every job once; one job failing is logged and does not stop the others."""
    now = now or timezone.now()
    results: dict[str, int | Exception | None] = {}
    for job in jobs():
        _drop_stale_connections()
        try:
            results[job.name] = job.function(now)
        except Exception as exc:
            logger.exception("Periodic job %s failed", job.name)
            results[job.name] = exc
    _drop_stale_connections()
    return results


def _drop_stale_connections() -> None:
    """Django's `close_old_connections`, minus connections inside a transaction.

    A long-running worker must not keep a broken or expired connection; but a caller
    that runs the jobs inside `atomic()` (a test, a management command wrapped in a
    transaction) must keep its connection — closing it would abort the transaction.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
