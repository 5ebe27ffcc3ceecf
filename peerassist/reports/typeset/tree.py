"""A write-up's Markdown body as a small tree of blocks and inline runs, as JSON data.

typst lays the tree out with its own functions (report.typ): the text the home team wrote
reaches typst as strings inside a JSON document, never as typst markup, so a body holding
`#import`, `*`, `]` or `$` prints those characters and cannot run as typst code.

Blocks (each a dict with "t"): "p" and "h" (with "level") hold runs in "c"; "ul" and "ol"
(with "start") hold "items", each a list of blocks; "quote" and "keep" hold "blocks";
"code" holds "text"; "hr"; "table" holds "head" and "rows" (lists of cells, each a list of
runs), "align" and "widths" per column. A run is {"v": text} with the flags "b" (strong),
"i" (emphasis), "s" (struck), "code" and "href" (a link); {"br": 1} is a line break.

The token walk is the DOCX export's (writeups/exports/docx.py), on the same parser.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from markdown_it.token import Token

from peerassist.writeups.markdown import _parser

Block = dict[str, Any]
Run = dict[str, Any]

#: Characters no PDF text can hold (control characters but tab and line breaks) and lone
#: surrogates, which cannot cross into typst (a Rust string): left out, not an error.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: The link schemes the HTML export keeps (writeups/markdown.py); others print as text.
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


def clean(text: str) -> str:
    """`text` without the characters typst cannot receive."""
    return _UNSAFE.sub("", text or "")


def inline_runs(children: list[Token]) -> list[Run]:
    """markdown-it's inline tokens as runs; neighbours with the same marks are merged."""
    runs: list[Run] = []
    marks: dict[str, Any] = {}
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "image", "softbreak"):
            if kind == "image":
                text = child.content or _("[image]")
            elif kind == "softbreak":
                text = " "
            else:
                text = child.content
            flags = {**marks, "code": 1} if kind == "code_inline" else dict(marks)
            last = runs[-1] if runs else None
            if (
                last is not None
                and "v" in last
                and {k: v for k, v in last.items() if k != "v"} == flags
            ):
                last["v"] += clean(text)
            else:
                runs.append({"v": clean(text), **flags})
        elif kind == "hardbreak":
            runs.append({"br": 1})
        elif kind in ("strong_open", "em_open", "s_open"):
            marks[{"strong_open": "b", "em_open": "i", "s_open": "s"}[kind]] = 1
        elif kind in ("strong_close", "em_close", "s_close"):
            marks.pop({"strong_close": "b", "em_close": "i", "s_close": "s"}[kind], None)
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            if href.lower().startswith(_LINK_SCHEMES):
                marks["href"] = clean(href)
        elif kind == "link_close":
            marks.pop("href", None)
    return [run for run in runs if run.get("v") != ""]


def plain_text(runs: list[Run]) -> str:
    return "".join(run.get("v", "") for run in runs).strip()


class _Builder:
    """Turns one markdown-it token stream into the block tree."""

    def __init__(self) -> None:
        self.root: list[Block] = []
        self.stack: list[list[Block]] = [self.root]  # where the next block goes
        self.lists: list[Block] = []
        self.heading: int | None = None
        self.table: Block = {}  # the table being read, while in_table
        self.in_table = False
        self.in_head = False

    def build(self, tokens: list[Token]) -> list[Block]:
        for token in tokens:
            handler = getattr(self, f"_on_{token.type}", None)
            if handler is not None:
                handler(token)
        return self.root

    def _add(self, block: Block) -> None:
        self.stack[-1].append(block)

    def _on_heading_open(self, token: Token) -> None:
        # The write-up's title is level 1 in the report; its body's sections sit below it.
        self.heading = max(2, int(token.tag[1]))

    def _on_heading_close(self, token: Token) -> None:
        self.heading = None

    def _on_inline(self, token: Token) -> None:
        runs = inline_runs(token.children or [])
        if self.in_table:
            row = self.table["head" if self.in_head else "rows"][-1]
            row[-1].extend(runs)
        elif self.heading is not None:
            self._add({"t": "h", "level": self.heading, "c": runs})
        else:
            self._add({"t": "p", "c": runs})

    def _on_bullet_list_open(self, token: Token) -> None:
        self._open_list({"t": "ul", "items": []})

    def _on_ordered_list_open(self, token: Token) -> None:
        start = token.attrGet("start")
        self._open_list({"t": "ol", "start": int(start) if start is not None else 1, "items": []})

    def _open_list(self, block: Block) -> None:
        self._add(block)
        self.lists.append(block)

    def _on_bullet_list_close(self, token: Token) -> None:
        self.lists.pop()

    _on_ordered_list_close = _on_bullet_list_close

    def _on_list_item_open(self, token: Token) -> None:
        item: list[Block] = []
        self.lists[-1]["items"].append(item)
        self.stack.append(item)

    def _on_list_item_close(self, token: Token) -> None:
        self.stack.pop()

    def _on_blockquote_open(self, token: Token) -> None:
        quote: Block = {"t": "quote", "blocks": []}
        self._add(quote)
        self.stack.append(quote["blocks"])

    def _on_blockquote_close(self, token: Token) -> None:
        self.stack.pop()

    def _on_fence(self, token: Token) -> None:
        self._add({"t": "code", "text": clean(token.content.rstrip("\n"))})

    _on_code_block = _on_fence

    def _on_hr(self, token: Token) -> None:
        self._add({"t": "hr"})

    def _on_table_open(self, token: Token) -> None:
        self.table = {"t": "table", "head": [], "rows": [], "align": []}
        self.in_table = True

    def _on_thead_open(self, token: Token) -> None:
        self.in_head = True

    def _on_thead_close(self, token: Token) -> None:
        self.in_head = False

    def _on_tr_open(self, token: Token) -> None:
        self.table["head" if self.in_head else "rows"].append([])

    def _on_th_open(self, token: Token) -> None:
        self.table["head" if self.in_head else "rows"][-1].append([])
        if self.in_head:
            match = _ALIGN.search(str(token.attrGet("style") or ""))
            self.table["align"].append(match[1] if match else None)

    _on_td_open = _on_th_open

    def _on_table_close(self, token: Token) -> None:
        self._add(_squared(self.table))
        self.in_table = False


def _squared(table: Block) -> Block:
    """Every row as wide as the widest; the column with the longest text takes the spare
    width (typst's `1fr`), the others as much as their text needs."""
    rows: list[list[list[Run]]] = table["head"] + table["rows"]
    columns = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([] for _i in range(columns - len(row)))
    table["align"] = (table["align"] + [None] * columns)[:columns]
    longest = [max((len(plain_text(row[c])) for row in rows), default=0) for c in range(columns)]
    widest = longest.index(max(longest)) if columns else -1
    table["widths"] = ["fr" if c == widest else "auto" for c in range(columns)]
    return table


def keep_closing_sections_together(blocks: list[Block], wanted: set[str]) -> list[Block]:
    """The response and the actions, headings included, as one "keep" block that the
    template keeps on one page when it fits (as the HTML export's `.keep-together`)."""
    sections = [i for i, b in enumerate(blocks) if b["t"] == "h" and b["level"] == 2]
    chosen = [i for i in sections if plain_text(blocks[i]["c"]) in wanted]
    if not chosen:
        return blocks
    start = chosen[0]
    after = [i for i in sections if i > chosen[-1]]
    end = after[0] if after else len(blocks)
    return [*blocks[:start], {"t": "keep", "blocks": blocks[start:end]}, *blocks[end:]]


def markdown_blocks(markdown: str) -> list[Block]:
    """The body (CommonMark with tables and strikethrough, raw HTML as text) as blocks."""
    blocks = _Builder().build(_parser().parse(markdown or ""))
    # The four-part's "Agreed actions" and the Mini's "Home peer response" are the same parts.
    wanted = {_("Our response"), _("Home peer response"), _("Actions"), _("Agreed actions")}
    return keep_closing_sections_together(blocks, wanted)
