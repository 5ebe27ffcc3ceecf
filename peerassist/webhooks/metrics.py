"""The webhooks' figure for /metrics: deliveries by status."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from peerassist.core.metrics import scrape_gauges
from peerassist.webhooks.models import Delivery, DeliveryStatus


@scrape_gauges
def deliveries() -> Iterator[GaugeMetricFamily]:
    webhooks = GaugeMetricFamily(
        "peerassist_webhook_deliveries",
        "Webhook deliveries by status (failed = given up after every retry).",
        labels=["status"],
    )
    counts = dict(Delivery.objects.values_list("status").annotate(n=Count("id")).order_by())
    for status in DeliveryStatus.values:
        webhooks.add_metric([status], counts.get(status, 0))
    yield webhooks
