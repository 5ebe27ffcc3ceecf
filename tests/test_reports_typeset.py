"""The quarterly report's PDF laid out by typst (reports/typeset/): user text reaches typst
as data only, so it prints as written and never runs; the report's labels in the reader's
language; an empty report; tables; fonts embedded. No database: reports built in memory."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from peerassist.assists.models import PeerAssist
from peerassist.reports import quarterly as reports
from peerassist.reports import typeset
from peerassist.reports.typeset.data import report_json
from peerassist.reports.typeset.tree import markdown_blocks
from peerassist.writeups.exports.document import ExportDocument

#: Typst's markup and code syntax, and a JSON/typst string breaker: all must print as text.
HOSTILE = '#import "@preview/evil:0.1.0": * ] $x^2$ #panic("ran") *not bold* \\ "quoted"'
BODY_HOSTILE = '#panic("body ran") ] $1 + 1$ #import "x.typ" @label <ref> // not a comment'


def _doc(title: str, body: str, organisation: str = "Meridian Water") -> ExportDocument:
    return ExportDocument(
        title=title,
        organisation=organisation,
        session_date=dt.date(2026, 8, 3),
        status="Published 4 Aug 2026",
        kicker="Peer Assist write-up",
        body_markdown=body,
        version=1,
        slug="x",
    )


def _report(docs: list[ExportDocument], organisation: str = "Meridian Water") -> reports.Report:
    entries = [
        reports.ReportEntry(
            assist=PeerAssist(pk=i + 1, title=doc.title, held_on=dt.date(2026, 8, 3)),
            document=doc,
        )
        for i, doc in enumerate(docs)
    ]
    return reports.Report(
        organisation=organisation,
        quarter=reports.Quarter(2026, 3),
        scope=reports.Scope(kind="organisation", name=organisation),
        figures=reports.Figures(len(docs), 4, 2, 3, 1, 0, 1, 1),
        entries=entries,
        generated_on=dt.date(2026, 10, 1),
    )


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def test_hostile_titles_and_bodies_print_as_written_and_never_run():
    body = (
        f"## Heading {BODY_HOSTILE}\n\n{BODY_HOSTILE}\n\n"
        f"- item {BODY_HOSTILE}\n\n> quoted {BODY_HOSTILE}\n\n"
        "```\n#let x = 1\n#x ]\n```\n\n"
        '| A | B |\n|---|---|\n| `#eval("1")` | ] [ |\n'
    )
    pdf = reports.report_pdf(_report([_doc(HOSTILE, body)], organisation=HOSTILE))
    _reader, text = _text(pdf)
    assert HOSTILE in text
    for where in ("Heading ", "", "item ", "quoted "):
        assert f"{where}{BODY_HOSTILE}" in text
    assert "#let x = 1 #x ]" in text
    assert '#eval("1")' in text and "] [" in text
    assert "ran" not in text.replace('#panic("ran")', "").replace('#panic("body ran")', "")


def test_user_text_never_becomes_template_source():
    """The template is a fixed file; the data travels as one JSON string."""
    data = report_json(_report([_doc(HOSTILE, BODY_HOSTILE)]), fonts={"sans": [], "mono": []})
    assert json.loads(data)["title"] == "Peer Assist report 2026 Q3"
    assert HOSTILE not in typeset.TEMPLATE.read_text(encoding="utf-8")
    assert "eval(" not in typeset.TEMPLATE.read_text(encoding="utf-8").replace("// ", "")


def test_characters_typst_cannot_receive_are_left_out():
    doc = _doc("Bell\x07 and \ud800surrogate", "Tab\tand NUL\x00 here")
    _reader, text = _text(reports.report_pdf(_report([doc])))
    assert "Bell and surrogate" in text
    assert "NUL" in text and "here" in text  # markdown-it makes NUL a U+FFFD


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Rapport de synthèse".upper(), "En chiffres", "Page 1 sur 2", "Période"]),
        ("es", ["Informe del hub".upper(), "En cifras", "Página 1 de 2"]),
    ],
)
def test_the_labels_are_in_the_readers_language(language, expected):
    with translation.override(language):
        pdf = reports.report_pdf(_report([_doc("Bombas", "Texto.")]))
    _reader, text = _text(pdf)
    for wanted in expected:
        assert wanted in text


def test_an_empty_report_is_one_page_saying_so():
    pdf = reports.report_pdf(_report([]))
    reader, text = _text(pdf)
    assert len(reader.pages) == 1
    assert "In figures" in text and "Page 1 of 1" in text
    assert "No Peer Assist was held in this quarter and scope." in text


def test_each_writeup_starts_a_page_with_its_title_and_a_table_in_its_body():
    body = (
        "## Actions\n\n| Action | Owner | Due |\n|---|---|--:|\n"
        "| Agree the **logger** spacing | Ana Ruiz | 2026-12-11 |\n| Read the loggers | Noor |\n"
    )
    pdf = reports.report_pdf(_report([_doc("Loggers", body), _doc("Pumps", "Text.")]))
    reader, text = _text(pdf)
    assert len(reader.pages) == 3
    assert "Loggers" in reader.pages[1].extract_text()
    assert "Pumps" in reader.pages[2].extract_text()
    for cell in ("Action", "Owner", "Agree the logger spacing", "Ana Ruiz", "2026-12-11", "Noor"):
        assert cell in text
    assert "Page 3 of 3" in text
    # The running header: the organisation and the kicker of the write-up on the page.
    assert "Meridian Water" in reader.pages[1].extract_text()
    assert "Peer Assist write-up" in reader.pages[2].extract_text()
    assert "Peer Assist write-up" not in reader.pages[0].extract_text()


def test_every_font_is_embedded():
    pdf = reports.report_pdf(_report([_doc("Fonts", "**Bold**, *em*, `code` and ★.")]))
    reader = PdfReader(io.BytesIO(pdf))
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.append(str(font["/BaseFont"]))
            if font["/Subtype"] == "/Type3":
                continue  # drawn glyphs: in the file by construction
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font["/BaseFont"]
    assert any("DejaVuSans" in name or "LiberationSans" in name for name in names), names


def test_the_compiler_is_made_once_per_process():
    reports.report_pdf(_report([]))
    first = typeset._compiler()
    reports.report_pdf(_report([_doc("Again", "Text.")]))
    assert typeset._compiler() is first


# --- The body as a block tree ------------------------------------------------------------


def test_the_tree_holds_blocks_and_runs():
    blocks = markdown_blocks(
        "## Who\n\nSome **bold** and *em* and `code` and ~~gone~~ and "
        "[a link](https://example.org) and [bad](javascript:alert(1)).  \nNext line.\n\n"
        "3. three\n4. four\n\n- a\n  - nested\n\n> quote\n\n---\n\n    indented code\n"
    )
    kinds = [b["t"] for b in blocks]
    assert kinds == ["h", "p", "ol", "ul", "quote", "hr", "code"]
    assert blocks[0] == {"t": "h", "level": 2, "c": [{"v": "Who"}]}
    runs = blocks[1]["c"]
    assert {"v": "bold", "b": 1} in runs and {"v": "em", "i": 1} in runs
    assert {"v": "code", "code": 1} in runs and {"v": "gone", "s": 1} in runs
    assert {"v": "a link", "href": "https://example.org"} in runs
    assert not any("javascript" in str(run.get("href", "")) for run in runs)
    assert {"br": 1} in runs
    assert blocks[2]["start"] == 3 and len(blocks[2]["items"]) == 2
    nested = blocks[3]["items"][0]
    assert [b["t"] for b in nested] == ["p", "ul"]
    assert blocks[6]["text"] == "indented code"


def test_the_response_and_the_actions_are_one_keep_block():
    blocks = markdown_blocks(
        "## Who\n\nA.\n\n## Our response\n\nB.\n\n"
        "## Actions\n\n| A |\n|---|\n| x |\n\n## After\n\nC."
    )
    assert [b["t"] for b in blocks] == ["h", "p", "keep", "h", "p"]
    keep = blocks[2]["blocks"]
    assert [b["t"] for b in keep] == ["h", "p", "h", "table"]
    assert keep[3]["widths"] == ["fr"]


def test_a_ragged_table_is_squared_and_its_longest_column_takes_the_width():
    (table,) = markdown_blocks("| Short | Much longer header |\n|:-:|---|\n| a |\n")
    assert table["rows"] == [[[{"v": "a"}], []]]
    assert table["align"] == ["center", None]
    assert table["widths"] == ["auto", "fr"]


def test_the_warm_up_makes_a_report_in_the_background_and_can_be_turned_off(settings, caplog):
    settings.PDF_WARM_UP = False
    assert typeset.typeset_warm_up_in_background() is None
    settings.PDF_WARM_UP = True
    with caplog.at_level("INFO", logger="peerassist.reports.typeset"):
        thread = typeset.typeset_warm_up_in_background()
        assert thread is not None
        thread.join(timeout=120)
    assert not thread.is_alive()
    assert "Quarterly report PDF (typst) warmed up in" in caplog.text, caplog.text


def test_a_word_too_long_for_a_line_wraps_and_copies_as_written():
    word = "https://example.org/" + "a1b2c3" * 40
    pdf = reports.report_pdf(_report([_doc("Long", f"See {word} and | in a cell.")]))
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[1].extract_text()
    assert word in re.sub(r"\s+", "", text), "broken into lines, not into other characters"
    assert len([line for line in text.splitlines() if "a1b2c3" in line]) >= 2, "it wraps"
