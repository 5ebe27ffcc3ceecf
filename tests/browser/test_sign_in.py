"""Signing in through the real login form, and allauth's per-account lock-out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.demo_data import server_shell

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import AppServer

pytestmark = pytest.mark.browser

WRONG_PASSWORD_MESSAGE = "The email address and/or password you specified are not correct."


def test_demo_organiser_signs_in_and_lands_on_home_with_people_count(
    page: Page, app_server: AppServer
) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    screenshot(page, "login")

    sign_in(page, "organiser@meridian.example")

    assert page.url == f"{app_server.url}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Meridian Water")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    people_card = page.get_by_role("link", name=re.compile(r"^\d+ people$"))
    expect(people_card).to_be_visible()
    home_count = int(people_card.inner_text().split()[0])
    screenshot(page, "home")

    people_card.click()
    expect(page).to_have_url(f"{app_server.url}/people/")
    expect(page.locator("#results .count")).to_have_text(f"{home_count} people")


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    page: Page, app_server: AppServer
) -> None:
    # An account of its own: the lock lasts, and later tests sign in as the demo's member.
    email = server_shell(
        app_server,
        "from peerassist.accounts.models import Organisation\n"
        "give_login('locked.out@meridian.example', Organisation.objects.get(slug='meridian'))\n"
        "print(json.dumps('locked.out@meridian.example'))",
    )
    for attempt in range(1, 6):
        sign_in(page, email, password=f"not-the-password-{attempt}")
        expect(page.get_by_text(WRONG_PASSWORD_MESSAGE), f"attempt {attempt}").to_be_visible()

    sign_in(page, email)

    expect(page).to_have_url(f"{app_server.url}/accounts/login/")
    expect(page.get_by_text("Too many failed login attempts. Try again later.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
