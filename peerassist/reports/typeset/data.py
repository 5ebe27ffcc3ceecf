"""The quarterly report as the JSON document report.typ lays out.

Every text here is data: titles, names, the translated labels and the write-ups' bodies
(as a block tree, see tree.py) are strings in JSON; report.typ reads them with
`json(bytes(sys.inputs.data))` and places them as text. Nothing is pasted into typst markup.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from peerassist.core.when import format_when
from peerassist.reports.typeset.tree import clean, markdown_blocks

if TYPE_CHECKING:
    from peerassist.reports.quarterly import Report


def page_of_parts() -> list[str]:
    """ "Page %(page)s of %(pages)s" in the reader's language, as the texts before, between
    and after the two numbers (the template puts the numbers in)."""
    # Translators: the page footer of a PDF, e.g. "Page 2 of 3".
    label = _("Page %(page)s of %(pages)s")
    before, _sep, rest = label.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    return [before, middle, after]


def _language() -> str:
    """typst's `lang`: the two- or three-letter ISO 639 code of the active language."""
    code = (get_language() or "en").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else "en"


def report_data(report: Report, *, fonts: dict[str, list[str]]) -> dict[str, Any]:
    """What report.typ shows, in the active language. `fonts`: the "sans" and "mono" font
    families to use, in order of preference (those the compiler has)."""
    quarter = report.quarter
    entries = [
        {
            "title": entry.assist.title,
            "session": format_when(entry.assist.held_on or entry.assist.starts_at, style="date"),
            "status": str(entry.assist.get_status_display()),
            "written_up": entry.document is not None,
        }
        for entry in report.entries
    ]
    writeups = [
        {
            "kicker": doc.kicker,
            "title": doc.title,
            "meta": [
                [_("Session"), doc.session_date_label],
                [_("Status"), doc.status],
            ],
            "body": markdown_blocks(doc.body_markdown),
        }
        for doc in (entry.document for entry in report.written_up)
        if doc is not None
    ]
    date = format_when(report.generated_on, style="day") if report.generated_on else ""
    return {
        "lang": _language(),
        "fonts": fonts,
        "title": report.title,
        "organisation": report.organisation,
        "kicker": _("Hub report"),
        "meta": [
            [_("Organisation"), report.organisation],
            [_("Scope"), report.scope_label],
            [
                _("Period"),
                f"{format_when(quarter.first_day, style='date')} – "
                f"{format_when(quarter.last_day, style='date')}",
            ],
        ],
        "figures": [{"label": label, "value": value} for label, value in report.figures.as_list()],
        "strings": {
            "page_of": page_of_parts(),
            "in_figures": _("In figures"),
            "columns": [_("Peer Assist"), _("Session"), _("Status"), _("Write-up")],
            "published": pgettext("status of a write-up", "Published"),
            "pending": _("Not yet written up"),
            "none_held": _("No Peer Assist was held in this quarter and scope."),
            "colophon": _(
                "Made with peerassist on %(date)s. It holds only the Peer Assists its reader "
                "may see."
            )
            % {"date": date},
        },
        "entries": entries,
        "writeups": writeups,
    }


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    return value


def report_json(report: Report, *, fonts: dict[str, list[str]]) -> str:
    """`report_data` as JSON, every string cleaned of what typst cannot receive."""
    return json.dumps(_cleaned(report_data(report, fonts=fonts)), ensure_ascii=False)
