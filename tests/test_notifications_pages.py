"""The notifications page, marking read, email settings and the unread count in the nav."""

import re

import pytest
from django.test import Client

from peerassist.notifications.models import Delivery, Notification, Preference
from peerassist.notifications.services import notify

pytestmark = pytest.mark.django_db


def tell(person, title="Your brief is ready", url="/assists/"):
    (notification,) = notify([person], kind="brief.ready", title=title, url=url)
    return notification


def test_the_list_shows_own_notifications_unread_first_marked_new(member, organiser):
    tell(member.person, title="For the member")
    tell(organiser.person, title="For the organiser")
    page = member.client().get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "For the member" in html
    assert "For the organiser" not in html
    assert "Mark as read" in html
    assert 'class="badge nav-count">1' in html


def test_unread_filter_hides_what_was_read(member):
    read = tell(member.person, title="Old news")
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00Z")
    tell(member.person, title="Fresh news")
    html = member.client().get("/notifications/?show=unread").content.decode()
    assert "Fresh news" in html and "Old news" not in html


def test_marking_one_read_with_htmx_returns_the_item_and_the_new_count(member):
    first = tell(member.person, title="One")
    tell(member.person, title="Two")
    response = member.client().post(
        f"/notifications/{first.pk}/read/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html
    assert "Mark as read" not in html
    assert 'hx-swap-oob="true"' in html and ">1<" in html
    first.refresh_from_db()
    assert first.read_at is not None


def test_marking_all_read(member):
    tell(member.person, title="One")
    tell(member.person, title="Two")
    response = member.client().post("/notifications/read-all/", follow=True)
    assert response.status_code == 200
    assert not Notification.objects.filter(person=member.person, read_at__isnull=True).exists()
    assert "nav-count" not in response.content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(member):
    notification = tell(member.person, url="/assists/")
    response = member.client().get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/assists/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_offsite_link_is_not_followed(member):
    notification = tell(member.person, url="https://evil.example/")
    response = member.client().get(f"/notifications/{notification.pk}/")
    assert response["Location"] == "/notifications/"


@pytest.mark.parametrize("action", ["open", "read"])
def test_someone_elses_notification_is_404(member, organiser, other_org_member, action):
    notification = tell(organiser.person)
    for persona in (member, other_org_member):
        client = persona.client()
        if action == "open":
            response = client.get(f"/notifications/{notification.pk}/")
        else:
            response = client.post(f"/notifications/{notification.pk}/read/")
        assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_preferences_page_saves_the_choice(member):
    client = member.client()
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    assert 'value="immediate"' in page.content.decode()
    response = client.post("/notifications/preferences/", {"delivery": "daily"})
    assert response.status_code == 302
    assert Preference.objects.get(person=member.person).delivery == Delivery.DAILY
    html = client.get("/notifications/preferences/").content.decode()
    assert re.search(r'value="daily"[^>]*checked', html)


def test_preferences_refuse_an_unknown_choice(member):
    response = member.client().post("/notifications/preferences/", {"delivery": "hourly"})
    assert response.status_code == 200
    assert not Preference.objects.exists()


def test_preferences_are_reachable_from_the_list_and_the_account_page(member):
    client = member.client()
    for path in ("/notifications/", "/account/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "/notifications/preferences/" in page.content.decode(), path


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("organiser", 200), ("member", 200), ("guest", 200), ("outsider", 403)],
)
def test_who_reaches_the_notifications_page(request, persona, status):
    client = request.getfixturevalue(persona).client()
    assert client.get("/notifications/").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get("/notifications/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_guest_without_a_directory_entry_cannot_choose_email(guest):
    response = guest.client().post("/notifications/preferences/", {"delivery": "off"})
    assert response.status_code == 404  # refusals are 404 for guests (core/errors.py)


def test_list_page_queries_do_not_grow_with_notifications(member, django_assert_max_num_queries):
    for n in range(25):
        tell(member.person, title=f"Item {n}")
    client = member.client()
    client.get("/notifications/")
    with django_assert_max_num_queries(12):
        assert client.get("/notifications/").status_code == 200
