"""Exports of a write-up (PDF, DOCX, Markdown, HTML), shared by the page, the API and the CLI.

`writeup_for_export(viewer=, assist_id=)` finds a write-up the viewer may read;
`writeup_export(writeup=, fmt=)` turns it into an `ExportFile` (name, type, bytes);
`writeup_download(viewer=, assist_id=, fmt=, request=)` does both for a person downloading it
(page or API) and records the download in the audit log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from peerassist.audit.services import audit_record
from peerassist.core.scoping import Viewer
from peerassist.writeups.exports.document import ExportDocument, export_document
from peerassist.writeups.models import WriteUp
from peerassist.writeups.selectors import writeup_for_viewer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    content_type: str
    label: str
    render: Callable[[ExportDocument], bytes]


def _pdf(doc: ExportDocument) -> bytes:
    from peerassist.writeups.exports.pdf import writeup_pdf  # WeasyPrint loads slowly

    return writeup_pdf(doc)


def _docx(doc: ExportDocument) -> bytes:
    from peerassist.writeups.exports.docx import writeup_docx

    return writeup_docx(doc)


def _md(doc: ExportDocument) -> bytes:
    from peerassist.writeups.exports.markdown import writeup_markdown

    return writeup_markdown(doc).encode()


def _html(doc: ExportDocument) -> bytes:
    from peerassist.writeups.exports.html import writeup_html

    return writeup_html(doc).encode()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMATS: dict[str, ExportFormat] = {
    "pdf": ExportFormat("pdf", "application/pdf", "PDF", _pdf),
    "docx": ExportFormat("docx", DOCX_TYPE, "Word (DOCX)", _docx),
    "md": ExportFormat("md", "text/markdown; charset=utf-8", "Markdown", _md),
    "html": ExportFormat("html", "text/html; charset=utf-8", "HTML", _html),
}


class UnknownFormat(ValueError):
    pass


def export_format(name: str) -> ExportFormat:
    """The export format called `name`, or UnknownFormat naming the ones there are."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise UnknownFormat(
            _("Unknown format '%(name)s': choose one of %(formats)s.")
            % {"name": name, "formats": ", ".join(FORMATS)}
        ) from None


def writeup_for_export(*, viewer: Viewer, assist_id: int) -> WriteUp:
    """The write-up if the viewer may read it (whoever may read it may export it); raises
    WriteUp.DoesNotExist otherwise, also when the assist is not theirs to see (404)."""
    return writeup_for_viewer(viewer=viewer, assist_id=assist_id)


def writeup_export(*, writeup: WriteUp, fmt: str) -> ExportFile:
    """The write-up in one format, with a file name like `smart-meters-writeup.pdf`."""
    chosen = export_format(fmt)
    doc = export_document(writeup)
    return ExportFile(
        filename=f"{doc.slug}-writeup.{chosen.extension}",
        content_type=chosen.content_type,
        content=chosen.render(doc),
    )


def writeup_download(
    *, viewer: Viewer, assist_id: int, fmt: str, request: HttpRequest | None = None
) -> ExportFile:
    """A person downloads the write-up (from its page or the API): the file, and a line in the
    audit log. Raises WriteUp.DoesNotExist or UnknownFormat (both a 404 to the caller)."""
    writeup = writeup_for_export(viewer=viewer, assist_id=assist_id)
    exported = writeup_export(writeup=writeup, fmt=fmt)
    audit_record(
        kind="writeup_exported",
        organisations=viewer.organisation,
        actor=viewer.user,
        target=exported.filename,
        request=request,
    )
    return exported


def _pdf_warm_up() -> None:
    try:
        from peerassist.writeups.exports.pdf import pdf_warm_up

        seconds = pdf_warm_up()
    except Exception:  # a failed warm-up must not stop the server; the export will say why
        logger.exception("PDF warm-up failed")
        return
    logger.info("PDF export warmed up in %.1f s", seconds)


def pdf_warm_up_in_background() -> threading.Thread | None:
    """Pay the first PDF's costs (loading WeasyPrint and the fonts: seconds) in a background
    thread when the server starts, so the first person to export does not
    (`PDF_WARM_UP=false` turns it off). Returns the thread, if one was started."""
    if not settings.PDF_WARM_UP:
        return None
    thread = threading.Thread(target=_pdf_warm_up, name="pdf-warm-up", daemon=True)
    thread.start()
    return thread
