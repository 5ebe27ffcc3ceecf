"""The single sign-on settings in the API (/api/v1/sso): the organisation admin's alone, the
same checks (the issuer's address included) and the same `sso_changed` audit entry as the
settings page; the client secret is never returned."""

from __future__ import annotations

import pytest
from django.test import Client

from peerassist.accounts.models import Role, SsoConfiguration
from peerassist.accounts.services import api_token_create, sso_configuration_save
from peerassist.audit.models import AuditEntry, Kind
from tests.conftest import make_persona

pytestmark = pytest.mark.django_db

URL = "/api/v1/sso"
JSON = "application/json"
SECRET = "a-client-secret-ending-7q3z"
BODY = {
    "enabled": True,
    "issuer_url": "https://login.meridian.test/realms/staff",
    "client_id": "peerassist",
    "client_secret": SECRET,
    "domains": ["meridian.test"],
    "sso_only": False,
    "default_role": "organiser",
}


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="t")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


def _set_up(persona) -> SsoConfiguration:
    return sso_configuration_save(
        viewer=persona.viewer,
        enabled=True,
        issuer_url="https://idp.example.org",
        client_id="own-client",
        client_secret="own-secret-of-some-length",
        domains="own.example.org",
        sso_only=False,
        default_role=Role.MEMBER,
    )


EXPECTED = {
    "admin": {"get": 200, "put": 200},
    "organiser": {"get": 403, "put": 403},
    "member": {"get": 403, "put": 403},
    "guest": {"get": 403, "put": 403},
    # Another organisation's admin reaches only their own organisation's settings.
    "other_org_admin": {"get": 200, "put": 200},
}


@pytest.mark.parametrize("persona_name", list(EXPECTED))
@pytest.mark.parametrize("method", ["get", "put"])
def test_sso_api_by_role(admin, organiser, member, guest, other_org, persona_name, method):
    other_admin = make_persona(other_org, Role.ADMIN, "boss@other.test")
    personas = {
        "admin": admin,
        "organiser": organiser,
        "member": member,
        "guest": guest,
        "other_org_admin": other_admin,
    }
    _set_up(admin)
    set_up_other = sso_configuration_save(
        viewer=other_admin.viewer,
        enabled=False,
        issuer_url="https://idp.other.test",
        client_id="other-client",
        client_secret="other-secret-of-some-length",
        domains="other.test",
        sso_only=False,
        default_role=Role.GUEST,
    )
    client = bearer(personas[persona_name])
    if method == "get":
        response = client.get(URL)
    else:
        body = {
            **BODY,
            "domains": ["other.test" if persona_name == "other_org_admin" else "x.test"],
        }
        response = client.put(URL, body, content_type=JSON)
    assert response.status_code == EXPECTED[persona_name][method], response.content
    own = SsoConfiguration.objects.get(organisation=admin.organisation)
    other = SsoConfiguration.objects.get(pk=set_up_other.pk)
    changed = response.status_code == 200 and method == "put"
    if response.status_code == 200:
        own_before = "other-client" if persona_name == "other_org_admin" else "own-client"
        assert response.json()["client_id"] == ("peerassist" if changed else own_before)
    # Each admin changes their own organisation's settings; nobody else changes any.
    assert own.client_id == ("peerassist" if changed and persona_name == "admin" else "own-client")
    assert other.client_id == (
        "peerassist" if changed and persona_name == "other_org_admin" else "other-client"
    )


def test_sso_api_without_a_token_is_401():
    assert Client().get(URL).status_code == 401
    assert Client().put(URL, BODY, content_type=JSON).status_code == 401


def test_not_set_up_is_a_404_with_a_reason(admin):
    response = bearer(admin).get(URL)
    assert response.status_code == 404
    assert "not set up" in response.json()["detail"]


def test_the_secret_is_written_never_read_and_changes_are_audited(admin):
    client = bearer(admin)
    created = client.put(URL, BODY, content_type=JSON)
    assert created.status_code == 200, created.content
    assert SECRET not in created.content.decode()
    data = created.json()
    assert data["secret_hint"].endswith("7q3z") and SECRET not in data["secret_hint"]
    assert data["domains"] == ["meridian.test"]
    assert data["callback_url"].endswith("/accounts/oidc/sso-meridian-test/login/callback/")
    config = SsoConfiguration.objects.get()
    assert config.client_secret == SECRET
    assert config.issuer_url == "https://login.meridian.test/realms/staff"

    read = client.get(URL)
    assert read.status_code == 200 and SECRET not in read.content.decode()

    # No secret sent: the saved one is kept.
    changed = client.put(URL, {**BODY, "client_secret": "", "sso_only": True}, content_type=JSON)
    assert changed.status_code == 200
    config.refresh_from_db()
    assert config.client_secret == SECRET and config.sso_only is True

    entries = list(AuditEntry.objects.filter(kind=Kind.SSO_CHANGED).order_by("pk"))
    assert len(entries) == 2
    assert entries[0].detail["client_secret"] == "set"
    assert entries[1].detail == {"sso_only": [False, True]}
    assert all(SECRET not in str(e.detail) for e in entries)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"issuer_url": "http://169.254.169.254/latest"}, "issuer_url", "private network"),
        ({"issuer_url": "http://[::ffff:127.0.0.1]:8080/"}, "issuer_url", "private network"),
        ({"issuer_url": "http://2130706433/"}, "issuer_url", "private network"),
        ({"issuer_url": "ftp://login.meridian.test"}, "issuer_url", "URL scheme"),
        ({"domains": ["not a domain!"]}, "domains", "is not an e-mail domain"),
        ({"domains": []}, "domains", ""),
        ({"default_role": "admin"}, "default_role", ""),
        ({"client_id": "  "}, "client_id", "Enter the client ID"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
    ],
)
def test_bad_settings_are_422_naming_the_field(admin, change, field, message):
    response = bearer(admin).put(URL, {**BODY, **change}, content_type=JSON)
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert any(e["loc"][-1] == field and message in e["msg"] for e in errors), errors
    assert not SsoConfiguration.objects.exists()
    assert not AuditEntry.objects.filter(kind=Kind.SSO_CHANGED).exists()


def test_the_operator_allowance_applies_to_the_api(admin, settings):
    settings.SSO_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    body = {**BODY, "issuer_url": "http://10.20.0.7/realms/staff"}
    assert bearer(admin).put(URL, body, content_type=JSON).status_code == 200
    assert SsoConfiguration.objects.get().issuer_url == "http://10.20.0.7/realms/staff"


def test_the_openapi_document_describes_the_sso_settings(admin):
    document = Client().get("/api/v1/openapi.json").json()
    operations = document["paths"]["/api/v1/sso"]
    assert set(operations) == {"get", "put"}
    assert "client_secret" not in document["components"]["schemas"]["SsoOut"]["properties"]
