"""Exports of one write-up: what each format holds, who may download it, and the CLI."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from markdown_it import MarkdownIt
from pypdf import PdfReader

from peerassist.assists.models import Visibility
from peerassist.writeups.exports import writeup_export
from peerassist.writeups.exports.pdf import NoFetching, html_to_pdf
from tests.conftest import make_persona
from tests.reports_support import ACTIONS, make_assist, make_writeup

pytestmark = pytest.mark.django_db

TITLE = "Fewer missed smart-meter appointments"
ACTION_TITLES = [title for title, _owner, _due in ACTIONS]


@pytest.fixture
def writeup(org, directory):
    people = directory["people"]
    assist = make_assist(org, home=[people["ana"], people["bo"]], visiting=[people["chloe"]])
    return make_writeup(assist)


def _pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


# --- What each format holds -----------------------------------------------------------------


def test_pdf_has_the_title_block_every_action_and_at_most_two_pages(writeup):
    started = time.perf_counter()
    exported = writeup_export(writeup=writeup, fmt="pdf")
    elapsed = time.perf_counter() - started

    assert exported.content_type == "application/pdf"
    assert exported.filename == "fewer-missed-smart-meter-appointments-writeup.pdf"
    reader, text = _pdf_text(exported.content)
    assert len(reader.pages) <= 2
    for expected in [
        TITLE,
        "Peer Assist write-up",
        "Meridian Test",
        "14 Jul 2026",
        *ACTION_TITLES,
    ]:
        assert expected in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert text.count(TITLE) >= 2, "the title is also in the running footer"
    assert elapsed < 10


def test_pdf_embeds_its_fonts(writeup):
    reader = PdfReader(io.BytesIO(writeup_export(writeup=writeup, fmt="pdf").content))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts.append((str(font["/BaseFont"]), "/FontFile2" in descriptor))
    assert fonts
    assert all(embedded for _name, embedded in fonts), fonts


def test_pdf_fetches_no_external_resource():
    with pytest.raises(ValueError, match="not loaded"):
        NoFetching().fetch("https://example.com/tracker.png")
    # An image pointing outside is left out rather than fetched; the PDF is still made.
    html = '<p>Hello</p><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">'
    assert html_to_pdf(html).startswith(b"%PDF")


def test_pdf_in_french_has_its_page_footer_in_french(writeup):
    """The stylesheet is parsed once per language, not once per process: the footer follows
    the reader's language from one PDF to the next."""
    from django.utils import translation

    with translation.override("fr"):
        _reader, french = _pdf_text(writeup_export(writeup=writeup, fmt="pdf").content)
    _reader, english = _pdf_text(writeup_export(writeup=writeup, fmt="pdf").content)
    assert "Page 1 sur" in french, french[-200:]
    assert "Page 1 of" in english and "Page 1 of" not in french


def test_paged_html_leaves_its_styles_to_the_cached_stylesheet_and_the_html_export_keeps_them(
    writeup,
):
    from peerassist.writeups.exports.document import export_document
    from peerassist.writeups.exports.html import document_css, writeup_html
    from peerassist.writeups.exports.pdf import paged_stylesheets

    doc = export_document(writeup)
    assert "<style>" not in writeup_html(doc, paged=True)
    standalone = writeup_html(doc)
    assert "<style>" in standalone and ".title-block" in standalone and "@page" not in standalone
    assert "@page" in document_css(paged=True)
    assert paged_stylesheets()[0] is paged_stylesheets()[0], "parsed once"


def test_the_warm_up_makes_a_pdf_in_the_background_and_can_be_turned_off(settings, caplog):
    from peerassist.writeups.exports import pdf_warm_up_in_background

    settings.PDF_WARM_UP = False
    assert pdf_warm_up_in_background() is None
    settings.PDF_WARM_UP = True
    with caplog.at_level("INFO", logger="peerassist.writeups.exports"):
        thread = pdf_warm_up_in_background()
        assert thread is not None
        thread.join(timeout=120)
    assert not thread.is_alive()
    assert "PDF export warmed up in" in caplog.text, caplog.text


def test_docx_opens_with_the_title_headings_and_the_actions_table(writeup):
    exported = writeup_export(writeup=writeup, fmt="docx")
    assert exported.content_type.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(exported.content))

    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", TITLE) in paragraphs
    assert ("Heading 1", "Actions") in paragraphs
    assert ("Heading 2", "What should we stop doing that we think helps but does not?") in [
        (s, t) for s, t in paragraphs
    ]
    assert any(s == "List Number" for s, _t in paragraphs)
    assert any(s == "List Bullet" and t.startswith("Home team: Ana Ruiz") for s, t in paragraphs)
    bold_runs = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "What we learned:" in bold_runs

    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Action", "Owner", "Due", "Status"]
    assert [row.cells[0].text for row in table.rows[1:]] == ACTION_TITLES
    assert document.core_properties.title == TITLE

    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert document.sections[0].header.paragraphs[0].text == "Meridian Test"


def test_a_control_character_in_the_text_does_not_break_the_word_export(writeup):
    """Word (XML) cannot hold most control characters; a body or title pasted with one
    still exports, without them (it was a 500, found by schemathesis)."""
    writeup.body = "# What we learned\n\nCheck the\x0b meter\x0c first.\n"
    writeup.save()
    assist = writeup.assist
    assist.title = "Smart\x1bmeters"
    assist.save()
    document = Document(io.BytesIO(writeup_export(writeup=writeup, fmt="docx").content))
    texts = [p.text for p in document.paragraphs]
    assert "Check the meter first." in texts
    assert "Smartmeters" in texts


def test_markdown_round_trips_through_a_markdown_parser(writeup):
    exported = writeup_export(writeup=writeup, fmt="md")
    assert exported.content_type.startswith("text/markdown")
    text = exported.content.decode()
    assert text.startswith(f"# {TITLE}\n")
    assert text.count(f"# {TITLE}") == 1, "the body's own title line is not repeated"

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == TITLE
    assert {"Purpose and context", "Our response", "Actions"} <= set(headings)
    cells = [t.content for t in tokens if t.type == "inline"]
    for title in ACTION_TITLES:
        assert title in cells
    # And back: the parsed body renders the same table as the original.
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<tr>") == len(ACTIONS) + 1


def test_html_is_standalone_with_no_external_url(writeup):
    html = writeup_export(writeup=writeup, fmt="html").content.decode()
    assert html.startswith("<!doctype html>")
    assert "<style>" in html and "<h1>" + TITLE + "</h1>" in html
    for title in ACTION_TITLES:
        assert title in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)
    assert "<script" not in html and "<link" not in html


def test_a_link_in_the_body_stays_a_link_but_nothing_is_loaded(org):
    assist = make_assist(org)
    body = "## Sources\n\nSee [the pilot](https://intranet.example/pilot).\n\n![x](https://t.example/p.gif)\n"
    html = writeup_export(writeup=make_writeup(assist, body=body), fmt="html").content.decode()
    assert 'href="https://intranet.example/pilot"' in html
    assert "<img" not in html


# --- Who may download -------------------------------------------------------------------------


def _url(assist_id: int, fmt: str) -> str:
    return f"/reports/assists/{assist_id}/writeup.{fmt}"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md", "html"])
def test_a_member_downloads_every_format_as_an_attachment(member, writeup, fmt):
    response = member.client().get(_url(writeup.assist_id, fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="fewer-missed-smart-meter-appointments-writeup.{fmt}"'
    )
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", 404),
        ("organiser", 200),
        ("home_peer", 200),
        ("guest", 404),
        ("other_org_member", 404),
        ("outsider", 404),
    ],
)
def test_a_participants_only_writeup_is_404_to_those_who_may_not_read_it(
    request, org, directory, who, expected
):
    home = make_persona(org, "member", "home@meridian.test")
    assist = make_assist(org, visibility=Visibility.PARTICIPANTS, home=[home.person])
    make_writeup(assist)
    persona = home if who == "home_peer" else request.getfixturevalue(who)
    assert persona.client().get(_url(assist.pk, "pdf")).status_code == expected


def test_an_unknown_format_or_a_missing_writeup_is_404(member, org, writeup):
    assert member.client().get(_url(writeup.assist_id, "exe")).status_code == 404
    bare = make_assist(org, title="Not written up")
    assert member.client().get(_url(bare.pk, "pdf")).status_code == 404


def test_the_api_returns_the_file_with_its_type(member, writeup, other_org_member):
    url = f"/api/v1/assists/{writeup.assist_id}/writeup/export"
    response = member.client().get(url, {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment;" in response["Content-Disposition"]
    assert Document(io.BytesIO(response.content)).paragraphs

    markdown = member.client().get(url, {"format": "md"})
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    assert markdown.content.decode().startswith(f"# {TITLE}")

    assert member.client().get(url, {"format": "exe"}).status_code == 422
    assert other_org_member.client().get(url).status_code == 404


# --- The command line -------------------------------------------------------------------------


def test_cli_writes_the_file(writeup, tmp_path):
    target = tmp_path / "out.docx"
    out = io.StringIO()
    call_command(
        "export", str(writeup.assist_id), "--format", "docx", "--output", str(target), stdout=out
    )
    assert Document(str(target)).tables
    assert f"Wrote {target}" in out.getvalue()


def test_cli_explains_an_unknown_assist_and_a_missing_writeup(org):
    with pytest.raises(CommandError, match="There is no Peer Assist 999999"):
        call_command("export", "999999")
    bare = make_assist(org, title="Roll out the new CRM")
    with pytest.raises(CommandError, match=r"'Roll out the new CRM'\) has no write-up yet"):
        call_command("export", str(bare.pk), "--format", "md")


def test_cli_as_a_person_sees_only_what_they_may_read(org, member, tmp_path):
    assist = make_assist(org, visibility=Visibility.PARTICIPANTS)
    make_writeup(assist)
    with pytest.raises(CommandError, match="may not read a write-up"):
        call_command(
            "export", str(assist.pk), "--as", member.user.email, "--output", str(tmp_path / "x")
        )
