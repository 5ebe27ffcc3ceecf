"""The type-ahead person picker in Chromium: by keyboard with JavaScript, and by "Find" without."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser


def _people_tab(page: Page) -> None:
    page.goto("/assists/")
    page.get_by_role("link", name="Plan a Peer Assist").first.click()
    page.get_by_label("Title").fill("Picking people by keyboard")
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("navigation", name="This Peer Assist").get_by_role(
        "link", name="People and groups"
    ).click()


def test_the_picker_finds_and_adds_someone_by_keyboard(organiser_page: Page) -> None:
    page = organiser_page
    _people_tab(page)
    search = page.get_by_role("searchbox", name="Person")
    search.focus()
    page.keyboard.type("xyzzy", delay=20)
    expect(page.locator("#add-person-results")).to_contain_text("Nobody matches")
    search.fill("")
    page.keyboard.type("a", delay=20)
    options = page.locator("#add-person-results input[type=radio]")
    expect(options.first).to_be_visible()
    assert options.count() <= 20
    expect(page.locator("[data-picker-status]")).not_to_be_empty()
    # Enter in the search box searches (htmx), it does not post the "Add" form.
    before = page.url
    search.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.url == before  # no page load: htmx fetched the matches
    expect(options.first).to_be_visible()
    page.wait_for_timeout(500)  # a late answer to the typing would replace the matches
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Find")).to_be_focused()
    page.keyboard.press("Tab")
    expect(options.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    chosen = options.nth(1)
    expect(chosen).to_be_checked()
    chosen_id = chosen.get_attribute("id")
    name = page.locator(f"label[for='{chosen_id}'] strong").inner_text()
    screenshot(page, "person-picker")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text(f"{name} takes part as visiting peer.")).to_be_visible()
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.console_errors == [] and problems.page_errors == []


def test_without_javascript_find_lists_the_matches(browser: Browser, app_server: AppServer) -> None:
    context = browser.new_context(
        base_url=app_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill("organiser@meridian.example")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        _people_tab(page)
        page.get_by_role("searchbox", name="Person").fill("a")
        page.get_by_role("button", name="Find").click()
        options = page.locator("#add-person-results input[type=radio]")
        expect(options.first).to_be_visible()
        options.first.check()
        name = page.locator("#add-person-results .pick-option strong").first.inner_text()
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text(f"{name} takes part as")).to_be_visible()
    finally:
        context.close()
