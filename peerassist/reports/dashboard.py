"""The dashboard's figures, computed from what the viewer may see.

Each chart is a `Chart`: the series the page's ECharts module draws and, from the same
numbers, the table that screen-reader users (and anyone who prefers numbers) read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from peerassist.assists.models import Participation, PeerAssist, Role, Status
from peerassist.assists.selectors import assist_list
from peerassist.communities.models import Topic, TopicSource, TopicStatus
from peerassist.core.scoping import Viewer, require_member
from peerassist.core.when import format_when
from peerassist.writeups.models import Action, ActionStatus

MONTHS = 12


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # "stacked_bar" | "graph" | "bar"
    summary: str
    columns: list[str]
    rows: list[list[Any]]
    data: dict[str, Any] = field(default_factory=dict)


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _i in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def assists_by_month(*, assists: Any, today: dt.date) -> Chart:
    """Assists per month of their session, one series per status (stacked)."""
    months = _month_starts(today, MONTHS)
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(months[0], dt.time(), tzinfo=zone)
    # The months shown end with the current one: sessions planned after it are not counted,
    # so that the sentence, the chart and the table count the same assists.
    end = dt.datetime.combine(
        (months[-1] + dt.timedelta(days=32)).replace(day=1), dt.time(), tzinfo=zone
    )
    counts: dict[tuple[dt.date, str], int] = {}
    rows_qs = (
        assists.filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(month=TruncMonth("starts_at", tzinfo=zone))
        .values("month", "status")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in rows_qs:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        counts[(month, row["status"])] = counts.get((month, row["status"]), 0) + row["n"]
    statuses = [s for s in Status if any(k[1] == s.value for k in counts)]
    labels = [format_when(m, style="month") for m in months]
    series = [
        {"name": str(s.label), "data": [counts.get((m, s.value), 0) for m in months]}
        for s in statuses
    ]
    per_month = [[counts.get((m, s.value), 0) for s in statuses] for m in months]
    # One figure: the table's totals, which are the sums of the chart's stacked bars.
    total = sum(sum(month) for month in per_month)
    return Chart(
        id="assists-by-month",
        title=_("Peer Assists per month, by status"),
        kind="stacked_bar",
        summary=ngettext(
            "%(total)s Peer Assist with a session in the last %(months)s months.",
            "%(total)s Peer Assists with a session in the last %(months)s months.",
            total,
        )
        % {"total": total, "months": MONTHS},
        columns=[_("Month"), *[str(s.label) for s in statuses], _("Total")],
        rows=[[label, *month, sum(month)] for label, month in zip(labels, per_month, strict=True)],
        data={"categories": labels, "series": series},
    )


def knowledge_flow(*, assists: Any) -> Chart:
    """Who helped whom: visiting peers' unit → home team's unit, weighted by assists.
    Help within one unit is left out (it is no flow between units)."""
    people = (
        Participation.objects.attended()
        .filter(assist__in=assists, role__in=[Role.HOME_PEER, Role.VISITING_PEER])
        .values_list("assist_id", "role", "person__unit__name")
    )
    home: dict[int, set[str]] = defaultdict(set)
    visiting: dict[int, set[str]] = defaultdict(set)
    for assist_id, role, unit in people:
        if unit:
            (home if role == Role.HOME_PEER else visiting)[assist_id].add(unit)
    flows: Counter[tuple[str, str]] = Counter()
    for assist_id, targets in home.items():
        for source in visiting.get(assist_id, ()):
            for target in targets:
                if source != target:
                    flows[(source, target)] += 1
    units = sorted({u for pair in flows for u in pair})
    given = Counter[str]()
    for (source, _target), n in flows.items():
        given[source] += n
    ordered = sorted(flows.items(), key=lambda item: (-item[1], item[0]))
    return Chart(
        id="knowledge-flow",
        title=_("Knowledge flow between units"),
        kind="graph",
        summary=_(
            "An arrow goes from the unit of the visiting peers to the unit of the home team "
            "they helped; thicker arrows mean more Peer Assists."
        ),
        columns=[_("Visiting peers from"), _("Helped home team of"), _("Peer Assists")],
        rows=[[s, t, n] for (s, t), n in ordered],
        data={
            "nodes": [{"name": u, "value": given.get(u, 0)} for u in units],
            "links": [{"source": s, "target": t, "value": n} for (s, t), n in ordered],
        },
    )


def action_completion(*, assists: Any, today: dt.date) -> Chart:
    """Actions of the visible assists: done, open and overdue (dropped ones left out)."""
    actions = Action.objects.filter(assist__in=assists).exclude(status=ActionStatus.DROPPED)
    done = actions.filter(status=ActionStatus.DONE).count()
    open_ = actions.exclude(status=ActionStatus.DONE)
    overdue = open_.filter(due_on__lt=today).count()
    still_open = open_.count() - overdue
    labels = [
        pgettext("status of an action", "Done"),
        pgettext("status of an action", "Open"),
        _("Overdue"),
    ]
    values = [done, still_open, overdue]
    total = sum(values)
    return Chart(
        id="action-completion",
        title=_("Action completion"),
        kind="bar",
        summary=_("%(done)s of %(total)s actions done, %(overdue)s overdue.")
        % {"done": done, "total": total, "overdue": overdue},
        columns=[_("Actions"), _("Number"), _("Share")],
        rows=[
            [label, value, f"{round(100 * value / total)}%" if total else "—"]
            for label, value in zip(labels, values, strict=True)
        ],
        data={"categories": labels, "values": values, "keys": ["done", "open", "overdue"]},
    )


def topics_by_source(*, viewer: Viewer) -> Chart:
    """Candidate topics by where they came from, and how many became Peer Assists."""
    totals: Counter[tuple[str, bool]] = Counter()
    rows = Topic.objects.for_viewer(viewer).values("source", "status").annotate(n=Count("pk"))
    for row in rows:
        totals[(row["source"], row["status"] == TopicStatus.TURNED_INTO_ASSIST)] += row["n"]
    sources = list(TopicSource)
    labels = [str(s.label) for s in sources]
    became = [totals.get((s.value, True), 0) for s in sources]
    other = [totals.get((s.value, False), 0) for s in sources]
    return Chart(
        id="topics-by-source",
        title=_("Topics by source"),
        kind="stacked_bar",
        summary=ngettext(
            "%(total)s topic, %(became)s of them turned into a Peer Assist.",
            "%(total)s topics, %(became)s of them turned into a Peer Assist.",
            sum(became) + sum(other),
        )
        % {"total": sum(became) + sum(other), "became": sum(became)},
        columns=[
            pgettext("where a topic came from", "Source"),
            _("Turned into a Peer Assist"),
            _("Other topics"),
            _("Total"),
        ],
        rows=[[label, b, o, b + o] for label, b, o in zip(labels, became, other, strict=True)],
        data={
            "categories": labels,
            "series": [
                {"name": _("Turned into a Peer Assist"), "data": became},
                {"name": _("Other topics"), "data": other},
            ],
        },
    )


def dashboard_charts(*, viewer: Viewer, today: dt.date | None = None) -> list[Chart]:
    """Every chart of the dashboard, over the assists and topics the viewer may see."""
    require_member(viewer)
    today = today or timezone.localdate()
    visible = assist_list(viewer=viewer).values("pk")
    assists = PeerAssist.objects.filter(pk__in=visible)
    return [
        assists_by_month(assists=assists, today=today),
        knowledge_flow(assists=assists),
        action_completion(assists=assists, today=today),
        topics_by_source(viewer=viewer),
    ]


def charts_json(charts: list[Chart]) -> list[dict[str, Any]]:
    """The charts as plain data for `json_script` and the API."""
    return [asdict(chart) for chart in charts]
