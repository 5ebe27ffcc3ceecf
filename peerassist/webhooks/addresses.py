"""Where a webhook may send: public addresses only, unless the operator allows more.

A webhook URL is checked when it is saved and again at every delivery, with the shared
address checks of `peerassist.core.addresses` (numeric forms such as 2130706433, 0x7f000001,
127.1 or [::ffff:127.0.0.1] resolve like any name; every address must be public), and the
delivery then connects to the address that was checked, so a name cannot resolve to
something else in between. WEBHOOK_ALLOWED_HOSTS (host names) and WEBHOOK_ALLOWED_NETWORKS
(CIDR ranges) open the way to internal receivers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from peerassist.core.addresses import (
    AddressRefused,
    Allowance,
    IPAddress,
    checked_addresses,
    host_port,
    resolve,
)

__all__ = [
    "AddressRefused",
    "IPAddress",
    "address_allowed",
    "delivery_addresses",
    "host_allowed",
    "resolve",
    "validate_public_url",
]


def _allowance() -> Allowance:
    return Allowance.of(
        getattr(settings, "WEBHOOK_ALLOWED_HOSTS", []),
        getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", []),
        "WEBHOOK_ALLOWED_NETWORKS",
    )


def host_allowed(host: str) -> bool:
    """Whether the operator lists this host name as a receiver on any address."""
    return _allowance().host_allowed(host)


def address_allowed(address: IPAddress) -> bool:
    """A public address, or one in WEBHOOK_ALLOWED_NETWORKS."""
    return _allowance().address_allowed(address)


def delivery_addresses(url: str) -> list[IPAddress] | None:
    """The checked addresses to connect to for `url`, in order; None for an allow-listed
    host (connect by name). Raises AddressRefused when any address is not allowed, OSError
    when the name does not resolve."""
    host, port = host_port(url)
    # This module's `resolve`, looked up at each call (a test may stand in for DNS).
    return checked_addresses(host, port, _allowance(), lambda h, p: resolve(h, p))


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
