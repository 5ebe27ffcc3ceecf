"""The audit log for an organisation's administrators: filter, page through, export as CSV."""

from __future__ import annotations

import csv

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from peerassist.accounts.selectors import require_admin
from peerassist.audit.forms import AuditFilterForm
from peerassist.audit.models import AuditEntry
from peerassist.audit.selectors import audit_entry_list
from peerassist.core.access import ViewerRequest
from peerassist.core.downloads import file_response

CSV_HEADER = ["when", "event", "by", "concerning", "ip_address", "detail"]


def _filtered(request: ViewerRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    viewer = require_admin(request.viewer)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_entry_list(viewer=viewer, **{k: v for k, v in filters.items() if v})
    return form, entries


def audit_log(request: ViewerRequest) -> HttpResponse:
    form, entries = _filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "retention_days": settings.AUDIT_RETENTION_DAYS,
        },
    )


def _cell(value: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def audit_export(request: ViewerRequest) -> HttpResponse:
    _form, entries = _filtered(request)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = file_response(f"audit-{stamp}.csv", "text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for entry in entries.iterator(chunk_size=1000):
        writer.writerow(
            [
                entry.created_at.isoformat(),
                entry.kind,
                _cell(entry.actor_email),
                _cell(entry.target),
                entry.ip_address or "",
                _cell(str(entry.detail or "")),
            ]
        )
    return response
