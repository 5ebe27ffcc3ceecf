"""The live room's Origin check: scheme, host AND port must match an allowed origin.

Channels' AllowedHostsOriginValidator compares host names only, so a page served from
another port of the same host (another app, possibly hostile) could open the room with
the visitor's cookies. An origin is allowed when it is the site's own — the origin of
SITE_URL, or the origin the request was made to (its Host header, when ALLOWED_HOSTS
accepts it, with the scheme the socket uses) — or is listed in CSRF_TRUSTED_ORIGINS or
WEBSOCKET_ALLOWED_ORIGINS.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin | None:
    """(scheme, host, port) of an origin or URL; None when it is not an http(s) origin."""
    try:
        parts = urlsplit(value.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port or _DEFAULT_PORTS[parts.scheme]


def configured_origins() -> set[Origin]:
    """The origins allowed by settings, whatever the request's Host."""
    listed = [
        settings.SITE_URL,
        *settings.CSRF_TRUSTED_ORIGINS,
        *getattr(settings, "WEBSOCKET_ALLOWED_ORIGINS", []),
    ]
    return {origin for origin in map(parse_origin, listed) if origin is not None}


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin1"))
    return None


def _allowed_hosts() -> list[str]:
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return hosts


def request_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin the socket was opened to: its Host header and the socket's scheme."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _port = split_domain_port(host.lower())
    if not domain or not validate_host(domain, _allowed_hosts()):
        return None
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, secure_value = proxy_header
        wanted = name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        if _header(scope, wanted) == secure_value:
            scheme = "https"
    return parse_origin(f"{scheme}://{host}")


def origin_allowed(scope: dict[str, Any]) -> bool:
    """Whether the socket's Origin header names an origin allowed to open the room."""
    raw = _header(scope, b"origin")
    origin = parse_origin(raw) if raw else None
    if origin is None:
        return False
    return origin == request_origin(scope) or origin in configured_origins()


class OriginValidator:
    """ASGI middleware: refuse the handshake (HTTP 403) from any other origin."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            logger.warning(
                "live room socket refused: origin %r is not allowed (host %r)",
                _header(scope, b"origin"),
                _header(scope, b"host"),
            )
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
