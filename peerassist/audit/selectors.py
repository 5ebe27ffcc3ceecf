"""Reads of the audit log: an organisation's administrators see their organisation's only."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from peerassist.accounts.selectors import require_admin
from peerassist.audit.models import AuditEntry
from peerassist.core.scoping import Viewer


def audit_entry_list(
    *,
    viewer: Viewer,
    kind: str = "",
    who: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """The organisation's entries, newest first, filtered by kind, person and dates."""
    require_admin(viewer)
    entries = AuditEntry.objects.filter(organisation=viewer.organisation)
    if kind:
        entries = entries.filter(kind=kind)
    if who:
        entries = entries.filter(Q(actor_email__icontains=who) | Q(target__icontains=who))
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-created_at", "-pk")
