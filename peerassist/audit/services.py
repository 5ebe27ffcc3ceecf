"""Writes to the audit log: one function, called by the services that change security."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from peerassist.accounts.models import Organisation, User
from peerassist.audit.models import AuditEntry, Kind


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    kind: Kind | str,
    organisations: list[Organisation] | Organisation,
    actor: User | None = None,
    actor_email: str = "",
    target: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> list[AuditEntry]:
    """Record one event in each organisation concerned (a sign-in concerns all the user's)."""
    orgs = organisations if isinstance(organisations, list) else [organisations]
    email = actor_email or (actor.email if actor is not None else "")
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            organisation=org,
            kind=kind,
            actor=actor,
            actor_email=email[:254],
            target=target[:300],
            detail=detail or {},
            ip_address=_ip(request),
        )
        for org in orgs
    )


def audit_prune(*, now: datetime) -> int:
    """Delete entries older than AUDIT_RETENTION_DAYS; how many went."""
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _by_model = AuditEntry.objects.filter(created_at__lt=cutoff).delete()
    return deleted
