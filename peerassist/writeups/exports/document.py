"""What every export of a write-up shows: a title block and the home team's Markdown body.

The body is the Markdown the home team edits (participants, focus questions, response,
actions table); the title block comes from the assist, so that it is always right even
when someone edits the body. A leading `# heading` in the body is dropped: the title block
replaces it and a report must not say its title twice.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date

from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _

from peerassist.core.when import format_when
from peerassist.writeups.markdown import render_markdown
from peerassist.writeups.models import WriteUp, WriteUpStatus

_LEADING_H1 = re.compile(r"\A\s*#(?!#)[^\n]*\n+")


@dataclass(frozen=True)
class ExportDocument:
    """One write-up, ready to be rendered in any format."""

    title: str
    organisation: str
    session_date: date | None
    status: str
    kicker: str
    body_markdown: str
    version: int
    slug: str

    @property
    def session_date_label(self) -> str:
        if self.session_date is None:
            return _("Date not set")
        return format_when(self.session_date, style="day")

    @property
    def meta_line(self) -> str:
        """ "Organisation · 12 May 2026 · Published" for the plain-text formats."""
        return " · ".join([self.organisation, self.session_date_label, self.status])

    @property
    def body_html(self) -> SafeString:
        return keep_closing_sections_together(render_markdown(self.body_markdown))


_H2 = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)


def keep_closing_sections_together(html: str) -> SafeString:
    """Wrap the response and the actions, headings included, in one block the PDF keeps on
    one page: the most important part must not be split or left apart from its heading."""
    headings = list(_H2.finditer(html))
    # The four-part's "Agreed actions" and the Mini's "Home peer response" are the same parts.
    wanted = {_("Our response"), _("Home peer response"), _("Actions"), _("Agreed actions")}
    chosen = [i for i, h in enumerate(headings) if h.group(1).strip() in wanted]
    if not chosen:
        return SafeString(html)
    start = headings[chosen[0]].start()
    after = chosen[-1] + 1
    end = headings[after].start() if after < len(headings) else len(html)
    return SafeString(
        f'{html[:start]}<div class="keep-together">{html[start:end]}</div>{html[end:]}'
    )


def strip_leading_title(markdown: str) -> str:
    """The body without a first-line `# title`, which the title block replaces."""
    return _LEADING_H1.sub("", markdown or "", count=1)


def session_date(writeup: WriteUp) -> date | None:
    """The day the session was held, else its planned day in the assist's own time zone."""
    if writeup.assist.held_on is not None:
        return writeup.assist.held_on
    starts_at = writeup.assist.starts_at
    if starts_at is None:
        return None
    try:
        zone = zoneinfo.ZoneInfo(writeup.assist.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return starts_at.astimezone(zone).date()


def status_label(writeup: WriteUp) -> str:
    if writeup.status == WriteUpStatus.PUBLISHED and writeup.published_at:
        return _("Published %(date)s") % {"date": format_when(writeup.published_at, style="day")}
    return str(WriteUpStatus(writeup.status).label)


def export_document(writeup: WriteUp) -> ExportDocument:
    """The title block and body of one write-up (assist and organisation must be loaded)."""
    assist = writeup.assist
    return ExportDocument(
        title=assist.title,
        organisation=assist.organisation.name,
        session_date=session_date(writeup),
        status=status_label(writeup),
        kicker=_("Peer Assist write-up"),
        body_markdown=strip_leading_title(writeup.body),
        version=writeup.version,
        slug=slugify(assist.title)[:60] or f"assist-{assist.pk}",
    )
