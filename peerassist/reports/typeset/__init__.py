"""The quarterly report's PDF laid out by typst (issue 19: 50 write-ups in well under 3 s;
WeasyPrint alone needed 3–20 s for the same bodies, depending on the machine's load).

Why typst here and WeasyPrint for a single write-up: a report is long (about two pages per
write-up), and WeasyPrint's layout time grows with it; typst lays out a hundred pages in
well under a second on a quiet machine (0.6–1.1 s at load 5–9, bench/README.md). The
single write-up's PDF stays on WeasyPrint (writeups/exports/pdf.py, it meets its goal), and
so does the report's HTML export.

How: `report.typ` (this package's data) is the template; `data.py` turns a `Report` into
one JSON document, its bodies as block trees (`tree.py`), passed as `sys.inputs.data`, so
no user text is ever typst markup. One `typst.Compiler` per process holds the template and
the font book (the system's fonts are scanned once, not for every report); a lock makes
the compiles one at a time (the compiler is not meant to be shared by threads at once).
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from peerassist.reports.typeset.data import report_json

if TYPE_CHECKING:
    import typst

    from peerassist.reports.quarterly import Report

TEMPLATE = Path(__file__).with_name("report.typ")
#: The HTML export's fonts (writeup.css), in its order; typst's own embedded fonts last.
SANS = ("Liberation Sans", "DejaVu Sans", "Libertinus Serif")
MONO = ("Liberation Mono", "DejaVu Sans Mono")

_lock = threading.Lock()
logger = logging.getLogger(__name__)


@cache
def _compiler() -> tuple[typst.Compiler, dict[str, list[str]]]:
    """The process's compiler (template and fonts loaded once) and the font families the
    report asks for, narrowed to those it has (typst warns about a family it lacks)."""
    import typst

    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)
    have = {family.lower() for family in fonts.families()}
    chosen = {
        "sans": [f for f in SANS if f.lower() in have] or ["DejaVu Sans"],
        "mono": [f for f in MONO if f.lower() in have] or ["DejaVu Sans Mono"],
    }
    # The template by path: typst-py 0.15.2 compiled a template given as bytes once, then
    # failed ("file not found ... __typst_py_bytes__.typ") on the next compile.
    compiler = typst.Compiler(input=str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=fonts)
    return compiler, chosen


#: typst-py drops from typst's process-wide memo cache what the last this many compiles did
#: not use; it has no call to empty it.
_CACHE_AGE = 10


@cache
def _blank() -> typst.Compiler:
    """A compiler of an empty page with typst's own fonts, for `_forget`."""
    import typst

    return typst.Compiler(
        input=str(TEMPLATE.with_name("blank.typ")),
        root=str(TEMPLATE.parent),
        font_paths=typst.Fonts(include_system_fonts=False, include_embedded_fonts=True),
    )


def _forget() -> None:
    """Let typst forget the report it just made.

    typst memoises layout in a cache that lives as long as the process; typst-py evicts
    only what the last ten compiles did not use. A 50-write-up report leaves ~90 MB there,
    and every report is different (the next one reuses little): ten reports in a row held
    ~1.1 GB in one server process. Ten compiles of an empty page (~1 ms each) age the
    report's entries out at once (~0.05–0.2 s, mostly freeing them); a process making
    reports stays at its usual size (~220 MB after ten 50-write-up reports in a row).
    """
    blank = _blank()
    for _i in range(_CACHE_AGE):
        blank.compile(format="svg")  # the cheapest output; what counts is the compile


def report_pdf_typst(report: Report) -> bytes:
    """The report as an A4 PDF, laid out by typst."""
    with _lock:
        compiler, fonts = _compiler()
        try:
            pdf = compiler.compile(
                format="pdf", sys_inputs={"data": report_json(report, fonts=fonts)}
            )
        finally:
            _forget()
    if not isinstance(pdf, bytes):  # only when given an output path
        raise RuntimeError("typst returned no PDF")
    return pdf


def typeset_warm_up() -> float:
    """Make one empty report, so that the first real one does not pay for loading typst,
    scanning the fonts and parsing the template (~0.3–0.5 s). Returns the seconds it took."""
    import datetime as dt

    from peerassist.reports.quarterly import Figures, Quarter, Report, Scope

    started = time.perf_counter()
    report_pdf_typst(
        Report(
            organisation="Warm-up",
            quarter=Quarter(2026, 1),
            scope=Scope(kind="organisation", name="Warm-up"),
            figures=Figures(0, 0, 0, 0, 0, 0, 0, 0),
            generated_on=dt.date(2026, 1, 1),
        )
    )
    return time.perf_counter() - started


def _warm_up() -> None:
    try:
        seconds = typeset_warm_up()
    except Exception:  # a warm-up must never take the server down; the export will say why
        logger.exception("The quarterly report's warm-up failed")
        return
    logger.info("Quarterly report PDF (typst) warmed up in %.2f s", seconds)


def typeset_warm_up_in_background() -> threading.Thread | None:
    """`typeset_warm_up` in a background thread when the server starts (`PDF_WARM_UP=false`
    turns it off, as it does the write-up PDF's). Returns the thread, if one was started."""
    from django.conf import settings

    if not settings.PDF_WARM_UP:
        return None
    thread = threading.Thread(target=_warm_up, name="report-warm-up", daemon=True)
    thread.start()
    return thread
