"""API: exports of write-ups, quarterly reports and the dashboard's figures.

Files come back as they are (the right content type and a `Content-Disposition:
attachment` with a file name); a write-up or assist the requester may not read is 404,
a bad quarter or format is 422 with a message naming the problem.
"""

from enum import StrEnum
from typing import Any

from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema

from peerassist.api.auth import ApiRequest
from peerassist.api.openapi import file_response as file_answer
from peerassist.api.schemas import ErrorOut, Id
from peerassist.audit.services import audit_record
from peerassist.core.downloads import file_response
from peerassist.core.scoping import Viewer
from peerassist.reports import dashboard
from peerassist.reports import quarterly as reports
from peerassist.writeups.exports import UnknownFormat, writeup_download
from peerassist.writeups.models import WriteUp

router = Router(tags=["exports"])

NO_SUCH_WRITEUP = "No such write-up, or you may not read it."


class WriteUpFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    MD = "md"
    HTML = "html"


class ReportFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"


class ExportQuery(Schema):
    format: WriteUpFormat = WriteUpFormat.PDF


class ReportQuery(Schema):
    # One `example`, not pydantic's `examples` list: ninja lifts it onto the parameter,
    # where OpenAPI wants a single value (`examples` there is a map of Example objects).
    quarter: str = Field(
        ...,
        max_length=20,
        description='A quarter such as "2026Q3" (also "2026-Q3").',
        json_schema_extra={"example": "2026Q3"},
    )
    format: ReportFormat = ReportFormat.JSON
    unit: Id | None = Field(None, description="A unit: the report covers it and its sub-units.")
    community: Id | None = Field(None, description="A community of practice.")


class FiguresOut(Schema):
    assists_held: int
    participants: int
    units_involved: int
    actions_total: int
    actions_done: int
    actions_overdue: int
    followups_due: int
    followups_answered: int
    followup_rate: float | None


class ReportEntryOut(Schema):
    assist_id: Id
    title: str
    starts_at: str | None
    status: str
    written_up: bool


class ReportOut(Schema):
    quarter: str
    scope: str
    scope_name: str
    figures: FiguresOut
    assists: list[ReportEntryOut]


class ChartOut(Schema):
    id: str
    title: str
    kind: str
    summary: str
    columns: list[str]
    rows: list[list[Any]]
    data: dict[str, Any]


@router.get(
    "/assists/{assist_id}/writeup/export",
    response={200: None, 404: ErrorOut},
    summary="Download the write-up as PDF, DOCX, Markdown or HTML",
    openapi_extra=file_answer(
        "The write-up as a file (attachment).", [f.value for f in WriteUpFormat]
    ),
)
def export_writeup(request: ApiRequest, assist_id: Id, query: Query[ExportQuery]) -> HttpResponse:
    viewer: Viewer = request.auth
    try:
        exported = writeup_download(
            viewer=viewer, assist_id=assist_id, fmt=query.format.value, request=request
        )
    except (WriteUp.DoesNotExist, UnknownFormat):
        raise Http404(NO_SUCH_WRITEUP) from None
    return file_response(exported.filename, exported.content_type, exported.content)


@router.get(
    "/reports/quarterly",
    response={200: ReportOut, 403: ErrorOut, 422: ErrorOut},
    summary="The quarterly report: figures and assists as JSON, or the PDF/DOCX/HTML file",
    openapi_extra=file_answer(
        "The report as JSON (format=json) or as a file (attachment).",
        [f.value for f in ReportFormat if f != ReportFormat.JSON],
        json_schema=ReportOut,
    ),
)
def quarterly_report(request: ApiRequest, query: Query[ReportQuery]) -> Any:
    viewer: Viewer = request.auth
    quarter = reports.parse_quarter(query.quarter)
    scope = reports.scope_resolve(viewer=viewer, unit_id=query.unit, community_id=query.community)
    report = reports.report_build(viewer=viewer, quarter=quarter, scope=scope)
    if query.format != ReportFormat.JSON:
        name, content_type, content = reports.report_file(report, query.format.value)
        audit_record(
            kind="report_exported",
            organisations=viewer.organisation,
            actor=viewer.user,
            target=name,
            request=request,
        )
        return file_response(name, content_type, content)
    figures = report.figures
    return {
        "quarter": str(report.quarter),
        "scope": report.scope.kind,
        "scope_name": report.scope.name,
        "figures": {**vars(figures), "followup_rate": figures.followup_rate},
        "assists": [
            {
                "assist_id": entry.assist.pk,
                "title": entry.assist.title,
                "starts_at": entry.assist.starts_at.isoformat() if entry.assist.starts_at else None,
                "status": entry.assist.status,
                "written_up": entry.document is not None,
            }
            for entry in report.entries
        ],
    }


@router.get(
    "/reports/dashboard",
    response={200: list[ChartOut], 403: ErrorOut},
    summary="The dashboard's charts as data (each with its table)",
)
def dashboard_data(request: ApiRequest) -> Any:
    viewer: Viewer = request.auth
    return dashboard.charts_json(dashboard.dashboard_charts(viewer=viewer))
