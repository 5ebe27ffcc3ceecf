"""The language a live room's socket speaks (its messages, reasons, the shipped formats'
step titles and prompts)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.utils import translation


def scope_language(scope: dict[str, Any]) -> str:
    """The language the pages choose: the person's saved language if their account has one,
    else the browser's language cookie, else its Accept-Language (from the handshake)."""
    saved = getattr(scope.get("user"), "language", "")
    if saved:
        try:
            return translation.get_supported_language_variant(saved)
        except LookupError:
            pass
    request = HttpRequest()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            request.COOKIES = parse_cookie(value.decode("latin1"))
        elif name == b"accept-language":
            request.META["HTTP_ACCEPT_LANGUAGE"] = value.decode("latin1")
    return translation.get_language_from_request(request)
