"""A guest without an account reaches one assist and nothing else.

The guest arrives the way a real one does: an organiser invites them by e-mail, they open
the personal link in the email, and that signs them in to a guest session. From there every
URL the project routes (walked from the URL resolver, so a new page is covered the day it is
added) is requested with the ids of ANOTHER assist of the same organisation and of objects
of ANOTHER organisation. None may answer 200 with those objects; pages that are the guest's
own (their account, their notifications, the search box) may answer, but never show another
assist's or another organisation's data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from peerassist.accounts.models import ApiToken, Membership
from peerassist.accounts.services import api_token_create
from peerassist.assists.models import (
    BreakoutGroup,
    BriefAttachment,
    JoinRequest,
    Participation,
    Role,
    Status,
    Visibility,
)
from peerassist.communities.models import Give, Take
from peerassist.invitations import services
from peerassist.invitations.models import Invitation
from peerassist.notifications.models import Notification
from peerassist.webhooks.models import Webhook
from peerassist.writeups.models import Action, ConnectPair, WriteUp, WriteUpVersion
from tests.conftest import make_persona
from tests.factories import (
    CommunityFactory,
    MeetingFactory,
    PeerAssistFactory,
    PersonFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

#: Every object the guest must not reach carries this word in its title or text.
LEAK = "Zanzibarleak"

#: Pages that belong to the guest themselves (their account, sign-in machinery, their
#: notifications, the search box, the language switch, the API's own description): they
#: may answer, but must show nothing of anyone else's assists or organisations.
OWN_PAGES = {
    "home",
    "healthz",
    "readyz",
    "two_factor_required",
    "accounts:profile",
    "notifications:list",
    "notifications:preferences",
    "notifications:read_all",
    "core:switch_organisation",
    "search:search",
    "set_language",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "admin:login",
    # Revoking a token that is not the guest's own does nothing and goes back to the profile
    # (checked below: the other user's token still works).
    "accounts:token_revoke",
}
#: Signing out would end the guest session the matrix runs in.
SKIPPED = {"account_logout", "admin:logout"}
#: What a guest may get on a page that is not about one object: refused, not found,
#: sent to sign in elsewhere (the admin), or told the method is wrong.
REFUSED = {302, 403, 404, 405}


@dataclass
class World:
    guest_client: Client
    guest_user: object
    own: object  # the guest's assist
    targets: dict[str, dict[str, object]]  # "same_org" / "other_org" → kwarg → value


def _objects_around(org, assist, person, author) -> dict[str, object]:
    """One of every kind of object hanging off `assist` (or its organisation)."""
    Participation.objects.create(assist=assist, person=person, role=Role.VISITING_PEER)
    participation = Participation.objects.create(assist=assist, person=author, role=Role.HOME_PEER)
    group = BreakoutGroup.objects.create(assist=assist, name=f"{LEAK} group")
    join = JoinRequest.objects.create(assist=assist, person=person, role=Role.OBSERVER)
    attachment = BriefAttachment.objects.create(
        assist=assist, name=f"{LEAK}.txt", file="attachments/leak.txt"
    )
    action = Action.objects.create(assist=assist, title=f"{LEAK} action", owner=author)
    pair = ConnectPair.objects.create(assist=assist, home_peer=author, visiting_peer=person)
    writeup = WriteUp.objects.create(
        assist=assist,
        body=f"# {LEAK} write-up",
        status="published",
        published_at=timezone.now(),
        shared_with_guests=True,
        version=1,
    )
    WriteUpVersion.objects.create(writeup=writeup, number=1, body=writeup.body)
    community = CommunityFactory(organisation=org, name=f"{LEAK} community", members=[person])
    meeting = MeetingFactory(community=community, title=f"{LEAK} meeting")
    topic = TopicFactory(organisation=org, title=f"{LEAK} topic")
    give = Give.objects.create(
        community=community, meeting=meeting, person=person, title=f"{LEAK} give"
    )
    take = Take.objects.create(
        community=community, meeting=meeting, person=person, title=f"{LEAK} take"
    )
    notification = Notification.objects.create(
        organisation=org, person=person, kind="test", title=f"{LEAK} notification"
    )
    webhook = Webhook.objects.create(
        organisation=org, url="https://zanzibarleak.example/hook", secret="s" * 32
    )
    invitation = Invitation.objects.create(assist=assist, person=person, role=Role.VISITING_PEER)
    membership = Membership.objects.filter(organisation=org).exclude(user=None).first()
    token = api_token_create(user=membership.user, organisation=org, name=f"{LEAK} token")
    return {
        "assist_id": assist.pk,
        "person_id": person.pk,
        "participation_id": participation.pk,
        "request_id": join.pk,
        "attachment_id": attachment.pk,
        "action_id": action.pk,
        "pair_id": pair.pk,
        "number": 1,
        "invitation_id": invitation.pk,
        "community_id": community.pk,
        "meeting_id": meeting.pk,
        "topic_id": topic.pk,
        "take_id": take.pk,
        "give_id": give.pk,
        "notification_id": notification.pk,
        "webhook_id": webhook.pk,
        "token_id": token.token.pk,
        "membership_id": membership.pk,
        "provider_id": f"sso-{org.slug}",  # single sign-on (none set up here: 404)
        "uidb64": "MQ",
        "step_id": assist.steps.values_list("pk", flat=True).first() or 1,
        "format_id": assist.format_id,
        "unit_id": person.unit_id,
        "group_id": group.pk,
        "object_id": assist.pk,
        "content_type_id": 1,
        "token": "not-a-real-token",
        "fmt": "csv",
        "key": "not-a-key",
        "rest": "no-such-endpoint/",  # the API's JSON 404 for unknown addresses
        "uidb36": "1",
        "id": membership.user.pk,
        "app_label": "assists",
        "url": "assists/peerassist/",
    }


@pytest.fixture
def world(org, other_org, organiser, other_org_member, django_capture_on_commit_callbacks) -> World:
    starts = timezone.now() + timedelta(days=10)
    own = PeerAssistFactory(
        organisation=org, title="Our own assist", starts_at=starts, status="invited"
    )
    Participation.objects.create(assist=own, person=organiser.person, role=Role.HOME_PEER)

    # The assist next door, shared with the whole organisation, and one of another org.
    same = PeerAssistFactory(
        organisation=org,
        title=f"{LEAK} next door",
        starts_at=starts,
        visibility=Visibility.ORGANISATION,
        status=Status.WRITTEN_UP,
        challenge=f"{LEAK} challenge",
    )
    other = PeerAssistFactory(
        organisation=other_org,
        title=f"{LEAK} elsewhere",
        starts_at=starts,
        visibility=Visibility.ORGANISATION,
        status=Status.WRITTEN_UP,
        challenge=f"{LEAK} challenge",
    )
    member_next_door = make_persona(org, "member", "neighbour@meridian.test")
    targets = {
        "same_org": _objects_around(
            org,
            same,
            PersonFactory(organisation=org, name=f"{LEAK} Pat", email="pat@meridian.test"),
            member_next_door.person,
        ),
        "other_org": _objects_around(
            other_org,
            other,
            PersonFactory(organisation=other_org, name=f"{LEAK} Oz", email="oz@other.test"),
            other_org_member.person,
        ),
    }

    # The guest flow: an invitation email → its personal link → a guest session.
    with django_capture_on_commit_callbacks(execute=True):
        services.guest_invite(
            viewer=organiser.viewer,
            assist=own,
            name="Priya Partner",
            email="priya@partner.test",
            role=Role.VISITING_PEER,
        )
    (message,) = mail.outbox
    (path,) = re.findall(r"http://127\.0\.0\.1:8000(/guest/[^/\s]+/)", message.body)
    client = Client()
    landing = client.get(path)
    assert landing.status_code == 302
    assert landing["Location"] == reverse("invitations:brief", args=[own.pk])
    guest_user = Membership.objects.get(user__email="priya@partner.test").user
    assert not guest_user.has_usable_password()
    return World(client, guest_user, own, targets)


def routes() -> Iterator[tuple[str, list[str]]]:
    """(url name, its keyword arguments) of every named route."""

    def walk(patterns, namespace="", outer=()):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                # Arguments may be captured by the include (allauth's oidc/<provider_id>/).
                groups = (*outer, *pattern.pattern.regex.groupindex)
                yield from walk(pattern.url_patterns, inner, groups)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (
                    f"{namespace}{pattern.name}",
                    [*outer, *pattern.pattern.regex.groupindex],
                )

    seen = set()
    for name, kwargs in walk(get_resolver().url_patterns):
        if name not in seen:
            seen.add(name)
            yield name, kwargs


ROUTES = sorted(routes())
PAGES = [(name, kwargs) for name, kwargs in ROUTES if not name.startswith("api:")]
API = [(name, kwargs) for name, kwargs in ROUTES if name.startswith("api:")]
#: Query strings for the routes that need one to reach their permission check.
QUERY = {
    # The search box echoes the query: look for words the hidden objects hold instead.
    "search:search": "?q=challenge+write-up+next+door",
    "api:search": "?q=challenge",
    "api:quarterly_report": "?quarter=2026Q4",
    "reports:report": "?quarter=2026Q4",
}
#: API answers a guest may get on their own things (their assists, the shipped formats,
#: their notifications): checked for leaks like every other answer.
OWN_API = {
    "api:list_assists",
    "api:create_assist",  # same path as the list
    "api:list_formats",
    "api:get_format",  # the shipped format: everyone's
    "api:list_notifications",
    "api:get_preferences",
    "api:put_preferences",
    "api:mark_all_read",
    "api:search",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
}
MISSING = 987654


def assert_no_leak(response, where):
    body = b"".join(response) if response.streaming else response.content
    assert LEAK.lower().encode() not in body.lower(), where


def url_for(name, kwargs, values):
    missing = set(kwargs) - set(values)
    assert not missing, f"{name}: add an object for {missing} to _objects_around()"
    return reverse(name, kwargs={k: values[k] for k in kwargs}) + QUERY.get(name, "")


def missing_values(values):
    return {k: (MISSING if isinstance(v, int) else v) for k, v in values.items()}


def test_the_matrix_covers_the_project(world, organiser):
    # The hidden objects are there to be found: an organiser of the org sees them.
    found = organiser.client().get(url_for("search:search", [], {})).content.decode()
    assert LEAK in found
    same = world.targets["same_org"]
    assert LEAK in organiser.client().get(url_for("assists:overview", ["assist_id"], same)).text
    names = {name for name, _kwargs in ROUTES}
    for name in ("assists:overview", "live:room", "writeups:writeup", "api:get_assist"):
        assert name in names
    assert len(PAGES) > 150 and len(API) > 60


def check(client, method, name, kwargs, values, *, own, refused, **extra):
    """One request: never another's data; never a success unless it is the guest's own
    page; a refusal of an object is the same whether the object exists or not."""
    url = url_for(name, kwargs, values)
    if method == "get":
        extra = {}
    response = getattr(client, method)(url, **extra)
    where = f"{method.upper()} {url} ({name}) → {response.status_code}"
    assert_no_leak(response, where)
    if name in own:
        return None
    if response.status_code not in refused:
        return where
    if kwargs and response.status_code == 403:
        # 403 is what guests get before any lookup (documented in test_assist_pages):
        # it must not tell a real id from a made-up one.
        ghost = getattr(client, method)(url_for(name, kwargs, missing_values(values)), **extra)
        if ghost.status_code != 403:
            return f"{where}, but {ghost.status_code} for an id that does not exist"
    return None


@pytest.mark.parametrize("target", ["same_org", "other_org"])
def test_a_guest_gets_no_page_of_another_assist_or_organisation(world, target):
    values = world.targets[target]
    client = world.guest_client
    failures = []
    for name, kwargs in PAGES:
        if name in SKIPPED:
            continue
        refused = {403, 404, 405} if kwargs else REFUSED
        if name.startswith("admin:"):
            refused = {302, 404, 405}  # not staff: sent to the admin's sign-in
        elif name.startswith(("account_", "mfa_", "socialaccount_")):
            # the guest's own sign-in pages (allauth's single sign-on failure page says 401)
            refused = REFUSED | {200, 401}
        elif name == "members:welcome":
            refused = {400}  # a member invitation link that does not work says so
        for method in ("get", "post"):
            failure = check(client, method, name, kwargs, values, own=OWN_PAGES, refused=refused)
            if failure:
                failures.append(failure)
    assert not failures, "\n".join(failures)
    # Still the guest's session (nothing above signed them out), still one assist only.
    assert client.get(reverse("invitations:brief", args=[world.own.pk])).status_code == 200
    assert ApiToken.objects.get(pk=values["token_id"]).revoked_at is None


@pytest.mark.parametrize("target", ["same_org", "other_org"])
def test_the_api_gives_a_guest_nothing_of_another_assist_or_organisation(world, target):
    """Reads with the guest's browser session; reads and writes with a token of theirs."""
    values = world.targets[target]
    org = world.own.organisation
    raw = api_token_create(user=world.guest_user, organisation=org, name="guest").raw
    bearer = Client(headers={"authorization": f"Bearer {raw}"})
    failures = []
    for name, kwargs in API:
        refused = {401, 403, 404, 405}
        session = check(
            world.guest_client, "get", name, kwargs, values, own=OWN_API, refused=refused
        )
        failures += [session] if session else []
        for method in ("get", "post", "put", "patch", "delete"):
            failure = check(
                bearer,
                method,
                name,
                kwargs,
                values,
                own=OWN_API,
                refused=refused | ({422} if method != "get" else set()),
                data="{}",
                content_type="application/json",
            )
            failures += [failure] if failure else []
    assert not failures, "\n".join(failures)


# --- What the guest does reach: their assist's brief, live room and shared write-up ---------


def test_the_guest_reads_the_brief_of_their_assist(world):
    page = world.guest_client.get(reverse("invitations:brief", args=[world.own.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Our own assist" in text
    assert reverse("live:room", args=[world.own.pk]) not in text  # not live yet


def test_the_guest_enters_the_live_room_once_it_is_live(world):
    client, own = world.guest_client, world.own
    room = reverse("live:room", args=[own.pk])
    own.status = Status.LIVE
    own.save(update_fields=["status"])
    assert (
        reverse("live:room", args=[own.pk])
        in client.get(reverse("invitations:brief", args=[own.pk])).content.decode()
    )
    assert client.get(room).status_code == 200


@pytest.mark.parametrize("shared", [True, False])
def test_the_guest_reads_the_write_up_only_when_shared_with_guests(world, shared):
    client, own = world.guest_client, world.own
    own.status = Status.WRITTEN_UP
    own.save(update_fields=["status"])
    WriteUp.objects.create(
        assist=own,
        body="# What we learned\n\nCall customers in the evening.",
        status="published",
        published_at=timezone.now(),
        shared_with_guests=shared,
        version=1,
    )
    page = client.get(reverse("writeups:writeup", args=[own.pk]))
    brief = client.get(reverse("invitations:brief", args=[own.pk])).content.decode()
    if shared:
        assert page.status_code == 200
        assert "Call customers in the evening." in page.content.decode()
        assert reverse("writeups:writeup", args=[own.pk]) in brief
    else:
        assert page.status_code in (403, 404)
        assert "Call customers in the evening." not in page.content.decode()
        assert reverse("writeups:writeup", args=[own.pk]) not in brief


def test_the_guests_api_lists_only_their_assist(world):
    listed = world.guest_client.get("/api/v1/assists/").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [a["id"] for a in items] == [world.own.pk]


def test_a_withdrawn_invitation_closes_the_guest_link(world, organiser):
    invitation = Invitation.objects.get(assist=world.own, person__email="priya@partner.test")
    link = re.findall(r"http://127\.0\.0\.1:8000(/guest/[^/\s]+/)", mail.outbox[0].body)[0]
    services.invitation_cancel(
        viewer=organiser.viewer, assist=world.own, invitation_id=invitation.pk
    )
    again = Client().get(link)
    assert again.status_code == 403
    assert "This link does not work" in again.content.decode()
    # And the session it opened before no longer reaches the assist.
    assert (
        world.guest_client.get(reverse("invitations:brief", args=[world.own.pk])).status_code == 404
    )


def test_the_guest_answers_from_the_brief_until_they_have(world):
    client, own = world.guest_client, world.own
    brief = client.get(reverse("invitations:brief", args=[own.pk])).content.decode()
    (accept,) = re.findall(r'href="(/rsvp/[^"]+)"', brief)[:1]
    assert "Yes, I will take part" in brief and "Suggest someone else" in brief
    assert client.post(accept).status_code == 200
    brief = client.get(reverse("invitations:brief", args=[own.pk])).content.decode()
    assert "/rsvp/" not in brief and "Accepted" in brief


def test_a_new_guest_gets_the_assists_time_zone(world):
    from peerassist.people.models import Person

    priya = Person.objects.get(email="priya@partner.test")
    assert priya.time_zone == world.own.time_zone == "Europe/London"
    assert "(Europe/London)" in mail.outbox[0].body


def test_a_guest_link_opened_while_signed_in_asks_first_and_never_logs_out_on_get(world, member):
    link = re.findall(r"http://127\.0\.0\.1:8000(/guest/[^/\s]+/)", mail.outbox[0].body)[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    asked = client.get(link)
    assert asked.status_code == 200
    body = asked.content.decode()
    assert "Which account do you want to use?" in body
    assert member.user.email in body and "priya@partner.test" in body
    assert int(client.session["_auth_user_id"]) == member.user.pk  # still the member
    # A cross-site POST without the CSRF token does not switch either.
    assert client.post(link).status_code == 403
    assert int(client.session["_auth_user_id"]) == member.user.pk
    token = asked.context["csrf_token"]
    switched = client.post(link, {"csrfmiddlewaretoken": str(token)})
    assert switched.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.guest_user.pk
    # Opening the link again as that guest goes straight in.
    assert client.get(link).status_code == 302


def test_the_guests_home_lists_their_assist_with_brief_answers_and_room(world):
    client, own = world.guest_client, world.own
    home = client.get("/").content.decode()
    assert "Our own assist" in home
    assert reverse("invitations:brief", args=[own.pk]) in home
    assert "Yes, I will take part" in home and "/rsvp/" in home
    assert reverse("live:room", args=[own.pk]) not in home  # not live yet
    assert LEAK not in home
    own.status = Status.LIVE
    own.save(update_fields=["status"])
    assert reverse("live:room", args=[own.pk]) in client.get("/").content.decode()


def test_the_guests_home_shows_the_write_up_when_shared(world):
    client, own = world.guest_client, world.own
    own.status = Status.WRITTEN_UP
    own.save(update_fields=["status"])
    WriteUp.objects.create(
        assist=own,
        body="# What we learned",
        status="published",
        published_at=timezone.now(),
        shared_with_guests=True,
        version=1,
    )
    assert reverse("writeups:writeup", args=[own.pk]) in client.get("/").content.decode()


def test_a_withdrawn_invitation_leaves_the_guests_home(world, organiser):
    invitation = Invitation.objects.get(assist=world.own, person__email="priya@partner.test")
    services.invitation_cancel(
        viewer=organiser.viewer, assist=world.own, invitation_id=invitation.pk
    )
    assert "Our own assist" not in world.guest_client.get("/").content.decode()
