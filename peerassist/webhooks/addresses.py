"""Where a webhook may send: public addresses only, unless the operator allows more.

A webhook URL is checked when it is saved and again at every delivery: its host is
resolved (numeric forms such as 2130706433, 0x7f000001, 127.1 or [::ffff:127.0.0.1]
resolve like any name), every address must be public, and the delivery then connects to
the address that was checked, so a name cannot resolve to something else in between.
WEBHOOK_ALLOWED_HOSTS (host names) and WEBHOOK_ALLOWED_NETWORKS (CIDR ranges) open the
way to internal receivers.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address deliveries may not go to."""


def _public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None and not _public(embedded):
            return False
    return address.is_global and not address.is_multicast


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(value, strict=False)
        for value in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", [])
    ]


def host_allowed(host: str) -> bool:
    """Whether the operator lists this host name as a receiver on any address."""
    listed = {h.lower().strip("[]") for h in getattr(settings, "WEBHOOK_ALLOWED_HOSTS", [])}
    return host.lower().strip("[]") in listed


def address_allowed(address: IPAddress) -> bool:
    """A public address, or one in WEBHOOK_ALLOWED_NETWORKS."""
    return _public(address) or any(address in net for net in _allowed_networks())


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (raises OSError when it does not resolve)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if not parts.hostname:
        raise AddressRefused(url)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def delivery_addresses(url: str) -> list[IPAddress] | None:
    """The checked addresses to connect to for `url`, in order; None for an allow-listed
    host (connect by name). Raises AddressRefused when any address is not allowed, OSError
    when the name does not resolve."""
    host, port = _host_port(url)
    if host_allowed(host):
        return None
    addresses = resolve(host, port)
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise AddressRefused(host)
    return addresses


def validate_public_url(url: str) -> None:
    """Refuse a URL whose host is, or resolves to, a private, loopback, link-local, multicast
    or reserved address (a name that does not resolve yet is checked again at delivery)."""
    try:
        delivery_addresses(url)
    except AddressRefused:
        raise ValidationError(
            _(
                "This address points into a private network (loopback, link-local, private, "
                "multicast or reserved addresses). Webhooks can only be sent to public "
                "addresses; your operator can allow internal receivers."
            ),
            code="private_address",
        ) from None
    except (OSError, UnicodeError, ValueError):
        return
