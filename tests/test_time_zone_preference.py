"""The viewer's time zone: saved in the account, else the browser's, else the site's; pages
show times on that clock; saving it carries the person's directory entry (e-mails) along."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from peerassist.accounts.models import User
from peerassist.accounts.services import user_time_zone_set
from peerassist.assists.models import Participation, Role
from peerassist.core.middleware import BROWSER_ZONE_COOKIE
from tests.factories import PeerAssistFactory

pytestmark = pytest.mark.django_db

STARTS = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 09:30 in Paris, 03:30 in New York


@pytest.fixture
def assist(org, member):
    assist = PeerAssistFactory(organisation=org, starts_at=STARTS, time_zone="Europe/Paris")
    Participation.objects.create(assist=assist, person=member.person, role=Role.HOME_PEER)
    return assist


def overview(client: Client, assist) -> str:
    response = client.get(f"/assists/{assist.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("saved", "cookie", "expected"),
    [
        ("", "", "Tue 1 Dec 2026, 08:30 (UTC)"),  # the site's zone (UTC in the tests)
        ("", "Europe/Paris", "Tue 1 Dec 2026, 09:30"),  # the browser's
        ("", "Not/AZone", "Tue 1 Dec 2026, 08:30"),  # a forged cookie is ignored
        ("America/New_York", "Europe/Paris", "Tue 1 Dec 2026, 03:30"),  # saved beats browser
    ],
)
def test_times_follow_the_saved_zone_then_the_browser_then_the_site(
    member, assist, saved, cookie, expected
):
    if saved:
        user_time_zone_set(user=member.user, time_zone=saved)
    client = member.client()
    if cookie:
        client.cookies[BROWSER_ZONE_COOKIE] = cookie
    assert expected in overview(client, assist)


def test_a_session_seen_from_another_zone_names_the_readers_zone(member, assist):
    user_time_zone_set(user=member.user, time_zone="America/New_York")
    assert "Tue 1 Dec 2026, 03:30" in overview(member.client(), assist)
    assert "(America/New York)" in overview(member.client(), assist)
    user_time_zone_set(user=member.user, time_zone="Europe/Paris")
    html = overview(member.client(), assist)
    assert "Tue 1 Dec 2026, 09:30" in html and "(Europe/Paris)" not in html


def test_saving_the_zone_from_the_account_page(member):
    client = member.client()
    page = client.get("/account/").content.decode()
    assert 'name="time_zone"' in page and "Europe/Paris" in page
    response = client.post("/account/time-zone/", {"time_zone": "Europe/Paris"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    member.user.refresh_from_db()
    member.person.refresh_from_db()
    assert member.user.time_zone == "Europe/Paris"
    assert member.person.time_zone == "Europe/Paris"  # e-mails reach them on the same clock
    assert "Times are now shown in Europe/Paris." in client.get("/account/").content.decode()


def test_a_name_that_is_not_a_zone_is_refused_with_a_reason(member):
    client = member.client()
    response = client.post("/account/time-zone/", {"time_zone": "Paris"}, follow=True)
    assert response.status_code == 200
    assert "is not a time zone name such as Europe/Paris" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.time_zone == ""


def test_the_home_page_offers_to_keep_the_browsers_zone(member):
    client = member.client()
    assert "your browser's time zone" not in client.get("/").content.decode()
    client.cookies[BROWSER_ZONE_COOKIE] = "Asia/Tokyo"
    html = client.get("/").content.decode()
    assert "Times are shown in Asia/Tokyo, your browser" in html
    response = client.post("/account/time-zone/", {"time_zone": "Asia/Tokyo", "next": "/"})
    assert response["Location"] == "/"
    assert "your browser's time zone" not in client.get("/").content.decode()


def test_the_next_address_never_leaves_the_site(member):
    response = member.client().post(
        "/account/time-zone/", {"time_zone": "Asia/Tokyo", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/account/"


def test_signed_out_visitors_cannot_save_a_zone(client):
    response = client.post("/account/time-zone/", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not User.objects.exclude(time_zone="").exists()


def test_only_post_saves(member):
    assert member.client().get("/account/time-zone/").status_code == 405
