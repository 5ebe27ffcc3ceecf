"""Work that must not be lost is recorded in the same transaction as the change that causes it.

With the database task queue (django-tasks-db, production), enqueueing inside the
transaction *is* a transactional outbox: the task row commits or rolls back with the change,
so a process that dies between commit and send leaves the task for the worker. Other
backends keep no rows in our database (the immediate one used by most tests runs the task
at once), so there the task is enqueued after commit, as before.

Webhook deliveries have their own outbox, the `Delivery` row (webhooks/services.py), which
the worker's `webhooks.retry_due` job sends whatever happened to the queue; a send cut off
half-way is tried again once its claim expires (at least once), so receivers deduplicate
with the delivery id (X-Peerassist-Delivery, and `id` in the body).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import Task
from django_tasks_db.backend import DatabaseBackend


def _transactional(task: Task[..., Any]) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_transaction(task: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` so that it runs if and only if the current transaction commits."""
    if _transactional(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
