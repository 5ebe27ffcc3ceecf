"""DOCX with python-docx: the title block, then the Markdown body walked token by token.

markdown-it gives a flat token stream (`heading_open`, `inline`, `bullet_list_open`,
`td_open` ...); we keep a small amount of state (list nesting, the table being built, the
current paragraph) and turn each block into the matching Word construct, so that the
document has real headings (a navigation pane), real lists and real tables that people can
keep editing. Page numbers are Word fields (PAGE, NUMPAGES) written as raw OXML, which
python-docx has no API for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from peerassist.writeups.exports.document import ExportDocument
from peerassist.writeups.markdown import _parser

FONT = "Liberation Sans"
MONO = "Liberation Mono"
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x5A, 0x64, 0x73)


@dataclass
class _Table:
    rows: list[list[list[Token]]] = field(default_factory=list)
    header_rows: int = 0
    in_head: bool = False


@dataclass
class _Walker:
    """Turns one markdown-it token stream into paragraphs and tables of a document."""

    document: DocxDocument
    lists: list[str] = field(default_factory=list)  # "bullet" | "ordered", innermost last
    item_started: list[bool] = field(default_factory=list)
    quote_depth: int = 0
    heading_level: int | None = None
    table: _Table = field(default_factory=_Table)
    in_table: bool = False

    def render(self, tokens: list[Token]) -> None:
        for token in tokens:
            handler = getattr(self, f"_on_{token.type}", None)
            if handler is not None:
                handler(token)

    # Blocks ------------------------------------------------------------------------------

    def _on_heading_open(self, token: Token) -> None:
        # The title block is the document's level 0; the body's ## sections are level 1.
        self.heading_level = max(1, int(token.tag[1]) - 1)

    def _on_heading_close(self, token: Token) -> None:
        self.heading_level = None

    def _on_bullet_list_open(self, token: Token) -> None:
        self.lists.append("bullet")

    def _on_ordered_list_open(self, token: Token) -> None:
        self.lists.append("ordered")

    def _on_bullet_list_close(self, token: Token) -> None:
        self.lists.pop()

    _on_ordered_list_close = _on_bullet_list_close

    def _on_list_item_open(self, token: Token) -> None:
        self.item_started.append(False)

    def _on_list_item_close(self, token: Token) -> None:
        self.item_started.pop()

    def _on_blockquote_open(self, token: Token) -> None:
        self.quote_depth += 1

    def _on_blockquote_close(self, token: Token) -> None:
        self.quote_depth -= 1

    def _on_hr(self, token: Token) -> None:
        _bottom_border(self.document.add_paragraph(), color="C9D2DE")

    def _on_fence(self, token: Token) -> None:
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(token.content.rstrip("\n"))
        run.font.name = MONO
        run.font.size = Pt(8.5)

    _on_code_block = _on_fence

    def _on_inline(self, token: Token) -> None:
        if self.in_table:
            self.table.rows[-1][-1].extend(token.children or [])
            return
        add_runs(self._paragraph(), token.children or [])

    def _paragraph(self) -> Paragraph:
        """A new paragraph in the style the current block calls for."""
        if self.heading_level is not None:
            # python-docx leaves add_heading's return unannotated: it is the new paragraph.
            heading: Paragraph = self.document.add_heading(level=min(self.heading_level, 9))
            return heading
        if self.lists:
            depth = len(self.lists)
            if self.item_started[-1]:
                paragraph = self.document.add_paragraph(style="Normal")
                paragraph.paragraph_format.left_indent = Mm(6.35 * depth)
                return paragraph
            self.item_started[-1] = True
            base = "List Bullet" if self.lists[-1] == "bullet" else "List Number"
            return self.document.add_paragraph(
                style=base if depth == 1 else f"{base} {min(depth, 3)}"
            )
        if self.quote_depth:
            return self.document.add_paragraph(style="Quote")
        return self.document.add_paragraph()

    # Tables ------------------------------------------------------------------------------

    def _on_table_open(self, token: Token) -> None:
        self.table = _Table()
        self.in_table = True

    def _on_thead_open(self, token: Token) -> None:
        self.table.in_head = True

    def _on_thead_close(self, token: Token) -> None:
        self.table.in_head = False

    def _on_tr_open(self, token: Token) -> None:
        self.table.rows.append([])
        if self.table.in_head:
            self.table.header_rows += 1

    def _on_th_open(self, token: Token) -> None:
        self.table.rows[-1].append([])

    _on_td_open = _on_th_open

    def _on_table_close(self, token: Token) -> None:
        write_table(self.document, self.table)
        self.in_table = False


def write_table(document: DocxDocument, table: _Table) -> None:
    """A Word table with a shaded, repeating header row."""
    columns = max((len(row) for row in table.rows), default=0)
    if not columns:
        return
    grid = document.add_table(rows=len(table.rows), cols=columns)
    grid.style = "Table Grid"
    for r, row in enumerate(table.rows):
        header = r < table.header_rows
        if header:
            _repeat_header(grid.rows[r])
        for c in range(columns):
            cell = grid.cell(r, c)
            paragraph = cell.paragraphs[0]
            add_runs(paragraph, row[c] if c < len(row) else [], bold=header)
            for run in paragraph.runs:
                run.font.size = Pt(9)
                if header:
                    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            if header:
                _shade(cell, "1F4E79")
    document.add_paragraph()


def add_runs(paragraph: Paragraph, children: list[Token], *, bold: bool = False) -> None:
    """The inline tokens (text, emphasis, code, links, breaks) as runs of one paragraph."""
    strong = em = strike = link = False
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "image"):
            text = child.content if kind != "image" else (child.content or _("[image]"))
            run = paragraph.add_run(text)
            run.bold = bold or strong or None
            run.italic = em or None
            run.font.strike = strike or None
            if kind == "code_inline":
                run.font.name = MONO
            if link:
                run.font.underline = True
                run.font.color.rgb = ACCENT
        elif kind == "softbreak":
            paragraph.add_run(" ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind in ("strong_open", "strong_close"):
            strong = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            em = kind == "em_open"
        elif kind in ("s_open", "s_close"):
            strike = kind == "s_open"
        elif kind in ("link_open", "link_close"):
            link = kind == "link_open"


# Raw OXML: what python-docx has no API for ----------------------------------------------


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, placeholder, end):
        run._r.append(element)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _bottom_border(paragraph: Paragraph, *, color: str, size: int = 6) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


# The document ----------------------------------------------------------------------------


def new_document(*, title: str, organisation: str, subject: str) -> DocxDocument:
    """An A4 document in the house styles with the running header and "Page N of M"."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.left_margin = section.right_margin = Mm(18)

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(5)
    for name, size in (("Title", 20), ("Heading 1", 13), ("Heading 2", 11), ("Heading 3", 10)):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT if name != "Title" else RGBColor(0x1D, 0x24, 0x30)

    properties = document.core_properties
    properties.title, properties.subject, properties.author = title, subject, organisation

    header = section.header.paragraphs[0]
    header.text = organisation
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Translators: the page footer of a document, e.g. "Page 2 of 3".
    before, _sep, rest = _("Page %(page)s of %(pages)s").partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    footer.add_run(before)
    _field(footer, "PAGE")
    footer.add_run(middle)
    _field(footer, "NUMPAGES")
    footer.add_run(after)
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED
    return document


def add_title_block(document: DocxDocument, doc: ExportDocument, *, level: int = 0) -> None:
    """Kicker, title and the organisation · date · status line, ruled off below."""
    kicker = document.add_paragraph()
    run = kicker.add_run(doc.kicker.upper())
    run.bold = True
    run.font.size = Pt(8.5)
    run.font.color.rgb = ACCENT
    kicker.paragraph_format.space_after = Pt(0)
    document.add_heading(doc.title, level=level)
    meta = document.add_paragraph()
    for label, value in (
        (_("Organisation"), doc.organisation),
        (_("Session"), doc.session_date_label),
        (_("Status"), doc.status),
    ):
        if meta.runs:
            meta.add_run("    ")
        meta.add_run(f"{label}: ").font.color.rgb = MUTED
        meta.add_run(value).bold = True
    for run in meta.runs:
        run.font.size = Pt(8.5)
    _bottom_border(meta, color="1F4E79", size=18)


def add_page_break(document: DocxDocument) -> None:
    """What python-docx's `Document.add_page_break` does (that one has no type hints)."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def add_markdown(document: DocxDocument, markdown: str) -> None:
    """Append Markdown (CommonMark with tables) as Word paragraphs, lists and tables."""
    _Walker(document).render(_parser().parse(markdown))


def to_bytes(document: DocxDocument) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


#: What XML 1.0 (and so Word) cannot hold: control characters but tab and line breaks,
#: lone surrogates, U+FFFE and U+FFFF. A text pasted with one must not make the export fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(doc: ExportDocument) -> ExportDocument:
    """The document with every character Word cannot hold left out of its texts."""
    texts: dict[str, Any] = {
        f.name: _NOT_XML.sub("", getattr(doc, f.name))
        for f in fields(doc)
        if isinstance(getattr(doc, f.name), str)
    }
    return replace(doc, **texts)


def writeup_docx(doc: ExportDocument) -> bytes:
    """The write-up as a Word document."""
    doc = xml_safe(doc)
    document = new_document(title=doc.title, organisation=doc.organisation, subject=doc.kicker)
    add_title_block(document, doc)
    add_markdown(document, doc.body_markdown)
    return to_bytes(document)
