"""The quarterly report's PDF laid out by typst (issue 19: 50 write-ups in well under 3 s;
WeasyPrint alone needed 3–20 s for the same bodies, depending on the machine's load).

Why typst here and WeasyPrint for a single write-up: a report is long (about two pages per
write-up), and WeasyPrint's layout time grows with it; typst lays out a hundred pages in a
fraction of a second. The single write-up's PDF stays on WeasyPrint (writeups/exports/pdf.py,
it meets its goal), and so does the report's HTML export.

How: `report.typ` (this package's data) is the template; `data.py` turns a `Report` into
one JSON document, its bodies as block trees (`tree.py`), passed as `sys.inputs.data`, so
no user text is ever typst markup. One `typst.Compiler` per process holds the template and
the font book (the system's fonts are scanned once, not for every report); a lock makes
the compiles one at a time (the compiler is not meant to be shared by threads at once).
"""

from __future__ import annotations

import threading
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
    compiler = typst.Compiler(input=str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=fonts)
    return compiler, chosen


def report_pdf_typst(report: Report) -> bytes:
    """The report as an A4 PDF, laid out by typst."""
    with _lock:
        compiler, fonts = _compiler()
        pdf = compiler.compile(format="pdf", sys_inputs={"data": report_json(report, fonts=fonts)})
    if not isinstance(pdf, bytes):  # only when given an output path
        raise RuntimeError("typst returned no PDF")
    return pdf


def typeset_warm_up() -> None:
    """Load the template and scan the fonts ahead of the first report."""
    _compiler()
