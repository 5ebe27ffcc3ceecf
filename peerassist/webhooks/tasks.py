"""Background work for webhooks."""

from __future__ import annotations

from django.tasks import task

from peerassist.webhooks.delivery import attempt_delivery, retry_at
from peerassist.webhooks.models import DeliveryStatus


@task()
def deliver(delivery_id: int) -> str:
    """Try to send one delivery now, and ask the queue to try again after the backoff if it
    failed (the periodic job also picks up due retries); returns its status afterwards."""
    status = attempt_delivery(delivery_id)
    if status == DeliveryStatus.PENDING and deliver.get_backend().supports_defer:
        deliver.using(run_after=retry_at(delivery_id)).enqueue(delivery_id=delivery_id)
    return status
