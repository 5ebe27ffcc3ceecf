"""How long do a PDF export and the `peerassist` command take? Each figure comes with a
baseline measured in the same run, on the same machine, so that the ratio can be read
whatever the machine's load.

    python bench/pdf_bench.py              # 30 warm PDFs, the 50-write-up report, CLI x 10
    python bench/pdf_bench.py --quick      # 5 warm PDFs, a 10-write-up report, CLI x 3 (CI)
    python bench/pdf_bench.py --only pdf   # or --only cli

PDF (`writeups.exports.pdf`, in this process; no database: the documents are built in
memory):

- warm p50/p95 of a 2-page write-up (title block, sections, lists, an actions table);
  baseline: WeasyPrint alone making a PDF of the same body HTML with no stylesheet and no
  running header, its font configuration and URL fetcher reused — the floor for this
  engine, this machine and this text. Also shown: the same styled document made the way
  it was before issue 19 (styles inline, parsed again each time, a new font configuration
  and URL fetcher per PDF, flex boxes in the title block) — what the caching saves.
- the first PDF in a fresh process (importing WeasyPrint and loading the fonts included),
  in a subprocess, against a fresh process making the bare baseline PDF;
- the quarterly report of 50 write-ups (`--quick`: 10), laid out by typst
  (`reports/typeset/`), against the bare WeasyPrint baseline of the same bodies in one
  unstyled document (kept from before issue 19) and against bare typst: the same bodies'
  Markdown, split at blank lines, as plain paragraphs through typst with no template (its
  floor). typst rows: median of 3, layout forgotten between runs (typst memoises it for
  the process: a repeat of the same document would take a tenth of the time). Also shown:
  the first report in the process (the compiler made, the fonts scanned) and the report
  the way it was made before (its HTML through WeasyPrint).

CLI (subprocesses, best and median of N runs): `python -c pass` and `python -c "import
django"` as the baselines; `peerassist --version`, `--help`, and `peerassist export` of a
demo write-up as Markdown and as PDF, on a throw-away SQLite database made with `peerassist
migrate` and `peerassist demo` (not timed).

Exit status 1 only on wrong results (page count, text or fonts missing from a PDF, a
command failing), never because the machine is slow.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = Path(sys.executable)
PEERASSIST = PYTHON.with_name("peerassist")

TITLE = "Finding leaks with acoustic loggers"
GOALS = {"warm_p50_ms": 150.0, "report_s": 3.0, "version_s": 0.5, "export_s": 1.5}


def _body_markdown(n: int = 0) -> str:
    """A write-up of about two A4 pages: what the demo's write-ups look like."""
    notes = "\n".join(
        f"- ★ Note {i} of the visiting peers: place the loggers at most 200 m apart on "
        f"plastic mains, read them for two weeks before digging. — Peer {i}"
        for i in range(1, 9)
    )
    actions = "\n".join(
        f"| {i}. Agree the logger spacing with the network team ({n}) | Home team: Ana Ruiz "
        f"| 2026-12-{i + 10:02d} | Open |"
        for i in range(1, 7)
    )
    return f"""## Who took part

- **Home peer:** Amara Okafor (Operations), Esther Cohen (Operations)
- **Visiting peers:** Isabel García (Treatment Works Upgrades), Léa Fontaine (People &
  Culture), Noor Aziz (Regional Office South), Sven Berg (Capital Projects)
- **Facilitator:** Gabriela Santos (Customer Field Services)

## What the home peers know

**The challenge.** Network Maintenance starts an acoustic logger pilot on 200 km of mains
and wants to avoid the mistakes others made placing and reading loggers. The pilot covers
three districts with different pipe materials, and the night-time noise differs a lot.

**Our planned approach.** We have a first plan and a budget; nothing is contracted yet.

## What the visiting peers know

### 1. What would you do differently if you started again?

{notes}

### 2. What did you underestimate?

{notes}

## What we learned

The loggers are cheap; the time to read them is not. Plan the reading rounds first, then
the number of loggers. Agree with the contractor who owns false alarms before the pilot.

## Actions

| Action | Owner | Due | Status |
|---|---|---|---|
{actions}
"""


def _documents(count: int) -> list:
    import datetime as dt

    from peerassist.writeups.exports.document import ExportDocument

    return [
        ExportDocument(
            title=TITLE if i == 0 else f"{TITLE} ({i + 1})",
            organisation="Meridian Water",
            session_date=dt.date(2026, 11, 19),
            status="Published 20 Nov 2026",
            kicker="Peer Assist write-up",
            body_markdown=_body_markdown(i),
            version=3,
            slug=f"finding-leaks-{i}",
        )
        for i in range(count)
    ]


def _report(count: int):
    import datetime as dt

    from peerassist.assists.models import PeerAssist
    from peerassist.reports.quarterly import Figures, Quarter, Report, ReportEntry, Scope

    entries = [
        ReportEntry(
            assist=PeerAssist(pk=i + 1, title=doc.title, held_on=dt.date(2026, 11, 19)),
            document=doc,
        )
        for i, doc in enumerate(_documents(count))
    ]
    return Report(
        organisation="Meridian Water",
        quarter=Quarter(2026, 4),
        scope=Scope(kind="organisation", name="Meridian Water"),
        figures=Figures(count, 5 * count, 7, 6 * count, 2 * count, 1, count, count // 2),
        entries=entries,
        generated_on=dt.date(2026, 12, 1),
    )


def _setup_django(tmp: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "peerassist.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "pdf-bench-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp / 'unused.sqlite3'}",
            "PEERASSIST_VAR_DIR": str(tmp),
            "PDF_WARM_UP": "false",
        }
    )
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")


def _bare_html(bodies: list[str]) -> str:
    return "<!doctype html><html><body>" + "".join(bodies) + "</body></html>"


def _bare_pdf(html: str) -> bytes:
    """The baseline: WeasyPrint alone on unstyled HTML, at its best (the font configuration
    and the URL fetcher made once, as peerassist now does): the engine's floor here."""
    from weasyprint import HTML

    from peerassist.writeups.exports.pdf import _fetcher, _font_config

    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf(
        font_config=_font_config()
    )


#: The bare typst baseline's document: the given texts as plain paragraphs, one page break
#: between bodies, in the report's font; no template, no styles, no header or footer.
BARE_TYPST = """#let bodies = json(bytes(sys.inputs.data))
#set text(font: "DejaVu Sans", size: 10pt)
#for (i, paragraphs) in bodies.enumerate() {
  if i > 0 { pagebreak() }
  for p in paragraphs { par(p) }
}
"""


def _bare_typst_compiler(tmp: Path):
    """One compiler, made once, as peerassist keeps one (fonts scanned once)."""
    import typst

    source = tmp / "bare.typ"
    source.write_text(BARE_TYPST, encoding="utf-8")
    return typst.Compiler(input=str(source), root=str(tmp), font_paths=typst.Fonts())


def _bare_typst_pdf(compiler, bodies: list[str]) -> bytes:
    """The typst baseline: each body's Markdown source, split at blank lines, as paragraphs
    (the same text, unparsed) laid out by typst with no template: typst's floor here."""
    paragraphs = [[p for p in body.split("\n\n") if p.strip()] for body in bodies]
    return compiler.compile(format="pdf", sys_inputs={"data": json.dumps(paragraphs)})


def _uncached_pdf(doc) -> bytes:
    """The styled write-up made as before issue 19: styles inline and parsed for every PDF,
    a new font configuration and URL fetcher each time, flex boxes in the title block."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from peerassist.writeups.exports.html import _document_css, writeup_html
    from peerassist.writeups.exports.pdf import NoFetching

    page_rules = _document_css("en", True).split("/* Flex boxes cost")[0]
    html = writeup_html(doc, paged=True).replace("<head>", f"<head><style>{page_rules}</style>", 1)
    return HTML(string=html, base_url=None, url_fetcher=NoFetching()).write_pdf(
        font_config=FontConfiguration()
    )


# --- Checks: wrong results fail the run, slowness never does -------------------------------

FAILURES: list[str] = []


def _check(ok: bool, what: str) -> None:
    if not ok:
        FAILURES.append(what)
        print(f"  WRONG: {what}")


def _check_pdf(pdf: bytes, *, pages: int | None, min_pages: int = 1, texts: list[str]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    if pages is not None:
        _check(len(reader.pages) == pages, f"expected {pages} pages, got {len(reader.pages)}")
    _check(len(reader.pages) >= min_pages, f"expected {min_pages}+ pages, got {len(reader.pages)}")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for wanted in texts:
        _check(wanted in text, f"text {wanted!r} not extractable from the PDF")
    embedded = []
    for page in reader.pages[:2]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type3":  # glyphs drawn in the file (typst: emoji)
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded.append(bool({"/FontFile2", "/FontFile3"} & set(descriptor)))
    _check(bool(embedded) and all(embedded), "a font is not embedded")


# --- Timing --------------------------------------------------------------------------------


def _times(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ratio(value: float, base: float) -> str:
    if base <= 0:
        return "-"
    return f"{value / base:.2f}x" if value / base < 0.1 else f"{value / base:.1f}x"


def first_call_child(which: str) -> None:
    """In a fresh process: the first PDF, imports included (`--first-call`)."""
    with tempfile.TemporaryDirectory() as tmp:
        _setup_django(Path(tmp))
        doc = _documents(1)[0]
        started = time.perf_counter()
        if which == "peerassist":
            from peerassist.writeups.exports.pdf import writeup_pdf

            writeup_pdf(doc)
        else:
            _bare_pdf(_bare_html([str(doc.body_html)]))
        print(json.dumps({"seconds": time.perf_counter() - started}))


def _first_call(which: str) -> float:
    done = subprocess.run(  # noqa: S603 - this script, by its own path
        [str(PYTHON), __file__, "--first-call", which],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        _check(False, f"first-call subprocess ({which}) failed: {done.stderr[-500:]}")
        return float("nan")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def bench_pdf(quick: bool, warm_n: int | None, report_n: int | None) -> None:
    from peerassist.reports.quarterly import report_pdf, report_pdf_weasyprint
    from peerassist.reports.typeset import _forget
    from peerassist.writeups.exports.pdf import writeup_pdf

    warm_n = warm_n or (5 if quick else 30)
    report_n = report_n or (10 if quick else 50)
    doc = _documents(1)[0]
    bare = _bare_html([str(doc.body_html)])

    print("PDF: first PDF in a fresh process (imports and fonts included)")
    first = _first_call("peerassist")
    first_bare = _first_call("bare")
    print(
        f"  peerassist {first * 1000:7.0f} ms   bare WeasyPrint {first_bare * 1000:7.0f} ms   "
        f"{_ratio(first, first_bare)} the baseline"
    )

    pdf = writeup_pdf(doc)  # also the first call in this process: not counted below
    _check_pdf(pdf, pages=2, texts=[TITLE, "Page 1 of 2", "Who took part", "Actions"])
    _bare_pdf(bare)
    _uncached_pdf(doc)

    # Interleaved, so that a burst of load on the machine hits all three alike.
    ours: list[float] = []
    floor: list[float] = []
    before: list[float] = []
    for _ in range(warm_n):
        ours += _times(lambda: writeup_pdf(doc), 1)
        floor += _times(lambda: _bare_pdf(bare), 1)
        before += _times(lambda: _uncached_pdf(doc), 1)
    print(f"PDF: 2-page write-up, warm, {warm_n} runs (ms)")
    print(f"  {'':34} {'p50':>7} {'p95':>7}  p50 vs baseline")
    for label, values in (
        ("bare WeasyPrint (baseline)", floor),
        ("peerassist", ours),
        ("as before issue 19 (no reuse)", before),
    ):
        p50, p95 = _pct(values, 0.5), _pct(values, 0.95)
        print(f"  {label:34} {p50 * 1000:7.0f} {p95 * 1000:7.0f}  {_ratio(p50, _pct(floor, 0.5))}")
    print(f"  goal: peerassist p50 < {GOALS['warm_p50_ms']:.0f} ms on a quiet machine")

    report = _report(report_n)
    started = time.perf_counter()
    report_bytes = report_pdf(report)  # the first in this process: the compiler is made
    first_report_s = time.perf_counter() - started
    _check_pdf(
        report_bytes,
        pages=None,
        min_pages=report_n + 1,
        texts=[TITLE, f"{TITLE} ({report_n})", "In figures", "Page 1 of "],
    )
    documents = _documents(report_n)
    bare_report = _bare_html([str(d.body_html) for d in documents])
    with tempfile.TemporaryDirectory() as tmp:
        typst_compiler = _bare_typst_compiler(Path(tmp))
        bodies = [d.body_markdown for d in documents]
        _check_pdf(
            _bare_typst_pdf(typst_compiler, bodies), pages=None, min_pages=report_n, texts=[]
        )
        # Interleaved, 3 each (the WeasyPrint ones: 1, they take seconds).
        ours_r: list[float] = []
        typst_floor: list[float] = []
        for _ in range(3):
            # report_pdf makes typst forget each report (reports/typeset/); the baseline's
            # layout is forgotten the same way, untimed: no run reuses an earlier one's.
            ours_r += _times(lambda: report_pdf(report), 1)
            typst_floor += _times(lambda: _bare_typst_pdf(typst_compiler, bodies), 1)
            _forget()
    weasy_floor = _times(lambda: _bare_pdf(bare_report), 1)[0]
    before_s = _times(lambda: report_pdf_weasyprint(report), 1)[0]
    ours_s, typst_s = statistics.median(ours_r), statistics.median(typst_floor)
    print(f"PDF: quarterly report of {report_n} write-ups (s; typst rows: median of 3)")
    print(f"  {'':38} {'s':>6}  vs bare WeasyPrint  vs bare typst")
    for label, value in (
        ("bare WeasyPrint (baseline)", weasy_floor),
        ("bare typst (typst's floor)", typst_s),
        ("peerassist (typst)", ours_s),
        ("peerassist, first in this process", first_report_s),
        ("as before issue 19 (WeasyPrint)", before_s),
    ):
        print(
            f"  {label:38} {value:6.2f}  {_ratio(value, weasy_floor):>17}"
            f"  {_ratio(value, typst_s):>12}"
        )
    if report_n == 50:
        print(f"  goal: peerassist < {GOALS['report_s']:.0f} s at 50")


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own fixed commands
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def bench_cli(quick: bool, runs: int | None) -> None:
    n = runs or (3 if quick else 10)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "peerassist.settings",
                "SECRET_KEY": "cli-bench-" + "x" * 40,
                "DATABASE_URL": f"sqlite:///{tmp / 'cli.sqlite3'}",
                "PEERASSIST_VAR_DIR": str(tmp),
                "DEBUG": "false",
            }
        )
        for setup in (["migrate", "--no-input"], ["demo", "--quiet"]):
            done = _run([str(PEERASSIST), *setup], env, tmp)
            _check(done.returncode == 0, f"peerassist {setup[0]} failed: {done.stderr[-500:]}")
            if done.returncode != 0:
                return
        probe = (
            "from peerassist.writeups.models import WriteUp; "
            "print(WriteUp.objects.order_by('pk').values_list('assist_id', flat=True).first())"
        )
        done = _run([str(PEERASSIST), "shell", "-c", probe], env, tmp)
        assist = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        _check(assist.isdigit(), f"no demo write-up found: {done.stdout} {done.stderr[-300:]}")
        if not assist.isdigit():
            return

        commands: list[tuple[str, list[str], Callable[[subprocess.CompletedProcess[str]], bool]]]
        commands = [
            ("python -c pass (baseline)", [str(PYTHON), "-c", "pass"], lambda d: True),
            ('python -c "import django"', [str(PYTHON), "-c", "import django"], lambda d: True),
            (
                "peerassist --version",
                [str(PEERASSIST), "--version"],
                lambda d: d.stdout.startswith("peerassist "),
            ),
            (
                "peerassist --help",
                [str(PEERASSIST), "--help"],
                lambda d: "usage: peerassist" in d.stdout,
            ),
            (
                "peerassist export (md)",
                [str(PEERASSIST), "export", assist, "--format", "md", "--output", "out.md"],
                lambda d: (tmp / "out.md").stat().st_size > 500,
            ),
            (
                "peerassist export (pdf)",
                [str(PEERASSIST), "export", assist, "--format", "pdf", "--output", "out.pdf"],
                lambda d: (tmp / "out.pdf").read_bytes().startswith(b"%PDF"),
            ),
        ]
        results: dict[str, list[float]] = {}
        for _ in range(n):  # interleaved: load bursts hit every command alike
            for label, args, ok in commands:
                started = time.perf_counter()
                done = _run(args, env, tmp)
                elapsed = time.perf_counter() - started
                _check(done.returncode == 0 and ok(done), f"{label}: {done.stderr[-500:]}")
                results.setdefault(label, []).append(elapsed)
        base = statistics.median(results["python -c pass (baseline)"])
        print(f"CLI: start-up, {n} runs each (s)")
        print(f"  {'':34} {'best':>6} {'median':>7}  median vs python -c pass")
        for label, values in results.items():
            med = statistics.median(values)
            print(f"  {label:34} {min(values):6.2f} {med:7.2f}  {_ratio(med, base)}")
        print(
            f"  goals on a quiet machine: --version/--help < {GOALS['version_s']} s, "
            f"export < {GOALS['export_s']} s"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small and short (CI)")
    parser.add_argument("--only", choices=("pdf", "cli"), help="one half only")
    parser.add_argument("--warm", type=int, help="warm PDFs to time (default 30, quick 5)")
    parser.add_argument("--report", type=int, help="write-ups in the report (50, quick 10)")
    parser.add_argument("--cli-runs", type=int, help="runs of each command (10, quick 3)")
    parser.add_argument("--first-call", choices=("peerassist", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_call:
        first_call_child(args.first_call)
        return 0
    if args.only != "cli":
        with tempfile.TemporaryDirectory() as tmp:
            _setup_django(Path(tmp))
            bench_pdf(args.quick, args.warm, args.report)
    if args.only != "pdf":
        bench_cli(args.quick, args.cli_runs)
    if FAILURES:
        print(f"FAILED: {len(FAILURES)} wrong result(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
