"""PDF with WeasyPrint.

Why WeasyPrint rather than typst: the write-up already becomes HTML through our Markdown
renderer (the same HTML people see on the page and in the HTML export), so the PDF is that
HTML with print styles; CSS paged media gives us `@page` margins, running headers
(`string-set`: the organisation's name) and "Page N of M" (`counter(pages)`) without a
second template language. Fonts come from the system through fontconfig (Liberation Sans,
DejaVu Sans as the fallback) and are embedded as subsets. Nothing is ever fetched: the
`url_fetcher` refuses every URL, so a link or image in a write-up cannot make the server
call out (SSRF) or read local files.
"""

from __future__ import annotations

from typing import NoReturn

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from peerassist.writeups.exports.document import ExportDocument
from peerassist.writeups.exports.html import writeup_html


class NoFetching(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
    """A URL fetcher that fetches nothing: documents are self-contained."""

    def fetch(self, url: str, headers: object = None) -> NoReturn:
        raise ValueError(f"External resources are not loaded in exports: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    """Lay out self-contained HTML on A4 pages."""
    pdf: bytes | None = HTML(string=html, base_url=None, url_fetcher=NoFetching()).write_pdf()
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


def writeup_pdf(doc: ExportDocument) -> bytes:
    """The write-up as a paged PDF report."""
    return html_to_pdf(writeup_html(doc, paged=True))
