"""Background work for webhooks."""

from __future__ import annotations

from django.tasks import task


@task()
def deliver(delivery_id: int) -> str:
    """Try to send one delivery now; returns its status afterwards."""
    from peerassist.webhooks.services import attempt_delivery

    return attempt_delivery(delivery_id)
