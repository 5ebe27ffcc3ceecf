"""No side doors: Django's admin is for operators and signs in through allauth (lockout, TOTP);
an organisation's two-factor requirement holds on pages, the session API and old API tokens;
the demo gives a login per role and its admin is not a superuser."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.test import Client

from peerassist.accounts.models import User
from peerassist.accounts.services import api_token_create
from peerassist.assists.models import Participation
from peerassist.people.models import Person
from tests.conftest import PASSWORD
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    user = User.objects.create_superuser(email="operator@platform.test", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- The admin ------------------------------------------------------------------------------


def test_admin_login_post_never_yields_a_session_even_for_a_totp_operator(operator):
    TOTP.activate(operator, generate_totp_secret())
    client = Client()
    response = client.post(
        "/admin/login/", {"username": operator.email, "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)
    # allauth's own form asks for the second factor before any session exists.
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_six_wrong_passwords_lock_the_admin_sign_in_too(operator):
    client = Client()
    for _ in range(6):
        client.post("/accounts/login/?next=/admin/", {"login": operator.email, "password": "no"})
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with the lockout message
    assert not signed_in(client)
    assert (
        Client()
        .post("/admin/login/", {"username": operator.email, "password": PASSWORD})
        .status_code
        == 302
    )


def test_an_operator_signs_in_through_allauth_and_uses_the_admin(operator):
    client = Client()
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("persona_name", ["admin", "organiser", "member", "guest"])
def test_organisation_roles_are_refused_in_the_admin(request, persona_name, other_org):
    persona = request.getfixturevalue(persona_name)
    User.objects.filter(pk=persona.user.pk).update(is_staff=True)  # even if someone ticked it
    client = persona.client()
    theirs = PersonFactory(organisation=other_org, email="private@other.test")
    refused = 404 if persona_name == "guest" else 403  # a guest's 403s are 404s everywhere
    assert client.get("/admin/").status_code == refused
    assert client.get(f"/admin/people/person/{theirs.pk}/change/").status_code == refused
    assert client.get("/admin/login/").status_code == refused


# --- Two-factor required --------------------------------------------------------------------


@pytest.fixture
def strict_org(org):
    org.require_two_factor = True
    org.save()
    return org


def test_two_factor_requirement_refuses_pages_session_api_and_old_tokens(member, org):
    old_token = api_token_create(user=member.user, organisation=org, name="before")
    org.require_two_factor = True
    org.save()
    session = member.client()

    page = session.get("/people/")
    assert page.status_code == 302 and page["Location"] == "/accounts/two-factor-required/"

    api = session.get("/api/v1/people/")
    assert api.status_code == 403
    assert "requires two-factor" in api.json()["detail"]

    token = Client(headers={"Authorization": f"Bearer {old_token.raw}"}).get("/api/v1/people/")
    assert token.status_code == 403
    assert "requires two-factor" in token.json()["detail"]

    TOTP.activate(member.user, generate_totp_secret())
    token = Client(headers={"Authorization": f"Bearer {old_token.raw}"}).get("/api/v1/people/")
    assert token.status_code == 200


def test_without_the_requirement_tokens_work_without_totp(member, org):
    token = api_token_create(user=member.user, organisation=org, name="t")
    client = Client(headers={"Authorization": f"Bearer {token.raw}"})
    assert client.get("/api/v1/people/").status_code == 200


# --- Demo -----------------------------------------------------------------------------------


def test_demo_logins_per_role_operator_and_folded_emails(db):
    call_command("demo", quiet=True)
    admin = User.objects.get(email="admin@meridian.example")
    assert not admin.is_superuser and not admin.is_staff
    operator = User.objects.get(email="operator@meridian.example")
    assert operator.is_superuser and not operator.memberships.exists()
    for email, role in [
        ("facilitator@meridian.example", "facilitator"),
        ("notetaker@meridian.example", "note_taker"),
        ("homepeer@meridian.example", "home_peer"),
        ("visitingpeer@meridian.example", "visiting_peer"),
    ]:
        user = User.objects.get(email=email)
        assert Participation.objects.filter(person__user=user, role=role).exists(), email
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": "peerassist-demo"})
        assert response.status_code == 302, email
    emails = set(Person.objects.values_list("email", flat=True))
    assert "isabel.garcia@meridian.example" in emails
    assert all(e.isascii() for e in emails)
    assert not any("garca" in e or "fernndez" in e for e in emails)
    call_command("demo", quiet=True)  # twice changes nothing
    assert User.objects.filter(email__endswith="@meridian.example").count() == 8
