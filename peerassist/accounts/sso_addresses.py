"""Where single sign-on may connect: identity providers on public addresses only, unless the
operator allows more (SSO_ALLOWED_HOSTS, SSO_ALLOWED_NETWORKS).

An organisation's administrator types the issuer URL, and the server then fetches from it
(OpenID discovery, the token endpoint, the signing keys, the user's details), so without a
check an administrator of a shared site could make the server send requests into its private
network. The issuer is checked when it is saved (a host that does not resolve yet is let
through and checked at sign-in), and every connection single sign-on makes goes through
`sso_requests_session`, whose connections resolve the host, refuse unless every address is
allowed, and connect to the address that was checked. That covers every URL the provider's
discovery document names and every redirect, and a name that resolves elsewhere after it was
saved (DNS rebinding) is refused at the moment it is used.
"""

from __future__ import annotations

import socket
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError

from peerassist.core.addresses import AddressRefused, Allowance, checked_addresses, host_port

REFUSED_MESSAGE = _(
    "This address points into a private network (loopback, link-local, private, multicast "
    "or reserved addresses). peerassist only connects to identity providers on public "
    "addresses; the operator of this site can allow an internal one."
)


def sso_allowance() -> Allowance:
    """SSO_ALLOWED_HOSTS and SSO_ALLOWED_NETWORKS, as read now (tests change settings)."""
    return Allowance.of(
        getattr(settings, "SSO_ALLOWED_HOSTS", []),
        getattr(settings, "SSO_ALLOWED_NETWORKS", []),
        "SSO_ALLOWED_NETWORKS",
    )


def issuer_refused(url: str) -> bool:
    """Whether the issuer's host is, or now resolves to, an address single sign-on may not
    reach. A host that does not resolve (yet) is not refused here: sign-in checks it again."""
    try:
        host, port = host_port(url)
        checked_addresses(host, port, sso_allowance())
    except AddressRefused:
        return True
    except (OSError, UnicodeError, ValueError):
        return False
    return False


# --- connections that check where they go -----------------------------------------------------


class _CheckedConnectionMixin:
    """urllib3 connection whose socket goes only to addresses SSO may reach: the host is
    resolved and checked here, at connect time, and the socket connects to a checked address
    (TLS is still verified against the host name)."""

    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        try:
            addresses = checked_addresses(name.rstrip("."), self.port, sso_allowance())
        except socket.gaierror as exc:
            raise NameResolutionError(name, self, exc) from exc  # type: ignore[arg-type]
        if addresses is None:  # an allow-listed host name: connect by name
            return super()._new_conn()  # type: ignore[misc,no-any-return]
        error: Exception | None = None
        try:
            for address in addresses:
                self._dns_host = str(address)
                try:
                    return super()._new_conn()  # type: ignore[misc,no-any-return]
                except OSError as exc:  # urllib3's connection errors are OSErrors
                    error = exc
        finally:
            self._dns_host = name
        assert error is not None  # noqa: S101 - `addresses` is never empty here
        raise error


class CheckedHTTPConnection(_CheckedConnectionMixin, HTTPConnection):
    pass


class CheckedHTTPSConnection(_CheckedConnectionMixin, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """requests' transport with the checked connections above."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # Through a proxy the check would see the proxy's address, not the provider's.
        raise AddressRefused(proxy)


def sso_requests_session() -> requests.Session:
    """A requests session for talking to identity providers: every connection checked (raises
    AddressRefused), no proxy or .netrc from the environment."""
    session = requests.Session()
    session.trust_env = False
    adapter = CheckedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
