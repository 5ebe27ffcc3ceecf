"""Standalone HTML: one file with its styles inside, no external URL, printable as it is."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from peerassist.writeups.exports.document import ExportDocument


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: every character outside plain letters is hex-escaped,
    so that a translation can never close the string or the <style> element."""
    escaped = "".join(
        ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def page_of_css() -> SafeString:
    """The CSS `content` value for "Page N of M" in the reader's language."""
    # Translators: the page footer of a PDF, e.g. "Page 2 of 3".
    label = _("Page %(page)s of %(pages)s")
    before, _sep, rest = label.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    parts = [css_string(before), "counter(page)", css_string(middle), "counter(pages)"]
    if after:
        parts.append(css_string(after))
    return mark_safe(" ".join(parts))  # noqa: S308 - built from escaped strings only


@lru_cache(maxsize=32)
def _document_css(language: str, paged: bool) -> str:
    context = {"page_of_css": page_of_css()}
    css = [render_to_string("writeups/export/writeup.css", context)]
    if paged:
        css.append(render_to_string("writeups/export/paged.css", context))
    return "\n".join(css)


def document_css(*, paged: bool) -> str:
    """The export's styles (and the page rules for print) in the current language.

    Made once per language: only "Page N of M" depends on it.
    """
    return _document_css(get_language() or "en", paged)


def render_template(template: str, context: dict[str, Any], *, paged: bool) -> str:
    """Render a document template with the shared styles, inline.

    `paged` (for the PDF and the length gauge): the page without its styles — the PDF
    applies the parsed stylesheet of `document_css(paged=True)`, cached per process, so
    WeasyPrint does not parse the same CSS again for every document.
    """
    return render_to_string(
        template,
        {
            **context,
            "paged": paged,
            "styles": "" if paged else mark_safe(document_css(paged=False)),  # noqa: S308 - our own template
            "language_code": get_language() or "en",
        },
    )


def writeup_html(doc: ExportDocument, *, paged: bool = False) -> str:
    """The write-up as a standalone HTML page (`paged` adds the PDF's page rules)."""
    return render_template("writeups/export/writeup.html", {"doc": doc}, paged=paged)
