"""Error pages render in the site's layout with a way on, with DEBUG off (as in production)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

NAV = 'aria-label="Main"'


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "the page has no <title>"
    return match.group(1).strip()


def test_debug_is_off_in_these_tests():
    assert settings.DEBUG is False


def test_404_is_in_the_layout_with_navigation_and_a_way_home(member):
    response = member.client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert NAV in html
    assert "There is no such page" in html
    assert 'href="/"' in html
    assert title_of(html) == "Not found · peerassist"


def test_404_says_the_reason_the_view_gave(member):
    response = member.client().get("/assists/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "There is no such Peer Assist, or it is not shared with you." in html
    assert NAV in html


def test_403_names_the_reason_in_plain_words(member):
    response = member.client().get("/webhooks/")
    html = response.content.decode()
    assert response.status_code == 403
    assert NAV in html
    assert "You cannot do this here" in html
    assert title_of(html) == "Not allowed · peerassist"


def test_405_after_reloading_a_form_address_is_a_page_not_an_empty_answer(member):
    response = member.client().get("/organisation/switch/", HTTP_ACCEPT="text/html")
    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This address only answers a form" in html
    assert NAV in html


def test_405_for_code_stays_as_it_was(member):
    response = member.client().generic("PUT", "/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 405
    assert b"<html" not in response.content


def test_csrf_failure_explains_and_keeps_the_layout(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    response = client.post("/organisation/switch/", {"organisation": "1"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in html
    assert "Nothing was changed" in html
    assert NAV in html


@pytest.mark.urls("tests.error_urls")
def test_500_is_in_the_layout(member):
    client = member.client()
    client.raise_request_exception = False
    response = client.get("/test-boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert 'class="site-header"' in html
    assert "a bug in a view" not in html  # no internals shown


def test_signed_out_404_offers_sign_in(client):
    response = client.get("/accounts/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "/accounts/login/?next=" in html


def test_rate_limited_page_is_in_the_layout(client):
    from django.template.loader import render_to_string

    html = render_to_string("429.html", {"status": 429})
    assert "Too many attempts" in html
    assert 'class="site-header"' in html
    assert title_of(html) == "Too many attempts · peerassist"


@pytest.mark.parametrize("path", ["/assists/", "/assists/new/", "/people/", "/communities/"])
def test_a_guest_gets_404_outside_their_assist(guest, path):
    response = guest.client().get(path)
    assert response.status_code == 404
    assert NAV in response.content.decode()
