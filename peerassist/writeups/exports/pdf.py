"""PDF with WeasyPrint.

Why WeasyPrint rather than typst: the write-up already becomes HTML through our Markdown
renderer (the same HTML people see on the page and in the HTML export), so the PDF is that
HTML with print styles; CSS paged media gives us `@page` margins, running headers
(`string-set`: the organisation's name) and "Page N of M" (`counter(pages)`) without a
second template language. Fonts come from the system through fontconfig (Liberation Sans,
DejaVu Sans as the fallback) and are embedded as subsets. Nothing is ever fetched: the
`url_fetcher` refuses every URL, so a link or image in a write-up cannot make the server
call out (SSRF) or read local files. The quarterly report's PDF is laid out by typst instead
(reports/typeset/): a hundred pages took WeasyPrint seconds.

Speed (issue 19): what does not depend on the document is made once per process, not once
per PDF — the parsed stylesheets (one per language: only "Page N of M" differs), the URL
fetcher (WeasyPrint's builds an SSL context when created, ~20–90 ms; ours and those WeasyPrint
makes while it is imported get one that loads no certificates) and the font
configuration (one per thread: Pango's font maps are not thread-safe). `pdf_warm_up()`
pays the first-PDF costs (importing WeasyPrint, loading the fonts) ahead of the first
export; the server calls it in the background when it starts (peerassist/asgi.py).
"""

from __future__ import annotations

import ctypes.util
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn


@contextmanager
def _libraries_by_file_name() -> Iterator[None]:
    """While WeasyPrint loads its C libraries (Pango, HarfBuzz, fontconfig...), skip the
    library search that cffi makes for each candidate name that is not a file name.

    WeasyPrint tries several names per library ('libpango-1.0-0', 'pango-1.0-0',
    'pango-1.0', 'libpango-1.0.so.0', ...); for each of the first ones cffi calls
    `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then gcc and ld, when the
    name is not found: about twenty subprocesses, half a second or more of the first
    export. Every list also holds the library's file name, which the dynamic loader finds
    directly (its usual search path), so answering "not found" at once loses nothing.
    Linux only: elsewhere (macOS, Windows) the search is how the libraries are found.
    """
    if not sys.platform.startswith("linux"):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _context_without_certificates(*_args: Any, **_kwargs: Any) -> ssl.SSLContext:
    """A TLS client context that loads no CA certificates, for URL fetchers that never fetch.

    Making the default context loads the system's CA bundle, about 20 ms each time on this
    machine (OpenSSL 3), and WeasyPrint makes one for every fetcher, its own included. With no
    certificate to trust and verification still required, an HTTPS request made with this
    context could only fail: it never weakens a fetch, it just costs nothing to make.
    """
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


@contextmanager
def _default_fetchers_without_certificates() -> Iterator[None]:
    """While WeasyPrint is imported, the fetchers it makes get `_context_without_certificates`.

    Importing WeasyPrint parses its three user-agent stylesheets, each with a default URL
    fetcher whose HTTPS handler makes the default SSL context: ~60 ms of the first PDF in
    every process, for fetchers that are never used (those stylesheets are strings that
    refer to no URL). `ssl._create_default_https_context` is the hook http.client and urllib
    take that default from; it is restored at once. Another thread relying on that default
    during the import (none in peerassist: webhooks make their own context, requests its own)
    would get a context that trusts nothing: its HTTPS request would fail, not go unverified.
    """
    original = ssl._create_default_https_context
    ssl._create_default_https_context = _context_without_certificates
    try:
        yield
    finally:
        ssl._create_default_https_context = original


with _libraries_by_file_name(), _default_fetchers_without_certificates():
    from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from peerassist.writeups.exports.document import ExportDocument  # noqa: E402
from peerassist.writeups.exports.html import document_css, writeup_html  # noqa: E402

if TYPE_CHECKING:
    from weasyprint.document import Document


class NoFetching(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
    """A URL fetcher that fetches nothing: documents are self-contained."""

    def __init__(self) -> None:
        # No CA bundle to load (~20 ms) for a fetcher that never opens a connection.
        super().__init__(ssl_context=_context_without_certificates())

    def fetch(self, url: str, headers: object = None) -> NoReturn:
        raise ValueError(f"External resources are not loaded in exports: {url[:80]}")


_per_thread = threading.local()


def _fetcher() -> NoFetching:
    """This thread's fetcher (it holds nothing, but WeasyPrint's base class is not
    documented as thread-safe, and creating one costs an SSL context)."""
    fetcher: NoFetching | None = getattr(_per_thread, "fetcher", None)
    if fetcher is None:
        fetcher = _per_thread.fetcher = NoFetching()
    return fetcher


def _font_config() -> FontConfiguration:
    """This thread's font configuration, made once (fontconfig and Pango state)."""
    config: FontConfiguration | None = getattr(_per_thread, "font_config", None)
    if config is None:
        config = _per_thread.font_config = FontConfiguration()
    return config


@lru_cache(maxsize=16)
def _stylesheet(css: str) -> CSS:
    """The parsed stylesheet for this CSS text (read-only once parsed, shared by threads)."""
    return CSS(string=css, base_url=None, url_fetcher=NoFetching())


def paged_stylesheets() -> list[CSS]:
    """The export's styles with the page rules, parsed, in the current language."""
    return [_stylesheet(document_css(paged=True))]


def html_to_pdf(html: str, *, paged: bool = False) -> bytes:
    """Lay out self-contained HTML on A4 pages.

    `paged`: the HTML comes from `render_template(..., paged=True)`, whose styles are not
    inline — the parsed, cached export stylesheet is applied instead.
    """
    pdf: bytes | None = HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf(
        stylesheets=paged_stylesheets() if paged else None, font_config=_font_config()
    )
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


def paged_layout(html: str) -> Document:
    """Lay out paged HTML (from `render_template(..., paged=True)`) without writing a PDF."""
    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).render(
        stylesheets=paged_stylesheets(), font_config=_font_config()
    )


def writeup_pdf(doc: ExportDocument) -> bytes:
    """The write-up as a paged PDF report."""
    return html_to_pdf(writeup_html(doc, paged=True), paged=True)


#: A short paged document for the warm-up: two pages, bold, the page header and footer.
WARM_UP_HTML = (
    '<article class="document"><header class="title-block"><p class="kicker">Warm-up</p>'
    "<h1>Warm-up</h1></header>"
    + "<p><strong>Lorem ipsum</strong> dolor sit amet, consectetur adipiscing elit.</p>" * 60
    + "</article>"
)


def pdf_warm_up() -> float:
    """Make one small PDF so the next export does not pay the first-time costs (fonts,
    stylesheet, WeasyPrint's lazy imports). Returns the seconds it took."""
    started = time.perf_counter()
    html_to_pdf(WARM_UP_HTML, paged=True)
    return time.perf_counter() - started
