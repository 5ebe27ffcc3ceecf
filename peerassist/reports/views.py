"""Pages for exports, the quarterly report and the dashboard (thin: the work is elsewhere)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from peerassist.audit.services import audit_record
from peerassist.communities.models import Community
from peerassist.core.access import ViewerRequest
from peerassist.core.downloads import file_response
from peerassist.core.scoping import Viewer, require_member
from peerassist.people.models import Unit
from peerassist.reports import dashboard
from peerassist.reports import quarterly as reports
from peerassist.writeups import exports
from peerassist.writeups.exports import UnknownFormat
from peerassist.writeups.models import WriteUp


@require_GET
def writeup_download(request: ViewerRequest, assist_id: int, fmt: str) -> HttpResponse:
    viewer: Viewer | None = request.viewer
    if viewer is None:
        raise Http404(_("There is no such write-up, or it is not shared with you."))
    try:
        exported = exports.writeup_download(
            viewer=viewer, assist_id=assist_id, fmt=fmt, request=request
        )
    except (WriteUp.DoesNotExist, UnknownFormat):
        raise Http404(_("There is no such write-up, or it is not shared with you.")) from None
    return file_response(exported.filename, exported.content_type, exported.content)


# --- The quarterly report -----------------------------------------------------------------


class ReportForm(forms.Form):
    quarter = forms.CharField(label=gettext_lazy("Quarter"), max_length=10)
    scope = forms.ChoiceField(label=gettext_lazy("For"), required=False)

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quarters = reports.recent_quarters(timezone.localdate())
        self.fields["quarter"].widget = forms.Select(choices=[(str(q), q.label) for q in quarters])
        self.fields["quarter"].initial = str(quarters[0])
        units = [
            (f"unit:{u.pk}", _("Unit: %(name)s") % {"name": u.name})
            for u in Unit.objects.for_viewer(viewer).order_by("name")
        ]
        communities = [
            (f"community:{c.pk}", _("Community: %(name)s") % {"name": c.name})
            for c in Community.objects.for_viewer(viewer).order_by("name")
        ]
        cast(forms.ChoiceField, self.fields["scope"]).choices = [
            ("", _("The whole organisation")),
            *units,
            *communities,
        ]


def _scope_ids(value: str) -> dict[str, int]:
    kind, _sep, pk = (value or "").partition(":")
    if kind in ("unit", "community") and pk.isdigit():
        return {f"{kind}_id": int(pk)}
    return {}


def _report_from(request: ViewerRequest, viewer: Viewer) -> tuple[ReportForm, reports.Report]:
    """The report the query string asks for; ValidationError when it is not a valid one."""
    form = ReportForm(request.GET, viewer=viewer)
    quarter = reports.parse_quarter(request.GET.get("quarter", ""))
    scope = reports.scope_resolve(viewer=viewer, **_scope_ids(request.GET.get("scope", "")))
    return form, reports.report_build(viewer=viewer, quarter=quarter, scope=scope)


@require_GET
def report_page(request: ViewerRequest) -> HttpResponse:
    viewer = require_member(request.viewer)
    context: dict[str, Any] = {"errors": []}
    if "quarter" in request.GET:
        try:
            context["form"], context["report"] = _report_from(request, viewer)
        except ValidationError as error:
            context["form"] = ReportForm(request.GET, viewer=viewer)
            context["errors"] = error.messages
        context["query"] = request.GET.urlencode()
    else:
        context["form"] = ReportForm(viewer=viewer)
    status = 400 if context["errors"] else 200
    return render(request, "reports/report/page.html", context, status=status)


@require_GET
def report_download(request: ViewerRequest, fmt: str) -> HttpResponse:
    viewer = require_member(request.viewer)
    try:
        _form, report = _report_from(request, viewer)
        name, content_type, content = reports.report_file(report, fmt)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    audit_record(
        kind="report_exported",
        organisations=viewer.organisation,
        actor=viewer.user,
        target=name,
        request=request,
    )
    return file_response(name, content_type, content)


# --- The dashboard ------------------------------------------------------------------------


@require_GET
def dashboard_page(request: ViewerRequest) -> HttpResponse:
    viewer = require_member(request.viewer)
    charts = dashboard.dashboard_charts(viewer=viewer)
    return render(
        request,
        "reports/dashboard/page.html",
        {"charts": charts, "charts_data": dashboard.charts_json(charts)},
    )
