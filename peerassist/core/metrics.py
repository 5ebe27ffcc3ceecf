"""Prometheus metrics: request latency, WebSocket connections per process, room events, the
task queue's depth and failures, served at /metrics to Prometheus only.

Several server processes: set PROMETHEUS_MULTIPROC_DIR to one empty directory shared by all
of them (and the worker); each process writes its samples there and /metrics, whichever
process answers, aggregates them. Access: with METRICS_TOKEN set, only requests bearing
`Authorization: Bearer <token>`; without it, only from METRICS_ALLOWED_IPS (loopback by
default). Anyone else gets 404, as if there were nothing there.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import autodiscover_modules
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_LATENCY = Histogram(
    "peerassist_http_request_duration_seconds",
    "Time to answer an HTTP request, by route pattern.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBSOCKETS = Gauge(
    "peerassist_websocket_connections",
    "Open WebSocket connections in this server process.",
    multiprocess_mode="liveall",  # one series per live process (label pid)
)
WEBSOCKETS_OPENED = Counter(
    "peerassist_websocket_connections_opened", "WebSocket connections accepted."
)
ROOM_EVENTS = Counter(
    "peerassist_room_events", "Events published to live rooms, by type.", ["type"]
)


#: Figures an app reads from the database at scrape time, declared in its `metrics.py`.
Gauges = Callable[[], Iterable[GaugeMetricFamily]]
_gauges: list[Gauges] = []


def scrape_gauges(function: Gauges) -> Gauges:
    """Register `function`: called at every scrape, it yields gauges read from the database."""
    if function not in _gauges:
        _gauges.append(function)
    return function


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


class QueueCollector(Collector):
    """Read at scrape time from the database, so every process reports the same figures."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        by_status = dict(
            DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        depth = GaugeMetricFamily(
            "peerassist_task_queue_depth", "Background tasks waiting to run.", labels=["status"]
        )
        for status in ("READY", "RUNNING"):
            depth.add_metric([status.lower()], by_status.get(status, 0))
        yield depth
        yield GaugeMetricFamily(
            "peerassist_task_failures",
            "Background tasks that failed (kept in the queue's table).",
            value=by_status.get("FAILED", 0),
        )
        autodiscover_modules("metrics")
        for gauges in _gauges:
            yield from gauges()


def render() -> bytes:
    """The exposition text: this process's (or every process's) samples plus the queue."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(QueueCollector())
        return generate_latest(registry)
    registry.register(QueueCollector())
    return generate_latest(REGISTRY) + generate_latest(registry)


def allowed(request: HttpRequest) -> bool:
    token: str = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


def metrics_response(request: HttpRequest) -> HttpResponse:
    if request.method != "GET" or not allowed(request):
        return HttpResponse(status=404)
    response = HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


class RequestLatencyMiddleware:
    """Times every request by its URL pattern (never the raw path: bounded label values)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "unmatched"
        REQUEST_LATENCY.labels(
            request.method or "", route, f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class WebSocketGauge:
    """ASGI wrapper counting this process's open WebSockets (accepted until closed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        accepted = False

        async def counting_send(message: Any) -> None:
            nonlocal accepted
            if message.get("type") == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKETS.inc()
                WEBSOCKETS_OPENED.inc()
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            if accepted:
                WEBSOCKETS.dec()


def mark_process_dead() -> None:
    """Drop this process's live gauges from the shared directory when it stops."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
