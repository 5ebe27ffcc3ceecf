"""Single sign-on is no way into the server's network: an issuer on a private, loopback,
link-local, multicast or reserved address (in any of its spellings) is refused when an
organisation admin saves it, and every request the server sends to a provider (discovery,
token, signing keys, user details) is checked again when it is made, so a name that points
somewhere else after it was saved (DNS rebinding) or a discovery document that names an
internal endpoint gets nowhere. SSO_ALLOWED_HOSTS / SSO_ALLOWED_NETWORKS open the way to an
internal identity provider."""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Iterator
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3.util.connection
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from peerassist.accounts.models import Role, SsoConfiguration
from peerassist.accounts.services import sso_configuration_save
from peerassist.accounts.sso import PROVIDER_ATTRIBUTE, SocialAccountAdapter
from peerassist.accounts.sso_addresses import issuer_refused
from peerassist.audit.models import AuditEntry, Kind
from peerassist.core import addresses

pytestmark = pytest.mark.django_db

#: Hosts single sign-on must not reach ({port}: a loopback listener, to prove nothing came).
REFUSED_HOSTS = [
    "127.0.0.1:{port}",
    "localhost:{port}",
    "[::1]:{port}",
    "0x7f000001:{port}",  # hexadecimal
    "2130706433:{port}",  # decimal
    "127.1:{port}",  # short form
    "0177.0.0.1:{port}",  # octal
    "[::ffff:127.0.0.1]:{port}",  # IPv4-mapped IPv6
    "[::ffff:7f00:1]:{port}",  # the same, written in hexadecimal
    "0.0.0.0:{port}",
    "10.1.2.3",
    "192.168.0.1",
    "172.16.5.4",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",  # cloud metadata, link-local
    "[::ffff:169.254.169.254]",  # metadata behind an IPv4-mapped IPv6 address
    "[fd00:ec2::254]",  # cloud metadata over IPv6 (unique local)
    "[fe80::1]",  # IPv6 link-local
    "[fd00::1]",  # IPv6 unique local
    "224.0.0.1",  # multicast
    "[ff02::1]",  # IPv6 multicast
    "240.0.0.1",  # reserved
    "[2002:7f00:1::]",  # 6to4 wrapping 127.0.0.1
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo wrapping 127.0.0.1
    "[64:ff9b::a9fe:a9fe]",  # NAT64 wrapping 169.254.169.254
]


class Listener:
    """A loopback HTTP server that serves an OpenID discovery document and records every
    request: what a refused address would have answered, had anything been sent."""

    def __init__(self, discovery: dict[str, str] | None = None) -> None:
        self.requests: list[tuple[str, str]] = []
        self.discovery = discovery or {}
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.requests.append((self.command, self.path))
                body = json.dumps(listener.discovery).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture
def connections(monkeypatch) -> list[tuple[str, int]]:
    """Every address single sign-on opens a connection to (urllib3's connect, spied on)."""
    opened: list[tuple[str, int]] = []
    real = urllib3.util.connection.create_connection

    def spy(address, *args, **kwargs):
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", spy)
    return opened


def _settings_form(issuer_url: str) -> dict[str, str]:
    return {
        "enabled": "on",
        "issuer_url": issuer_url,
        "client_id": "peerassist",
        "client_secret": "a-secret-of-some-length",
        "domains": "meridian.test",
        "default_role": "member",
    }


def _stored(org, issuer_url: str) -> SsoConfiguration:
    """A configuration as saved earlier, when its host still pointed elsewhere (written
    straight to the database: DNS changed after the check)."""
    return SsoConfiguration.objects.create(
        organisation=org,
        enabled=True,
        issuer_url=issuer_url,
        client_id="peerassist",
        client_secret="a-secret-of-some-length",
        domains="meridian.test",
        default_role=Role.MEMBER,
    )


def _signing_in():
    """The request context allauth's adapter sees while Nina signs in through Meridian's SSO."""
    request = RequestFactory().post("/accounts/login/", {"login": "nina@meridian.test"})
    setattr(request, PROVIDER_ATTRIBUTE, "sso-meridian-test")
    return context.request_context(request)


# --- The table: every refused spelling, at save and at every fetch --------------------------------


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_a_refused_issuer_is_a_form_error_on_save(admin, listener, host):
    url = f"http://{host.format(port=listener.port)}/realms/staff"
    response = admin.client().post(reverse("accounts:sso"), _settings_form(url))
    assert response.status_code == 200
    html = response.content.decode()
    # Django's URL field takes some numeric forms for no URL at all; every other is refused
    # by the address check, as the issuer field's error.
    assert "points into a private network" in html or "Enter a valid URL" in html, html[-2000:]
    assert not SsoConfiguration.objects.exists()
    assert listener.requests == []


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_a_refused_issuer_is_refused_by_the_service(admin, listener, host):
    """The check the settings page and the API share."""
    url = f"http://{host.format(port=listener.port)}/realms/staff"
    with pytest.raises(ValidationError) as refused:
        sso_configuration_save(
            viewer=admin.viewer,
            enabled=True,
            issuer_url=url,
            client_id="peerassist",
            client_secret="a-secret-of-some-length",
            domains="meridian.test",
            sso_only=False,
            default_role=Role.MEMBER,
        )
    assert "points into a private network" in str(refused.value.message_dict["issuer_url"])
    assert not AuditEntry.objects.filter(kind=Kind.SSO_CHANGED).exists()


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_every_fetch_to_a_refused_address_is_stopped_before_connecting(
    org, listener, connections, host
):
    """allauth makes every request to a provider (discovery, token, JWKS, userinfo) with the
    adapter's session: each one is checked when its connection is opened."""
    SsoConfiguration.objects.create(
        organisation=org,
        issuer_url="https://login.meridian.test",
        client_id="c",
        client_secret="s",
        domains="meridian.test",
    )
    url = f"http://{host.format(port=listener.port)}/.well-known/openid-configuration"
    with _signing_in():
        session = SocialAccountAdapter().get_requests_session()
        for method in ("GET", "POST"):  # discovery, JWKS, userinfo; the token endpoint
            with pytest.raises(ImmediateHttpResponse) as refused:
                session.request(method, url)
            assert refused.value.response.status_code == 403
            assert "may not connect to" in refused.value.response.content.decode()
    assert connections == [] and listener.requests == []
    entries = AuditEntry.objects.filter(organisation=org, kind=Kind.SIGN_IN_FAILED)
    assert entries.count() == 2
    assert entries.first().detail["reason"].startswith("identity provider address refused")
    assert entries.first().actor_email == "nina@meridian.test"


# --- What is allowed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "allowed_hosts", "allowed_networks"),
    [
        ("https://93.184.216.34/realms/staff", [], []),  # public: nothing to allow
        ("https://[2606:2800:220:1:248:1893:25c8:1946]/", [], []),
        # A name that does not resolve (yet) is checked again at sign-in.
        ("https://login.meridian.test/realms/staff", [], []),
        ("http://127.0.0.1:9/o", [], ["127.0.0.0/8"]),
        ("http://localhost:9/o", ["LOCALHOST"], []),
        ("http://10.20.1.5/o", [], ["10.20.0.0/16"]),
        ("http://[fd12::5]/o", [], ["fd12::/16"]),
    ],
)
def test_public_unresolved_or_allowed_issuers_are_saved(
    admin, settings, issuer, allowed_hosts, allowed_networks
):
    settings.SSO_ALLOWED_HOSTS = allowed_hosts
    settings.SSO_ALLOWED_NETWORKS = allowed_networks
    response = admin.client().post(reverse("accounts:sso"), _settings_form(issuer))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert SsoConfiguration.objects.get().issuer_url == issuer.rstrip("/")


def test_an_allowance_opens_only_itself(admin, settings):
    settings.SSO_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.SSO_ALLOWED_HOSTS = ["idp.internal.example"]
    assert not issuer_refused("http://10.20.9.9/")
    assert issuer_refused("http://10.21.0.1/")
    assert issuer_refused("http://127.0.0.1/")
    assert issuer_refused("http://169.254.169.254/")
    # The webhooks' allowance is not single sign-on's.
    settings.SSO_ALLOWED_NETWORKS = []
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert issuer_refused("http://10.20.9.9/")


def test_the_allowed_network_lets_the_fetch_through(org, settings, connections):
    settings.SSO_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    listener = Listener(discovery={"issuer": "x"})
    try:
        with _signing_in():
            session = SocialAccountAdapter().get_requests_session()
            response = session.get(f"http://localhost:{listener.port}/.well-known/x")
        assert response.json() == {"issuer": "x"}
        assert listener.requests == [("GET", "/.well-known/x")]
        assert connections and all(ipaddress.ip_address(a).is_loopback for a, _p in connections)
    finally:
        listener.close()


# --- At sign-in -----------------------------------------------------------------------------------


def test_a_stored_issuer_on_loopback_is_refused_at_sign_in(org, listener, connections):
    _stored(org, f"http://localhost:{listener.port}")
    client = Client()
    response = client.post("/accounts/login/", {"login": "nina@meridian.test", "sso": "1"})
    assert response.status_code == 403
    html = unescape(response.content.decode())
    assert "Meridian Test's identity provider is on an address peerassist may not" in html
    assert 'id="sso-refused"' in html and '<main id="main"' in html  # in the layout
    assert listener.requests == [] and connections == []
    entry = AuditEntry.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert entry.organisation == org
    assert entry.actor_email == "nina@meridian.test"
    assert entry.detail == {
        "via": "single sign-on",
        "reason": "identity provider address refused: localhost",
    }


def test_dns_rebinding_after_save_is_refused_at_sign_in(
    admin, org, listener, connections, monkeypatch
):
    """Saved while the name pointed to a public address; at sign-in it points to loopback."""
    answers = {"now": [ipaddress.ip_address("93.184.216.34")]}
    monkeypatch.setattr(addresses, "resolve", lambda host, port: answers["now"])
    sso_configuration_save(
        viewer=admin.viewer,
        enabled=True,
        issuer_url=f"http://idp.rebind.example:{listener.port}",
        client_id="peerassist",
        client_secret="a-secret-of-some-length",
        domains="meridian.test",
        sso_only=False,
        default_role=Role.MEMBER,
    )
    answers["now"] = [ipaddress.ip_address("127.0.0.1")]
    response = Client().post("/accounts/login/", {"login": "nina@meridian.test", "sso": "1"})
    assert response.status_code == 403
    assert listener.requests == [] and connections == []
    assert AuditEntry.objects.filter(kind=Kind.SIGN_IN_FAILED, organisation=org).exists()


def test_the_connection_goes_to_the_address_that_was_checked(org, settings, monkeypatch):
    """A name that resolves to an allowed address when checked is connected to at that
    address, whatever a second lookup would say."""
    settings.SSO_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    listener = Listener(discovery={"issuer": "pinned"})
    monkeypatch.setattr(
        addresses, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.2")]
    )
    opened: list[tuple[str, int]] = []
    real = urllib3.util.connection.create_connection

    def spy(address, *args, **kwargs):
        opened.append(address)
        return real(("127.0.0.1", address[1]), *args, **kwargs)  # 127.0.0.2 has no listener

    monkeypatch.setattr(urllib3.util.connection, "create_connection", spy)
    try:
        with _signing_in():
            session = SocialAccountAdapter().get_requests_session()
            response = session.get(f"http://idp.pinned.example:{listener.port}/x")
        assert response.json() == {"issuer": "pinned"}
        assert opened == [("127.0.0.2", listener.port)]
    finally:
        listener.close()


def test_a_discovery_document_naming_an_internal_token_endpoint_is_refused(
    org, settings, connections
):
    """The issuer is allowed, but its discovery document sends the token request into the
    network (here: another loopback port by another name): the callback refuses it."""
    settings.SSO_ALLOWED_HOSTS = ["127.0.0.1"]
    internal = Listener()
    issuer = Listener()
    issuer.discovery = {
        "issuer": issuer.url,
        "authorization_endpoint": f"{issuer.url}/authorize",
        "token_endpoint": f"http://localhost:{internal.port}/token",
        "userinfo_endpoint": f"http://localhost:{internal.port}/userinfo",
        "jwks_uri": f"http://localhost:{internal.port}/jwks",
    }
    try:
        _stored(org, issuer.url)
        client = Client()
        response = client.post("/accounts/login/", {"login": "nina@meridian.test", "sso": "1"})
        assert response.status_code == 302, response.content.decode()[-2000:]
        location = urlsplit(response["Location"])
        assert location.path == "/authorize"
        state = parse_qs(location.query)["state"][0]
        callback = reverse("openid_connect_callback", kwargs={"provider_id": "sso-meridian-test"})
        answer = client.get(callback, {"code": "a-code", "state": state})
        assert answer.status_code == 403
        assert "may not connect to" in answer.content.decode()
        assert internal.requests == []
        assert all(port != internal.port for _a, port in connections)
        entry = AuditEntry.objects.get(kind=Kind.SIGN_IN_FAILED)
        assert entry.organisation == org
        assert entry.detail["reason"] == "identity provider address refused: localhost"
    finally:
        internal.close()
        issuer.close()


def test_a_proxy_in_the_environment_is_not_used(org, monkeypatch, listener, connections):
    """The check sees the provider's own address, never a proxy's."""
    settings_proxy = f"http://127.0.0.1:{listener.port}"
    monkeypatch.setenv("HTTP_PROXY", settings_proxy)
    monkeypatch.setenv("HTTPS_PROXY", settings_proxy)
    with _signing_in():
        session = SocialAccountAdapter().get_requests_session()
        with pytest.raises(ImmediateHttpResponse):
            session.get("http://10.1.2.3/.well-known/openid-configuration")
    assert listener.requests == [] and connections == []
