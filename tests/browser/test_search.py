"""Searching the demo organisation in Chromium: results follow the typing, no reload."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_results_follow_the_typing_without_a_reload_on_a_labelled_landmarked_page(
    organiser_page: Page,
) -> None:
    page = organiser_page
    page.goto("/search/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has solved this before?")
    # Landmarks: the main navigation, the search form and the main content.
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    expect(page.get_by_role("main")).to_be_visible()
    box = page.get_by_label("Search for")  # the input has a real <label>
    expect(box).to_be_visible()

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    box.press_sequentially("smart meters", delay=40)
    hits = page.locator("#search-results .search-hit")
    expect(hits.first).to_be_visible()
    expect(page.locator("#search-results mark").first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"\d+ results?"))
    expect(page.locator("#count-brief")).to_contain_text(re.compile(r"\(\d+\)"))
    expect(page).to_have_url(re.compile(r"/search/\?q=smart\+meters$"))
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "search-results")

    box.fill("zzqxnothing")
    expect(page.get_by_role("status")).to_have_text("No results.")
    assert page.evaluate("window.__sameDocument") is True

    problems = page.problems  # type: ignore[attr-defined]
    assert page.evaluate("window.__cspViolations") == []
    assert problems.console_errors == [] and problems.page_errors == []
