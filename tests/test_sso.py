"""Single sign-on per organisation against a real OpenID Connect provider on loopback
(tests/harness/oidc_provider.py): first sign-in makes a member with the default role, other
domains and other organisations' accounts are refused, so are an ID token for another audience
and an expired one; the settings page is the organisation admins' alone and audited."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from django.test import Client
from django.urls import reverse

from peerassist.accounts.models import Membership, Role, SsoConfiguration, User
from peerassist.accounts.services import sso_configuration_save, sso_domains_parse
from peerassist.audit.models import AuditEntry, Kind
from tests.conftest import PASSWORD, make_persona
from tests.factories import PersonFactory
from tests.harness.oidc import OidcProvider, OidcProviderUnavailable, running_oidc_provider

pytestmark = pytest.mark.django_db

CLIENT_ID = "peerassist-meridian"
CLIENT_SECRET = "a-long-client-secret-9f2c"
IDP_PASSWORD = "idp password"
CALLBACK = "http://testserver/accounts/oidc/sso-meridian-test/login/callback/"
USERS = [
    {"email": "nina.new@meridian.test", "password": IDP_PASSWORD, "name": "Nina New"},
    {"email": "mo.member@meridian.test", "password": IDP_PASSWORD, "name": "Mo Member"},
    {"email": "olga@other.test", "password": IDP_PASSWORD, "name": "Olga Other"},
    {"email": "cross@meridian.test", "password": IDP_PASSWORD, "name": "Cross Org"},
    {
        "email": "unverified@meridian.test",
        "password": IDP_PASSWORD,
        "name": "Una Verified",
        "email_verified": False,
    },
    {
        "email": "late@meridian.test",
        "password": IDP_PASSWORD,
        "name": "Lee Late",
        "id_token": "expired",
    },
    {
        "email": "aud@meridian.test",
        "password": IDP_PASSWORD,
        "name": "Aude Wrong",
        "id_token": "wrong_audience",
    },
]


@pytest.fixture(scope="module")
def idp() -> Iterator[OidcProvider]:
    """The real provider, once for the module; a missing one fails under CI=true."""
    try:
        with running_oidc_provider(
            clients=[
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [CALLBACK],
                }
            ],
            users=USERS,
        ) as provider:
            yield provider
    except OidcProviderUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the test OIDC provider: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(autouse=True)
def loopback_provider_allowed(settings):
    """The harness's provider is on loopback, which single sign-on refuses unless allowed."""
    settings.SSO_ALLOWED_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def sso(idp, org, admin) -> SsoConfiguration:
    return sso_configuration_save(
        viewer=admin.viewer,
        enabled=True,
        issuer_url=idp.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains="meridian.test",
        sso_only=False,
        default_role=Role.ORGANISER,
    )


def idp_sign_in(authorize_url: str, email: str, password: str = IDP_PASSWORD) -> str:
    """Sign in at the provider as a person would; the URL it sends the browser back to."""
    session = requests.Session()
    url = authorize_url
    for _hop in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="password"' in response.text:
            form = {
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": session.cookies["idp_csrftoken"],
                "next": parse_qs(urlparse(url).query).get("next", [""])[0],
            }
            response = session.post(url, data=form, allow_redirects=False, timeout=10)
        assert response.status_code in (301, 302), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
        if url.startswith("http://testserver/"):
            return url
    raise AssertionError(f"the provider never sent the browser back: {url}")


def start_sso(client: Client, email: str, *, button: bool = True) -> str:
    data = {"login": email, "password": ""}
    if button:
        data["sso"] = "1"
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:"), location
    return location


def sign_in_via_idp(client: Client, email: str, *, typed: str = ""):
    """Type an address on peerassist's sign-in page, then sign in at the provider as `email`
    (the provider may host accounts of several domains)."""
    callback = idp_sign_in(start_sso(client, typed or email), email)
    return client.get(callback.removeprefix("http://testserver"))


def signed_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).email if user_id else None


# --- Signing in ----------------------------------------------------------------------------


def test_first_sign_in_makes_a_member_with_the_default_role(sso, org):
    person = PersonFactory(organisation=org, email="nina.new@meridian.test", name="Nina New")
    client = Client()

    response = sign_in_via_idp(client, "nina.new@meridian.test")

    assert response.status_code == 302, response.content[:800]
    assert signed_in_as(client) == "nina.new@meridian.test"
    membership = Membership.objects.get(user__email="nina.new@meridian.test")
    assert membership.organisation == org
    assert membership.role == Role.ORGANISER
    person.refresh_from_db()
    assert person.user == membership.user  # linked to their directory entry
    user = membership.user
    assert user.first_name == "Nina"
    assert not user.has_usable_password()
    assert client.get("/").status_code == 200
    kinds = set(AuditEntry.objects.filter(organisation=org).values_list("kind", flat=True))
    assert {Kind.MEMBER_INVITED, Kind.SIGN_IN} <= kinds

    # The second time, the same account: no second user or membership.
    client2 = Client()
    sign_in_via_idp(client2, "nina.new@meridian.test")
    assert signed_in_as(client2) == "nina.new@meridian.test"
    assert User.objects.filter(email="nina.new@meridian.test").count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_an_existing_member_is_linked_and_keeps_their_role(sso, org):
    mo = make_persona(org, Role.MEMBER, "mo.member@meridian.test")
    client = Client()
    response = sign_in_via_idp(client, "mo.member@meridian.test")
    assert response.status_code == 302
    assert signed_in_as(client) == "mo.member@meridian.test"
    mo.membership.refresh_from_db()
    assert mo.membership.role == Role.MEMBER
    assert mo.user.socialaccount_set.get().provider == "sso-meridian-test"


def test_an_address_of_another_domain_is_not_let_in(sso):
    client = Client()
    response = sign_in_via_idp(client, "olga@other.test", typed="olga@meridian.test")
    assert response.status_code == 403
    assert "olga@other.test is not an address of Meridian Test" in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="olga@other.test").exists()
    entry = AuditEntry.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert entry.organisation == sso.organisation
    assert entry.actor_email == "olga@other.test"
    assert entry.detail == {"via": "single sign-on", "reason": "another domain"}


def test_an_account_of_another_organisation_is_not_linked(sso, other_org):
    make_persona(other_org, Role.ADMIN, "cross@meridian.test")
    client = Client()
    response = sign_in_via_idp(client, "cross@meridian.test")
    assert response.status_code == 403
    assert "belongs to another organisation" in response.content.decode()
    assert signed_in_as(client) is None
    assert not Membership.objects.filter(
        user__email="cross@meridian.test", organisation=sso.organisation
    ).exists()


def test_an_unverified_address_is_refused(sso):
    client = Client()
    response = sign_in_via_idp(client, "unverified@meridian.test")
    assert response.status_code == 403
    assert "did not confirm your e-mail address" in response.content.decode()
    assert not User.objects.filter(email="unverified@meridian.test").exists()


@pytest.mark.parametrize("email", ["late@meridian.test", "aud@meridian.test"])
def test_an_expired_or_misaddressed_id_token_is_refused(sso, email):
    """The provider signs an ID token that is expired, or addressed to another client: the
    same flow that lets others in (the tests above) ends on allauth's failure page."""
    client = Client()
    response = sign_in_via_idp(client, email)
    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(email=email).exists()


def test_a_disabled_configuration_sends_nobody_to_the_provider(sso, org):
    SsoConfiguration.objects.filter(pk=sso.pk).update(enabled=False)
    client = Client()
    response = client.post("/accounts/login/", {"login": "nina.new@meridian.test", "sso": "1"})
    assert response.status_code == 302
    assert not response["Location"].startswith("http://127.0.0.1:")
    page = client.get(response["Location"])
    assert "Single sign-on is not set up for meridian.test" in page.content.decode()
    # and allauth's own route does not know the app either
    assert client.post("/accounts/oidc/sso-meridian-test/login/").status_code == 404


def test_sso_only_turns_passwords_off_for_its_members_only(sso, org, other_org):
    mo = make_persona(org, Role.MEMBER, "mo.member@meridian.test")
    # Same domain, but another organisation's member: that organisation cannot lock them out.
    make_persona(other_org, Role.MEMBER, "visitor@meridian.test")
    SsoConfiguration.objects.filter(pk=sso.pk).update(sso_only=True)

    client = Client()
    # The password form: without the button, the address is sent to the provider anyway.
    response = client.post("/accounts/login/", {"login": mo.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("http://127.0.0.1:")
    assert signed_in_as(client) is None
    # allauth's own password check refuses too (e.g. /admin/login/ goes through it).
    from allauth.account.forms import LoginForm
    from django.test import RequestFactory

    request = RequestFactory().post("/accounts/login/")
    form = LoginForm(data={"login": mo.user.email, "password": PASSWORD}, request=request)
    assert not form.is_valid()
    assert "single sign-on only" in str(form.errors)

    form = LoginForm(data={"login": "visitor@meridian.test", "password": PASSWORD}, request=request)
    assert "single sign-on only" not in str(form.errors)


# --- The settings page: who may, what is kept, what is audited --------------------------------

SSO_EXPECTED = {
    "admin": {"get": 200, "post": 302},
    "organiser": {"get": 403, "post": 403},
    "member": {"get": 403, "post": 403},
    "guest": {"get": 404, "post": 404},
    "anonymous": {"get": 302, "post": 302},
}


@pytest.mark.parametrize("persona_name", list(SSO_EXPECTED))
@pytest.mark.parametrize("method", ["get", "post"])
def test_sso_settings_page_by_role(admin, organiser, member, guest, persona_name, method, settings):
    personas = {"admin": admin, "organiser": organiser, "member": member, "guest": guest}
    client = personas[persona_name].client() if persona_name in personas else Client()
    data = {
        "enabled": "on",
        "issuer_url": "https://login.meridian.test/realms/staff",
        "client_id": "peerassist",
        "client_secret": "a-secret-of-some-length",
        "domains": "meridian.test",
        "default_role": "member",
    }
    url = reverse("accounts:sso")
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == SSO_EXPECTED[persona_name][method]
    saved = SsoConfiguration.objects.filter(organisation=admin.organisation).exists()
    assert saved == (persona_name == "admin" and method == "post")


def test_the_secret_is_never_shown_back_and_changes_are_audited(admin):
    client = admin.client()
    url = reverse("accounts:sso")
    data = {
        "enabled": "on",
        "issuer_url": "https://login.meridian.test/realms/staff",
        "client_id": "peerassist",
        "client_secret": "first-secret-value-1234",
        "domains": "meridian.test\n@Meridian-Labs.test, meridian.test",
        "sso_only": "on",
        "default_role": "member",
    }
    assert client.post(url, data).status_code == 302
    config = SsoConfiguration.objects.get(organisation=admin.organisation)
    assert config.domain_list == ["meridian.test", "meridian-labs.test"]
    assert config.client_secret == "first-secret-value-1234"

    page = client.get(url).content.decode()
    assert "first-secret-value-1234" not in page
    assert "1234" in page  # the last four, to tell which one is saved
    assert "/accounts/oidc/sso-meridian-test/login/callback/" in page

    # An empty secret keeps the saved one.
    assert client.post(url, {**data, "client_secret": "", "sso_only": ""}).status_code == 302
    config.refresh_from_db()
    assert config.client_secret == "first-secret-value-1234"
    assert config.sso_only is False

    entries = list(
        AuditEntry.objects.filter(organisation=admin.organisation, kind=Kind.SSO_CHANGED)
    )
    assert len(entries) == 2
    assert entries[1].detail["client_secret"] == "set"
    assert entries[0].detail == {"sso_only": [True, False]}
    assert all("first-secret-value" not in str(e.detail) for e in entries)


def test_bad_settings_are_form_errors(admin, other_org_member):
    sso_configuration_save(
        viewer=other_org_member.viewer,
        enabled=True,
        issuer_url="https://idp.other.test",
        client_id="x",
        client_secret="y" * 20,
        domains="other.test",
        sso_only=False,
        default_role="member",
    )
    client = admin.client()
    base = {
        "issuer_url": "https://login.meridian.test",
        "client_id": "peerassist",
        "client_secret": "a-secret-of-some-length",
        "domains": "meridian.test",
        "default_role": "member",
    }
    cases = [
        ({"domains": "not a domain!"}, "is not an e-mail domain"),
        ({"domains": "other.test"}, "already signs in through another organisation"),
        ({"default_role": "admin"}, "Select a valid choice"),
        ({"issuer_url": "ftp://x"}, "Enter a valid URL"),
        ({"client_secret": ""}, "Enter the client secret"),
    ]
    for change, message in cases:
        response = client.post(reverse("accounts:sso"), {**base, **change})
        assert response.status_code == 200, change
        assert message in response.content.decode(), (change, response.content.decode()[-3000:])
    assert not SsoConfiguration.objects.filter(organisation=admin.organisation).exists()


def test_domain_rules():
    assert sso_domains_parse(" Example.COM,  @sub.example.org\nexample.com ") == [
        "example.com",
        "sub.example.org",
    ]
    with pytest.raises(Exception, match="e-mail domain"):
        sso_domains_parse("")


def test_the_sign_in_page_lets_its_form_redirect_to_the_providers_only(sso, idp, client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if p.strip().startswith("form-action"))
    assert f"http://127.0.0.1:{idp.port}" in form_action
    other_page = client.get("/accounts/password/reset/")["Content-Security-Policy"]
    assert "127.0.0.1" not in other_page


def test_an_invitation_to_an_sso_only_domain_sends_no_password_link(
    sso, org, admin, django_capture_on_commit_callbacks, mailoutbox
):
    from peerassist.members import services as member_services

    SsoConfiguration.objects.filter(pk=sso.pk).update(sso_only=True)
    ines = PersonFactory(organisation=org, email="ines@meridian.test", name="Ines Sso")
    guest = PersonFactory(organisation=org, email="gus@partner.test", name="Gus Guest")
    with django_capture_on_commit_callbacks(execute=True):
        member_services.member_invite(
            viewer=admin.viewer, person_ids=[ines.pk, guest.pk], role="member"
        )
    by_to = {m.to[0]: m.body for m in mailoutbox}
    assert "Use single sign-on" in by_to["ines@meridian.test"]
    assert "/members/welcome/" not in by_to["ines@meridian.test"]
    assert "/members/welcome/" in by_to["gus@partner.test"]  # another domain: a password
