"""The quarterly report (the "Hub report"): one quarter, one scope, figures and write-ups.

A report is built from `assist_list(viewer=)`, so it never holds an assist the requester
may not see; then narrowed to the quarter (by `starts_at`, in the server's time zone) and
to the scope: the whole organisation, a unit with its sub-units (assists whose home team
has someone there), or a community (assists held at one of its meetings or raised as one
of its topics).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists.models import Participation, PeerAssist, Role, Status
from peerassist.assists.selectors import assist_list
from peerassist.communities.models import Community
from peerassist.core.scoping import Viewer, require_member
from peerassist.people.models import Unit
from peerassist.writeups.exports.document import ExportDocument, export_document
from peerassist.writeups.models import Action, ActionStatus, FollowUp, WriteUp, WriteUpStatus

#: An assist counts as held once its session has started.
HELD_STATUSES = (
    Status.LIVE,
    Status.CONCLUDED,
    Status.WRITTEN_UP,
    Status.FOLLOWED_UP,
)
OPEN_ACTIONS = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def next_first_day(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year, 3 * self.number + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next_first_day - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The quarter as [start, end) aware datetimes in the server's time zone."""
        zone = timezone.get_default_timezone()
        return (
            dt.datetime.combine(self.first_day, dt.time(), tzinfo=zone),
            dt.datetime.combine(self.next_first_day, dt.time(), tzinfo=zone),
        )


def parse_quarter(text: str) -> Quarter:
    """ "2026Q3" (also "2026-Q3", "2026 q3") as a Quarter; ValidationError naming the problem."""
    match = _QUARTER.match(text or "")
    if not match:
        raise ValidationError(
            {
                "quarter": _(
                    "'%(text)s' is not a quarter: write the year, Q and 1 to 4, e.g. 2026Q3."
                )
                % {"text": (text or "")[:20]}
            }
        )
    year = int(match[1])
    if not 2000 <= year <= 2100:
        raise ValidationError(
            {"quarter": _("The year %(year)s is out of range (2000–2100).") % {"year": year}}
        )
    return Quarter(year, int(match[2]))


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def recent_quarters(today: dt.date, count: int = 8) -> list[Quarter]:
    """This quarter and the ones before it, newest first (for the report page's menu)."""
    quarter = quarter_of(today)
    result = []
    for _i in range(count):
        result.append(quarter)
        quarter = (
            Quarter(quarter.year - 1, 4)
            if quarter.number == 1
            else Quarter(quarter.year, quarter.number - 1)
        )
    return result


# --- Scope --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str  # "organisation" | "unit" | "community"
    name: str
    unit_ids: frozenset[int] = frozenset()
    community_id: int | None = None

    def filter(self, assists: QuerySet[PeerAssist]) -> QuerySet[PeerAssist]:
        if self.kind == "unit":
            home = (
                Participation.objects.taking_part()
                .filter(role=Role.HOME_PEER, person__unit_id__in=self.unit_ids)
                .values("assist_id")
            )
            return assists.filter(pk__in=home)
        if self.kind == "community":
            return assists.filter(
                Q(community_meeting__community_id=self.community_id)
                | Q(topics__community_id=self.community_id)
            ).distinct()
        return assists


def unit_subtree_ids(unit: Unit) -> frozenset[int]:
    """The unit and every unit below it (one query per level of the tree)."""
    ids = {unit.pk}
    frontier = {unit.pk}
    while frontier:
        frontier = (
            set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return frozenset(ids)


def scope_resolve(
    *, viewer: Viewer, unit_id: int | None = None, community_id: int | None = None
) -> Scope:
    """The organisation, or one of its units or communities; ValidationError otherwise."""
    require_member(viewer)
    if unit_id is not None and community_id is not None:
        raise ValidationError(_("Choose a unit or a community, not both."))
    if unit_id is not None:
        unit = Unit.objects.for_viewer(viewer).filter(pk=unit_id).first()
        if unit is None:
            raise ValidationError({"unit": _("There is no unit %(id)s here.") % {"id": unit_id}})
        return Scope("unit", unit.name, unit_ids=unit_subtree_ids(unit))
    if community_id is not None:
        community = Community.objects.for_viewer(viewer).filter(pk=community_id).first()
        if community is None:
            raise ValidationError(
                {"community": _("There is no community %(id)s here.") % {"id": community_id}}
            )
        return Scope("community", community.name, community_id=community.pk)
    return Scope("organisation", viewer.organisation.name)


# --- The report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    assists_held: int
    participants: int
    units_involved: int
    actions_total: int
    actions_done: int
    actions_overdue: int
    followups_due: int
    followups_answered: int

    @property
    def followup_rate(self) -> float | None:
        if not self.followups_due:
            return None
        return self.followups_answered / self.followups_due

    @property
    def followup_rate_label(self) -> str:
        rate = self.followup_rate
        return "—" if rate is None else f"{round(rate * 100)}%"

    def as_list(self) -> list[tuple[str, str]]:
        """(label, value) pairs in the order the report shows them."""
        return [
            (_("Assists held"), str(self.assists_held)),
            (_("Participants"), str(self.participants)),
            (_("Units involved"), str(self.units_involved)),
            (_("Actions done"), f"{self.actions_done} / {self.actions_total}"),
            (_("Actions overdue"), str(self.actions_overdue)),
            (_("Follow-up rate"), self.followup_rate_label),
        ]


@dataclass(frozen=True)
class ReportEntry:
    assist: PeerAssist
    document: ExportDocument | None  # None: not written up (yet)


@dataclass(frozen=True)
class Report:
    organisation: str
    quarter: Quarter
    scope: Scope
    figures: Figures
    entries: list[ReportEntry] = field(default_factory=list)
    generated_on: dt.date | None = None

    @property
    def title(self) -> str:
        return _("Peer Assist report %(quarter)s") % {"quarter": self.quarter.label}

    @property
    def scope_label(self) -> str:
        if self.scope.kind == "unit":
            return _("Unit: %(name)s (with its sub-units)") % {"name": self.scope.name}
        if self.scope.kind == "community":
            return _("Community: %(name)s") % {"name": self.scope.name}
        return _("Organisation: %(name)s") % {"name": self.scope.name}

    @property
    def slug(self) -> str:
        return f"peer-assist-report-{self.quarter}".lower()

    @property
    def written_up(self) -> list[ReportEntry]:
        return [e for e in self.entries if e.document is not None]

    @property
    def not_written_up(self) -> list[ReportEntry]:
        return [e for e in self.entries if e.document is None]


def report_assists(*, viewer: Viewer, quarter: Quarter, scope: Scope) -> QuerySet[PeerAssist]:
    """The quarter's held assists in scope that the viewer may see, oldest first."""
    start, end = quarter.bounds()
    visible = assist_list(viewer=viewer).values("pk")
    assists = PeerAssist.objects.filter(
        pk__in=visible,
        status__in=HELD_STATUSES,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    return (
        scope.filter(assists).select_related("organisation", "format").order_by("starts_at", "pk")
    )


def report_figures(*, assist_ids: list[int], today: dt.date) -> Figures:
    """The report's figures over the given assists, "overdue" and "due" as of `today`."""
    people = Participation.objects.attended().filter(assist_id__in=assist_ids)
    actions = Action.objects.filter(assist_id__in=assist_ids).exclude(status=ActionStatus.DROPPED)
    followups = FollowUp.objects.filter(assist_id__in=assist_ids, due_on__lte=today)
    return Figures(
        assists_held=len(assist_ids),
        participants=people.values("person_id").distinct().count(),
        units_involved=people.exclude(person__unit_id__isnull=True)
        .values("person__unit_id")
        .distinct()
        .count(),
        actions_total=actions.count(),
        actions_done=actions.filter(status=ActionStatus.DONE).count(),
        actions_overdue=actions.filter(status__in=OPEN_ACTIONS, due_on__lt=today).count(),
        followups_due=followups.count(),
        followups_answered=followups.exclude(answered_at=None).count(),
    )


def report_build(
    *,
    viewer: Viewer,
    quarter: Quarter,
    scope: Scope,
    today: dt.date | None = None,
) -> Report:
    """The report for one quarter and scope, holding only what the viewer may see."""
    require_member(viewer)
    today = today or timezone.localdate()
    assists = list(report_assists(viewer=viewer, quarter=quarter, scope=scope))
    published = {
        w.assist_id: w
        for w in WriteUp.objects.filter(
            assist__in=assists, status=WriteUpStatus.PUBLISHED
        ).select_related("assist__organisation")
    }
    entries = [
        ReportEntry(
            assist=assist,
            document=export_document(published[assist.pk]) if assist.pk in published else None,
        )
        for assist in assists
    ]
    return Report(
        organisation=viewer.organisation.name,
        quarter=quarter,
        scope=scope,
        figures=report_figures(assist_ids=[a.pk for a in assists], today=today),
        entries=entries,
        generated_on=today,
    )


# --- Rendering ----------------------------------------------------------------------------

REPORT_FORMATS = ("pdf", "docx", "html")


def report_context(report: Report) -> dict[str, Any]:
    return {"report": report, "figures": report.figures.as_list()}


def report_html(report: Report, *, paged: bool = False) -> str:
    from peerassist.writeups.exports.html import render_template

    return render_template("reports/report/report.html", report_context(report), paged=paged)


def report_pdf(report: Report) -> bytes:
    """The report's PDF, laid out by typst (reports/typeset/: a hundred pages in well under
    a second; WeasyPrint, which makes the single write-up's PDF, took seconds)."""
    from peerassist.reports.typeset import report_pdf_typst

    return report_pdf_typst(report)


def report_pdf_weasyprint(report: Report) -> bytes:
    """The report's PDF as it was made before issue 19: its HTML through WeasyPrint (kept
    for comparison in bench/pdf_bench.py)."""
    from peerassist.writeups.exports.pdf import html_to_pdf

    return html_to_pdf(report_html(report, paged=True), paged=True)


def report_docx(report: Report) -> bytes:
    from peerassist.writeups.exports import docx

    document = docx.new_document(
        title=report.title, organisation=report.organisation, subject=report.scope_label
    )
    cover = ExportDocument(
        title=report.title,
        organisation=report.organisation,
        session_date=None,
        status=report.scope_label,
        kicker=_("Hub report"),
        body_markdown="",
        version=0,
        slug=report.slug,
    )
    docx.add_title_block(document, cover)
    document.add_heading(_("In figures"), level=1)
    docx.add_markdown(document, figures_markdown(report))
    if report.not_written_up:
        document.add_heading(_("Not yet written up"), level=1)
        for entry in report.not_written_up:
            document.add_paragraph(entry.assist.title, style="List Bullet")
    for doc in (entry.document for entry in report.written_up):
        if doc is None:  # pragma: no cover - written_up holds documents only
            continue
        docx.add_page_break(document)
        docx.add_title_block(document, doc, level=1)
        docx.add_markdown(document, _demote(doc.body_markdown))
    return docx.to_bytes(document)


def figures_markdown(report: Report) -> str:
    rows = "\n".join(f"| {label} | {value} |" for label, value in report.figures.as_list())
    return f"| {_('Figure')} | {_('Value')} |\n|---|---|\n{rows}\n"


def _demote(markdown: str) -> str:
    """One heading level down, so that each write-up nests under its own title."""
    return re.sub(r"^(#{1,5}) ", r"#\1 ", markdown, flags=re.MULTILINE)


def report_file(report: Report, fmt: str) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of the report in `fmt` (pdf, docx or html)."""
    from peerassist.writeups.exports import FORMATS

    if fmt not in REPORT_FORMATS:
        raise ValidationError(
            {
                "format": _("Unknown format '%(name)s': choose one of %(formats)s.")
                % {"name": fmt, "formats": ", ".join(REPORT_FORMATS)}
            }
        )
    renderers: dict[str, Callable[[Report], bytes | str]] = {
        "pdf": report_pdf,
        "docx": report_docx,
        "html": report_html,
    }
    render = renderers[fmt]
    content = render(report)
    data = content.encode() if isinstance(content, str) else content
    return f"{report.slug}.{fmt}", FORMATS[fmt].content_type, data
