"""How long the write-up really is: the gauge lays it out as the PDF export does and counts
the pages, instead of guessing from words. Layouts are cached by their HTML, so previewing
the same text twice costs one layout."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.core.cache import cache
from django.utils.text import slugify
from django.utils.translation import gettext as _

from peerassist.assists.models import PeerAssist
from peerassist.core.findings import Finding, Level
from peerassist.writeups import rules
from peerassist.writeups.exports.document import (
    ExportDocument,
    session_date,
    status_label,
    strip_leading_title,
)
from peerassist.writeups.exports.html import document_css, writeup_html
from peerassist.writeups.models import WriteUp

if TYPE_CHECKING:
    from weasyprint.formatting_structure import boxes

#: Past this share of the last allowed page, the gauge warns before the limit is crossed.
NEARLY_FULL = 0.85
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Layout:
    pages: int
    #: How full the last page is, from 0 to 1.
    last_page_fill: float


def _bottom(box: boxes.Box) -> float:
    """The lowest edge of the text and images inside a box (its empty space excluded)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
        return float(box.position_y + box.margin_height())
    return max((_bottom(child) for child in getattr(box, "children", ())), default=0.0)


def html_layout(html: str) -> Layout:
    """Lay out paged HTML as the PDF export does: its pages and how full the last one is."""
    # The styles are applied apart from the HTML (parsed once per process): they are part
    # of what is laid out, so part of the key.
    styled = document_css(paged=True) + html
    key = "writeup-layout:" + hashlib.sha256(styled.encode()).hexdigest()
    cached = cache.get(key)
    if isinstance(cached, tuple):
        return Layout(*cached)
    # WeasyPrint takes seconds to import: only when a layout is really made (not for the
    # API's schemas or a command that never lays anything out).
    from peerassist.writeups.exports.pdf import paged_layout

    document = paged_layout(html)
    last = document.pages[-1]._page_box
    top = float(last.content_box_y())
    height = float(last.height) or 1.0
    content = last.children[0] if last.children else last
    fill = min(max((_bottom(content) - top) / height, 0.0), 1.0)
    layout = Layout(len(document.pages), round(fill, 3))
    cache.set(key, (layout.pages, layout.last_page_fill), CACHE_SECONDS)
    return layout


def gauge_document(*, assist: PeerAssist, body: str, writeup: WriteUp | None) -> ExportDocument:
    """The document the PDF export would make of `body` (the text being edited)."""
    return ExportDocument(
        title=assist.title,
        organisation=assist.organisation.name,
        session_date=session_date(writeup) if writeup else None,
        status=status_label(writeup) if writeup else "",
        kicker=_("Peer Assist write-up"),
        body_markdown=strip_leading_title(body),
        version=writeup.version if writeup else 1,
        slug=slugify(assist.title)[:60] or f"assist-{assist.pk}",
    )


def length_findings(layout: Layout, max_pages: int = rules.MAX_PAGES) -> list[Finding]:
    """Warn past the page limit, and before it: when the last allowed page is nearly full."""
    if layout.pages > max_pages:
        return [
            Finding(
                Level.WARNING,
                "writeup_too_long",
                _(
                    "The write-up runs to %(pages)s pages in the PDF. Keep it to %(max)s "
                    "pages: cut repeated notes and keep the starred ones, so that people who "
                    "were not there read it to the end."
                )
                % {"pages": layout.pages, "max": max_pages},
                "body",
            )
        ]
    if layout.pages == max_pages and layout.last_page_fill >= NEARLY_FULL:
        return [
            Finding(
                Level.WARNING,
                "writeup_nearly_too_long",
                _(
                    "Page %(max)s of the PDF is %(percent)s%% full: a few more lines and the "
                    "write-up runs past %(max)s pages."
                )
                % {"max": max_pages, "percent": round(layout.last_page_fill * 100)},
                "body",
            )
        ]
    return []


class WriteupGauge(TypedDict):
    """What the editor's gauge shows (and the API's write-up answer reads pages from)."""

    pages: int
    fill: float
    words: int
    max_pages: int
    findings: list[Finding]


def writeup_gauge(*, assist: PeerAssist, body: str, writeup: WriteUp | None) -> WriteupGauge:
    """What the editor's gauge shows: pages as laid out, words, and any warning."""
    doc = gauge_document(assist=assist, body=body, writeup=writeup)
    layout = html_layout(writeup_html(doc, paged=True))
    return {
        "pages": layout.pages,
        "fill": layout.last_page_fill,
        "words": rules.markdown_words(body),
        "max_pages": rules.MAX_PAGES,
        "findings": length_findings(layout),
    }
