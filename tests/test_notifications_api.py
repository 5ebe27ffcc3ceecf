"""The notifications API: the token owner's own notifications and email preference."""

import pytest
from django.test import Client

from peerassist.accounts.services import api_token_create
from peerassist.notifications.models import Delivery, Notification, Preference
from peerassist.notifications.services import notify

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


def tell(person, title="Your brief is ready"):
    (notification,) = notify([person], kind="brief.ready", title=title, url="/assists/")
    return notification


def test_without_a_token_is_401():
    assert Client().get("/api/v1/notifications/").status_code == 401


def test_list_shows_only_the_callers_notifications(member, organiser):
    mine = tell(member.person, title="Mine")
    tell(organiser.person, title="Theirs")
    body = bearer(member).get("/api/v1/notifications/").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert (item["id"], item["title"], item["read"]) == (mine.pk, "Mine", False)


def test_mark_one_read_then_filter_unread(member):
    first = tell(member.person, title="First")
    tell(member.person, title="Second")
    client = bearer(member)
    marked = client.post(f"/api/v1/notifications/{first.pk}/read")
    assert marked.status_code == 200 and marked.json()["read"] is True
    unread = client.get("/api/v1/notifications/?unread=true").json()
    assert [n["title"] for n in unread["items"]] == ["Second"]


def test_mark_all_read(member):
    tell(member.person)
    tell(member.person)
    response = bearer(member).post("/api/v1/notifications/read-all")
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_notification_is_404(member, organiser, other_org_member):
    theirs = tell(organiser.person)
    for persona in (member, other_org_member):
        response = bearer(persona).post(f"/api/v1/notifications/{theirs.pk}/read")
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_get_and_put(member):
    client = bearer(member)
    assert client.get("/api/v1/notifications/preferences").json() == {"delivery": "immediate"}
    response = client.put(
        "/api/v1/notifications/preferences", {"delivery": "daily"}, content_type=JSON
    )
    assert response.status_code == 200 and response.json() == {"delivery": "daily"}
    assert Preference.objects.get(person=member.person).delivery == Delivery.DAILY
    assert client.get("/api/v1/notifications/preferences").json() == {"delivery": "daily"}


def test_preferences_refuse_an_unknown_choice(member):
    response = bearer(member).put(
        "/api/v1/notifications/preferences", {"delivery": "hourly"}, content_type=JSON
    )
    assert response.status_code == 422
    assert not Preference.objects.exists()


def test_preferences_need_a_directory_entry(guest):
    client = bearer(guest)
    assert client.get("/api/v1/notifications/").json()["count"] == 0
    response = client.put(
        "/api/v1/notifications/preferences", {"delivery": "off"}, content_type=JSON
    )
    assert response.status_code == 403
    assert "directory" in response.json()["detail"]
