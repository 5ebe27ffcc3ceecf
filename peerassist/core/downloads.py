"""One way to answer with a file, for pages and the API alike."""

from __future__ import annotations

from django.http import HttpResponse


def file_response(name: str, content_type: str, content: bytes = b"") -> HttpResponse:
    """A download: the right type, `attachment` with the file name, never cached by proxies
    (write-ups, reports and the audit log are not for shared caches). Write into the response
    to stream rows after it is made."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
