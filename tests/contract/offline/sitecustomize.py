"""Loaded by the server under test in the API contract run (its PYTHONPATH): the tests stay
on loopback, so a host name lookup outside it is refused and written to
$PEERASSIST_DNS_LOG for the test to report."""

import ipaddress
import os
import socket

_getaddrinfo = socket.getaddrinfo
_LOCAL = {"localhost", "127.0.0.1", "::1"}


def _guarded(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in _LOCAL:
        try:
            ipaddress.ip_address(str(name).split("%", 1)[0])
        except ValueError:
            with open(os.environ["PEERASSIST_DNS_LOG"], "a", encoding="utf-8") as log:
                log.write(f"{name}\n")
            raise socket.gaierror(socket.EAI_NONAME, "lookups are off in this test") from None
    return _getaddrinfo(host, *args, **kwargs)


if os.environ.get("PEERASSIST_DNS_LOG"):
    socket.getaddrinfo = _guarded
