"""Markdown export: a title block in Markdown, then the home team's body as written."""

from __future__ import annotations

from django.utils.translation import gettext as _

from peerassist.writeups.exports.document import ExportDocument

_MARKDOWN_SPECIALS = str.maketrans({ch: f"\\{ch}" for ch in "\\`*_[]#<>|"})


def escape(text: str) -> str:
    """Plain text that stays plain text in Markdown."""
    return text.translate(_MARKDOWN_SPECIALS)


def writeup_markdown(doc: ExportDocument) -> str:
    """The write-up as one Markdown file, readable as text and by any Markdown tool."""
    lines = [
        f"# {escape(doc.title)}",
        "",
        f"*{escape(doc.kicker)}*  ",
        f"**{_('Organisation')}:** {escape(doc.organisation)}  ",
        f"**{_('Session')}:** {escape(doc.session_date_label)}  ",
        f"**{_('Status')}:** {escape(doc.status)}",
        "",
        "---",
        "",
        doc.body_markdown.strip(),
        "",
    ]
    return "\n".join(lines)
