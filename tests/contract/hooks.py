"""Schemathesis hooks for the API contract run (loaded through SCHEMATHESIS_HOOKS).

Webhook URLs and single sign-on issuers are resolved when saved (tests stay on loopback, so
no DNS lookup of the random names schemathesis makes): every generated `url` and
`issuer_url` gets 127.0.0.1 as its host and port 9 (discard), which the served app allows
through WEBHOOK_ALLOWED_NETWORKS and SSO_ALLOWED_NETWORKS.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import schemathesis

LOOPBACK = "127.0.0.1:9"


def _on_loopback(value: str) -> str:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return value
    if not host:
        return value
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return value
    except ValueError:
        pass
    return urlunsplit(parts._replace(netloc=LOOPBACK))


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    # map_case runs in every phase (map_body only where hypothesis draws the body).
    body = case.body
    if isinstance(body, dict):
        for key in ("url", "issuer_url"):
            if isinstance(body.get(key), str):
                body = {**body, key: _on_loopback(body[key])}
        case.body = body
    return case
