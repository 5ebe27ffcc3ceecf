"""Where the server may connect when a user gives it a URL: public addresses only, unless the
operator allows more.

Webhooks (their receivers) and single sign-on (an organisation's identity provider) both make
the server fetch a URL that a user typed, so both ask here first. A URL's host is resolved
(numeric forms such as 2130706433, 0x7f000001, 127.1, 0177.0.0.1 or [::ffff:127.0.0.1]
resolve like any name) and every address must be public: not private, loopback, link-local
(cloud metadata at 169.254.169.254 included), shared (carrier-grade NAT), multicast or
reserved, in IPv4 or IPv6, nor an IPv6 address wrapping such an IPv4 one (IPv4-mapped, 6to4,
Teredo). The caller then connects to the addresses that were checked, so a name cannot
resolve to something else in between (DNS rebinding).

Each caller has its own allowance: a list of host names and one of networks (CIDR ranges),
taken from its settings (WEBHOOK_ALLOWED_* and SSO_ALLOWED_*).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The well-known NAT64 prefix (RFC 6052): on a NAT64 network it reaches the IPv4 address in
#: its last 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address the server may not connect to."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address (an IPv6 address wrapping an IPv4 one counts as
    the IPv4 address it wraps)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is None and address in _NAT64:  # 64:ff9b::a.b.c.d reaches a.b.c.d
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


def networks(values: Iterable[str], setting: str = "") -> list[IPNetwork]:
    """CIDR ranges from a setting's values (ImproperlyConfigured naming a bad one)."""
    parsed: list[IPNetwork] = []
    for value in values:
        try:
            parsed.append(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{setting or 'allowed networks'}: {value!r} is not a network such as 10.20.0.0/16"
            ) from exc
    return parsed


def normal_host(host: str) -> str:
    """A host as compared with an allow-list: lower case, without IPv6 brackets or a final
    dot."""
    return host.lower().strip("[]").rstrip(".")


@dataclass(frozen=True)
class Allowance:
    """What the operator opens beyond public addresses: host names and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def of(cls, hosts: Iterable[str], nets: Iterable[str], setting: str = "") -> Allowance:
        return cls(
            hosts=frozenset(normal_host(h) for h in hosts if h.strip()),
            networks=tuple(networks(nets, setting)),
        )

    def host_allowed(self, host: str) -> bool:
        """Whether this host name is listed (then any address it resolves to is allowed)."""
        return normal_host(host) in self.hosts

    def address_allowed(self, address: IPAddress) -> bool:
        """A public address, or one in the allowed networks."""
        return is_public(address) or any(address in net for net in self.networks)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (raises OSError when it does not resolve)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def host_port(url: str) -> tuple[str, int]:
    """The URL's host and port (the scheme's default when none is given); AddressRefused
    when it has no host."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise AddressRefused(url)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def checked_addresses(
    host: str,
    port: int,
    allowance: Allowance,
    resolver: Callable[[str, int], list[IPAddress]] | None = None,
) -> list[IPAddress] | None:
    """The addresses to connect to for host:port, in order, every one allowed; None for an
    allow-listed host (connect by name). Raises AddressRefused when any address is not
    allowed, OSError when the name does not resolve."""
    if allowance.host_allowed(host):
        return None
    addresses = (resolver or resolve)(host, port)
    if not addresses or not all(allowance.address_allowed(a) for a in addresses):
        raise AddressRefused(host)
    return addresses
