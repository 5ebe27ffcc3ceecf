"""Health for machines: liveness (/healthz), readiness (/readyz), and the static manifest
check shared by `peerassist serve`, /readyz and `check --deploy`.

Both endpoints are answered by `HealthMiddleware`, first in the middleware list, so a load
balancer's plain-HTTP probe by IP address is neither redirected to HTTPS nor refused by the
host check (it never reaches SecurityMiddleware or CommonMiddleware).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

HEALTH_PATHS = ("/healthz", "/readyz", "/metrics")
_migrations_applied = False  # once true, stays true for this process (code cannot change)


def static_manifest_problem() -> str | None:
    """Why the static files cannot be served from their manifest, or None when they can.

    Only matters for the manifest storage (DEBUG off); development serves from the finders.
    """
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return None
    if not storage.manifest_storage.exists(storage.manifest_name):
        return (
            f"The static files manifest {settings.STATIC_ROOT}/{storage.manifest_name} is "
            "missing: run `peerassist collectstatic --no-input` before starting the server "
            "(every page would fail without it)."
        )
    if not storage.hashed_files:
        return (
            "The static files manifest appeared after this process started: restart the "
            "server so that it loads it."
        )
    return None


def _timed(check: Callable[[], None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200] or exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        raise RuntimeError(exc.__class__.__name__) from exc


def _redis() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied: run `peerassist migrate`")
    _migrations_applied = True


def _static() -> None:
    problem = static_manifest_problem()
    if problem:
        raise RuntimeError(problem)


def readiness() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Every dependency a request needs, each with ok and its time or error."""
    checks = {"database": _timed(_database)}
    if checks["database"]["ok"]:
        checks["migrations"] = _timed(_migrations)
    else:
        checks["migrations"] = {"ok": False, "error": "database unavailable"}
    if settings.REDIS_URL:
        checks["redis"] = _timed(_redis)
    checks["static"] = _timed(_static)
    return all(check["ok"] for check in checks.values()), checks


def _json(body: dict[str, Any], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "private, no-store"  # as every answer Django makes
    return response


def healthz_response() -> JsonResponse:
    """Liveness: the process answers. Dependencies are /readyz's business, so a database
    outage takes servers out of rotation instead of getting them restarted in a loop."""
    return _json({"status": "ok"}, 200)


def readyz_response() -> JsonResponse:
    ready, checks = readiness()
    return _json(
        {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
    )


class HealthMiddleware:
    """Answers GET/HEAD /healthz and /readyz (and /metrics, which checks its own access)
    before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/metrics":
            from peerassist.core.metrics import metrics_response

            return metrics_response(request)
        if request.path_info in HEALTH_PATHS:
            if request.method not in ("GET", "HEAD"):
                return _json({"status": "method not allowed"}, 405)
            if request.path_info == "/healthz":
                return healthz_response()
            return readyz_response()
        return self.get_response(request)
