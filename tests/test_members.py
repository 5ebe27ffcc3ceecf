"""The members area (pages and /api/v1/members/): who may do what as tables, invitations that
set a password, role changes, deactivation that ends access everywhere."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peerassist.accounts.models import ApiToken, Membership, Role, User
from peerassist.accounts.services import api_token_create
from peerassist.members import services
from peerassist.people.models import Person
from tests.conftest import make_persona
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
JSON = "application/json"


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


def welcome_link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/members/welcome/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def personas(admin, organiser, member, guest, outsider, other_org_member):
    return {
        "admin": admin,
        "organiser": organiser,
        "member": member,
        "guest": guest,
        "outsider": outsider,
        "other_org_admin": other_org_member,
    }


# --- Pages: role × action ------------------------------------------------------------------

PAGE_ACTIONS = [
    ("get", "members:list", False),
    ("get", "members:invite", False),
    ("post", "members:invite", False),
    ("post", "members:role", True),
    ("post", "members:deactivate", True),
    ("post", "members:reactivate", True),
    ("post", "members:resend", True),
]
# Only the organisation's administrators; an admin of another organisation gets 404 on ours.
PAGE_EXPECTED = {
    "admin": {"get": 200, "post": 302},
    "organiser": {"get": 403, "post": 403},
    "member": {"get": 403, "post": 403},
    "guest": {"get": 404, "post": 404},  # guests see nothing outside their assist
    "outsider": {"get": 403, "post": 403},
}


@pytest.mark.parametrize("persona_name", list(PAGE_EXPECTED))
@pytest.mark.parametrize(("method", "name", "needs_id"), PAGE_ACTIONS)
def test_members_pages_by_role(personas, directory, persona_name, method, name, needs_id):
    target = personas["member"].membership
    kwargs = {"membership_id": target.pk} if needs_id else {}
    url = reverse(name, kwargs=kwargs)
    client = personas[persona_name].client()
    data = {"role": "member", "people": [directory["people"]["ana"].pk]}
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == PAGE_EXPECTED[persona_name][method]


def test_anonymous_is_sent_to_sign_in(member):
    response = Client().get(reverse("members:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_admin_of_another_org_cannot_touch_our_members(other_org_member, member):
    client = other_org_member.client()
    url = reverse("members:deactivate", kwargs={"membership_id": member.membership.pk})
    assert client.post(url).status_code == 404
    member.membership.refresh_from_db()
    assert member.membership.deactivated_at is None


def test_list_shows_role_last_sign_in_and_two_factor(admin, member, django_assert_num_queries):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=member.user, type=Authenticator.Type.TOTP, data={})
    client = admin.client()
    client.get("/")  # warm the session
    response = client.get(reverse("members:list"))
    body = response.content.decode()
    assert "member@meridian.test" in body
    assert "Two-factor" in body
    rows = response.context["rows"]
    by_email = {r.membership.user.email: r for r in rows}
    assert by_email["member@meridian.test"].two_factor is True
    assert by_email["admin@meridian.test"].two_factor is False


# --- Invitations ------------------------------------------------------------------------------


def test_invited_person_sets_a_password_and_signs_in_with_the_role(admin, directory, commit):
    ana = directory["people"]["ana"]
    with commit(execute=True):
        response = admin.client().post(
            reverse("members:invite"), {"people": [ana.pk], "role": Role.ORGANISER}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@meridian.test"]
    assert "Peer Assist" in message.body
    ana.refresh_from_db()
    assert ana.user is not None and not ana.user.has_usable_password()
    link = welcome_link(message)

    client = Client()
    assert client.get(link).status_code == 200
    response = client.post(
        link, {"new_password1": "a long new secret 42", "new_password2": "a long new secret 42"}
    )
    assert response.status_code == 302
    # The link works once.
    assert client.get(link).status_code == 400

    response = client.post(
        reverse("account_login"),
        {"login": "ana@meridian.test", "password": "a long new secret 42"},
    )
    assert response.status_code == 302
    assert client.get(reverse("members:list")).status_code == 403  # organiser, not admin
    assert client.get(reverse("people:import")).status_code == 200  # organisers import


def test_a_wrong_invitation_token_is_refused(admin, directory, commit):
    ana = directory["people"]["ana"]
    with commit(execute=True):
        services.member_invite(viewer=admin.viewer, person_ids=[ana.pk], role=Role.MEMBER)
    link = welcome_link(mail.outbox[0])
    broken = link[:-3] + "xx/"
    assert Client().get(broken).status_code == 400


def test_invite_skips_people_who_are_already_members(admin, member, directory):
    report = services.member_invite(
        viewer=admin.viewer,
        person_ids=[member.person.pk, directory["people"]["bo"].pk],
        role="member",
    )
    assert [m.user.email for m in report.invited] == ["bo@meridian.test"]
    assert [(p.pk, reason) for p, reason in report.skipped] == [
        (member.person.pk, f"{member.person.name} is already a member.")
    ]


def test_invite_refuses_people_of_another_organisation(admin, directory):
    stranger = directory["people"]["stranger"]
    with pytest.raises(ValidationError):
        services.member_invite(viewer=admin.viewer, person_ids=[stranger.pk], role="member")
    assert not User.objects.filter(email="ana@other.test").exists()


def test_resend_sends_a_new_link_until_the_first_sign_in(admin, directory, commit):
    bo = directory["people"]["bo"]
    with commit(execute=True):
        report = services.member_invite(viewer=admin.viewer, person_ids=[bo.pk], role="member")
    membership = report.invited[0]
    with commit(execute=True):
        response = admin.client().post(reverse("members:resend", args=[membership.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    User.objects.filter(pk=membership.user_id).update(last_login="2026-01-01T00:00Z")
    with pytest.raises(ValidationError):
        services.member_invitation_resend(viewer=admin.viewer, membership_id=membership.pk)


def test_import_people_invite_gives_everyone_in_the_file_a_login(org, admin, tmp_path, commit):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name\nzoe@meridian.test,Zoé Martin\nyann@meridian.test,Yann Le Goff\n"
        "admin@meridian.test,Admin\n"
    )
    out = StringIO()
    with commit(execute=True):
        call_command(
            "import_people",
            *(str(path), "--org", org.slug, "--invite", "--role", "organiser"),
            stdout=out,
        )
    assert "Invited 2 people" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == ["yann@meridian.test", "zoe@meridian.test"]
    zoe = Membership.objects.get(user__email="zoe@meridian.test", organisation=org)
    assert zoe.role == Role.ORGANISER
    assert Person.objects.get(organisation=org, email="zoe@meridian.test").user == zoe.user


# --- Roles and deactivation -----------------------------------------------------------------


def test_admin_changes_a_role(admin, member):
    response = admin.client().post(
        reverse("members:role", args=[member.membership.pk]), {"role": "organiser"}
    )
    assert response.status_code == 302
    member.membership.refresh_from_db()
    assert member.membership.role == Role.ORGANISER


def test_the_last_admin_cannot_be_demoted(admin):
    with pytest.raises(ValidationError):
        services.member_role_set(
            viewer=admin.viewer, membership_id=admin.membership.pk, role="member"
        )


def test_an_admin_cannot_deactivate_themselves(admin):
    with pytest.raises(ValidationError):
        services.member_deactivate(viewer=admin.viewer, membership_id=admin.membership.pk)


def test_deactivation_ends_sessions_tokens_and_reactivation_restores(admin, member):
    session = member.client()
    assert session.get(reverse("people:directory")).status_code == 200
    token_client = bearer(member)
    assert token_client.get(f"{API}/people/").status_code == 200

    services.member_deactivate(viewer=admin.viewer, membership_id=member.membership.pk)

    assert session.get(reverse("people:directory")).status_code == 302  # signed out
    assert token_client.get(f"{API}/people/").status_code == 401
    assert not ApiToken.objects.filter(user=member.user, revoked_at__isnull=True).exists()
    response = Client().post(
        reverse("account_login"), {"login": member.user.email, "password": "whatever"}
    )
    assert response.status_code == 200  # no way back in

    services.member_reactivate(viewer=admin.viewer, membership_id=member.membership.pk)
    assert member.client().get(reverse("people:directory")).status_code == 200
    assert token_client.get(f"{API}/people/").status_code == 401  # tokens stay revoked


def test_deactivation_in_one_org_keeps_the_other(admin, org, other_org):
    both = make_persona(org, Role.MEMBER, "both@meridian.test")
    Membership.objects.create(user=both.user, organisation=other_org, role=Role.MEMBER)
    services.member_deactivate(viewer=admin.viewer, membership_id=both.membership.pk)
    both.user.refresh_from_db()
    assert both.user.is_active
    client = both.client()
    client.get("/")
    assert client.get(reverse("people:directory")).wsgi_request.viewer.organisation == other_org


# --- Linking a person to a user -----------------------------------------------------------


def test_a_person_cannot_be_linked_to_a_user_of_another_organisation(org, other_org_member):
    person = PersonFactory(organisation=org, email="x@meridian.test")
    person.user = other_org_member.user
    with pytest.raises(ValidationError):
        person.full_clean()


# --- API: role × action ------------------------------------------------------------------------

API_ACTIONS = [
    ("get", "/members/", None),
    ("get", "/members/{id}", None),
    ("post", "/members/invitations", {"person_ids": ["{ana}"], "role": "member"}),
    ("patch", "/members/{id}", {"role": "organiser"}),
    ("post", "/members/{id}/deactivate", None),
    ("post", "/members/{id}/reactivate", None),
    ("post", "/members/{id}/resend-invitation", None),
]
API_EXPECTED = {
    "admin": {
        "/members/": 200,
        "/members/{id}": 200,
        "/members/invitations": 201,
        "/members/{id}/deactivate": 200,
        "/members/{id}/reactivate": 200,
        "/members/{id}/resend-invitation": 422,  # the member has signed in already
    },
    "organiser": 403,
    "member": 403,
    "guest": 403,
    "other_org_admin": 404,
}


@pytest.mark.parametrize("persona_name", list(API_EXPECTED))
@pytest.mark.parametrize(("method", "path", "body"), API_ACTIONS)
def test_members_api_by_role(personas, directory, persona_name, method, path, body):
    target = personas["member"]
    User.objects.filter(pk=target.user.pk).update(last_login="2026-01-01T00:00Z")
    client = bearer(personas[persona_name])
    url = API + path.replace("{id}", str(target.membership.pk))
    if body and "person_ids" in body:
        body = {**body, "person_ids": [directory["people"]["ana"].pk]}
    kwargs = {"data": body, "content_type": JSON} if body is not None else {}
    response = getattr(client, method)(url, **kwargs)
    expected = API_EXPECTED[persona_name]
    if isinstance(expected, dict):
        expected = expected.get(path, 200)
    if persona_name == "other_org_admin" and path in ("/members/", "/members/invitations"):
        expected = {"/members/": 200, "/members/invitations": 422}[path]
    assert response.status_code == expected, response.content


def test_members_api_without_a_token_is_401():
    for method, path, _body in API_ACTIONS:
        response = getattr(Client(), method)(API + path.replace("{id}", "1"))
        assert response.status_code == 401, (method, path)


def test_members_api_lists_only_own_organisation(admin, member, other_org_member):
    data = bearer(admin).get(f"{API}/members/").json()
    assert sorted(m["email"] for m in data) == ["admin@meridian.test", "member@meridian.test"]
    assert {m["status"] for m in data} == {"active"}
    assert all(m["two_factor"] is False for m in data)


def test_members_api_refuses_demoting_the_last_admin_with_a_reason(admin):
    response = bearer(admin).patch(
        f"{API}/members/{admin.membership.pk}", data={"role": "member"}, content_type=JSON
    )
    assert response.status_code == 422
    assert "at least one administrator" in response.content.decode()
