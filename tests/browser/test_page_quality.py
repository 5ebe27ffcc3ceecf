"""Pages load cleanly (no CSP violations, no script errors) and work from the keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# (name, path, signed in?)
PAGES = [
    ("home", "/", True),
    ("directory", "/people/", True),
    ("login", "/accounts/login/", False),
]


@pytest.fixture(params=PAGES, ids=[name for name, _, _ in PAGES])
def loaded_page(request: pytest.FixtureRequest) -> Page:
    _, path, signed_in = request.param
    page: Page = request.getfixturevalue("organiser_page" if signed_in else "page")
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page


def test_no_csp_violations_or_javascript_errors(loaded_page: Page) -> None:
    assert_clean(loaded_page)
    # htmx loaded and initialised despite the strict CSP (nonce'd script, no inline styles).
    assert loaded_page.evaluate("typeof window.htmx?.version") == "string"


def test_every_resource_the_page_requests_loads(loaded_page: Page) -> None:
    problems = loaded_page.problems  # type: ignore[attr-defined]
    assert problems.failed_responses == [], f"failed requests: {problems.failed_responses}"
    assert problems.resource_errors == [], f"console: {problems.resource_errors}"


def test_site_serves_the_icon_browsers_ask_for(organiser_page: Page) -> None:
    """Without <link rel="icon">, every browser fetches /favicon.ico on its own.

    A 404 there prints "Failed to load resource: ... 404 (Not Found)" in the console of
    every page. Chromium asks only once per browser, so check it explicitly rather than
    rely on which test happens to load the first page.
    """
    page = organiser_page
    page.goto("/")
    href = page.evaluate(
        "document.querySelector('link[rel~=icon]')?.getAttribute('href') ?? '/favicon.ico'"
    )
    icon = page.request.get(href, max_redirects=0)
    assert icon.ok, f"the browser's icon request {icon.url} answered {icon.status}"


def test_first_tab_on_home_focuses_skip_link_which_moves_focus_to_main(
    organiser_page: Page,
) -> None:
    page = organiser_page
    page.goto("/")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_directory_fits_a_390px_wide_phone(phone_page: Page) -> None:
    page = phone_page
    page.goto("/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    screenshot(page, "directory-mobile-390")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390px wide"
