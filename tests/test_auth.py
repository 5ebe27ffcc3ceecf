import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.test import Client, override_settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def signed_in(persona) -> Client:
    """A client signed in through the login form, as allauth's reauthentication expects."""
    client = Client()
    assert login(client, persona.user.email, PASSWORD).status_code == 302
    return client


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_right_password_signs_in_and_reaches_home(member):
    client = Client()
    response = login(client, member.user.email, PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Meridian Test" in home.content.decode()


def test_wrong_password_is_refused_with_a_message(member):
    response = login(Client(), member.user.email, "wrong")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_sixth_attempt_after_five_wrong_passwords_is_throttled_even_when_right(member):
    client = Client()
    for _ in range(5):
        assert login(client, member.user.email, "wrong").status_code == 200
    response = login(client, member.user.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_is_per_account_not_global(member, organiser):
    client = Client()
    for _ in range(5):
        login(client, member.user.email, "wrong")
    assert login(Client(), organiser.user.email, PASSWORD).status_code == 302


def test_pages_need_sign_in_by_default(member, directory):
    for path in ["/", "/people/", f"/people/{directory['people']['ana'].pk}/", "/account/"]:
        response = Client().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(LOGIN), path


def test_public_pages_are_opted_in_explicitly(db):
    client = Client()
    assert client.get(LOGIN).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/password/reset/").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_password_reset_sends_an_email_with_a_working_link(member):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": member.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.user.email]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    done = client.post(
        form_url, {"password1": "a new long passphrase 42", "password2": "a new long passphrase 42"}
    )
    assert done.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("a new long passphrase 42")


def test_password_reset_requests_are_rate_limited_per_address(member):
    client = Client()
    for _ in range(3):
        client.post("/accounts/password/reset/", {"email": member.user.email})
    response = client.post("/accounts/password/reset/", {"email": member.user.email})
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_argon2_hashes_new_passwords():
    assert settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from peerassist import settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher("argon2").algorithm == "argon2"


class TestTwoFactor:
    def test_any_user_can_turn_on_totp_and_then_needs_a_code(self, member):
        client = signed_in(member)
        # Setting up a second factor asks for the password again (allauth's reauthentication).
        asked = client.get("/accounts/2fa/totp/activate/")
        assert asked.status_code == 302 and "/accounts/reauthenticate/" in asked["Location"]
        confirmed = client.post(asked["Location"], {"password": PASSWORD})
        assert confirmed.status_code == 302
        page = client.get("/accounts/2fa/totp/activate/")
        assert page.status_code == 200
        secret = client.session["mfa.totp.secret"]
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_now(secret)})
        assert response.status_code == 302
        client.logout()

        fresh = Client()
        step1 = login(fresh, member.user.email, PASSWORD)
        assert step1.status_code == 302 and "/2fa/authenticate" in step1["Location"]
        assert fresh.get("/").status_code == 302  # not signed in until the code is given
        step2 = fresh.post(step1["Location"], {"code": totp_now(secret)})
        assert step2.status_code == 302
        assert fresh.get("/").status_code == 200

    def test_organisation_can_require_it(self, member):
        member.organisation.require_two_factor = True
        member.organisation.save()
        client = signed_in(member)
        response = client.get("/people/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/two-factor-required/"
        assert client.get("/accounts/two-factor-required/").status_code == 200
        # The set-up pages stay reachable (they ask for the password first).
        setup = client.get("/accounts/2fa/totp/activate/")
        assert setup.status_code == 302 and "/accounts/reauthenticate/" in setup["Location"]
        assert client.get(setup["Location"]).status_code == 200

        TOTP.activate(member.user, generate_totp_secret())
        assert client.get("/people/").status_code == 200

    def test_not_required_by_default(self, member):
        assert member.client().get("/people/").status_code == 200


@override_settings(ALLOW_SIGNUP=True)
def test_new_signups_must_verify_their_email(org):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@meridian.test",
            "password1": "a long passphrase 77",
            "password2": "a long passphrase 77",
        },
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert "Confirm" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body.lower()


def test_signup_is_closed_by_default(db):
    response = Client().get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()


class TestSecurityHeaders:
    def test_csp_has_a_nonce_that_matches_the_page_scripts(self, member):
        response = member.client().get("/")
        csp = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        scripts = re.findall(r"<script[^>]*>", response.content.decode())
        assert scripts, "the page loads htmx"
        assert all(f'nonce="{nonce}"' in tag for tag in scripts)
        assert "unsafe-inline" not in csp

    def test_cookies_are_secure_outside_debug(self):
        from peerassist import settings as real

        assert real.SESSION_COOKIE_SECURE and real.CSRF_COOKIE_SECURE
        assert real.SESSION_COOKIE_HTTPONLY
        assert real.X_FRAME_OPTIONS == "DENY"

    def test_csrf_is_enforced_on_forms(self, member):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member.user)
        assert client.post("/account/", {"name": "x"}).status_code == 403


def test_unverified_address_gets_a_verification_email_instead_of_a_session(db):
    from tests.factories import UserFactory

    user = UserFactory(email="unverified@meridian.test")
    client = Client()
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert mail.outbox and mail.outbox[0].to == [user.email]


class TestOrganisationSettings:
    def test_admin_can_require_two_factor_for_the_organisation(self, admin, member):
        response = admin.client().post(
            "/account/organisation/", {"name": "Meridian Test", "require_two_factor": "on"}
        )
        assert response.status_code == 302
        admin.organisation.refresh_from_db()
        assert admin.organisation.require_two_factor is True
        assert member.client().get("/people/")["Location"] == "/accounts/two-factor-required/"

    @pytest.mark.parametrize("persona", ["organiser", "member", "guest", "outsider"])
    def test_only_admins_may_change_settings(self, request, persona, org):
        client = request.getfixturevalue(persona).client()
        refused = 404 if persona == "guest" else 403  # refusals are 404 for guests
        assert client.get("/account/organisation/").status_code == refused
        response = client.post(
            "/account/organisation/", {"name": "Hacked", "require_two_factor": "on"}
        )
        assert response.status_code == refused
        org.refresh_from_db()
        assert org.name == "Meridian Test" and org.require_two_factor is False
