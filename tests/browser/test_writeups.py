"""Editing a write-up in Chromium: the preview follows the Markdown, a save is a version."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

TITLE = "Finding leaks with acoustic loggers"


def _assert_clean(page: Page) -> None:
    problems = page.problems  # type: ignore[attr-defined]
    assert page.evaluate("window.__cspViolations") == []
    assert problems.console_errors == [], problems.console_errors
    assert problems.page_errors == [], problems.page_errors


def test_organiser_edits_the_write_up_previews_saves_and_finds_the_version(
    organiser_page: Page,
) -> None:
    page = organiser_page
    page.goto("/assists/")
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("navigation", name="This Peer Assist").get_by_role(
        "link", name="Conclusion & write-up"
    ).click()
    expect(page.get_by_role("heading", name="Conclusion of the session")).to_be_visible()
    screenshot(page, "writeup-conclusion")
    page.get_by_role("navigation", name="After the session").get_by_role(
        "link", name="Write-up", exact=True
    ).click()
    expect(page.get_by_role("heading", name="Write-up", exact=True)).to_be_visible()
    expect(page.locator("#writeup-gauge")).to_contain_text("of 2 pages")

    body = page.get_by_label("Write-up (Markdown)")
    text = body.input_value()
    assert TITLE in text
    body.fill(text + "\n\n## Added in the browser\n\nNight **correlation** first.\n")
    preview = page.locator("#writeup-preview")
    expect(preview.get_by_role("heading", name="Added in the browser")).to_be_visible()
    expect(preview.locator("strong", has_text="correlation")).to_be_visible()
    screenshot(page, "writeup-editor")

    page.get_by_label("What did you change? (optional)").fill("Added the browser section")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version")).to_be_visible()
    _assert_clean(page)

    page.get_by_role("link", name="Versions and changes").click()
    expect(page.get_by_text("Added the browser section")).to_be_visible()
    _assert_clean(page)


def test_the_dashboard_draws_four_charts_each_with_its_table(organiser_page: Page) -> None:
    page = organiser_page
    page.goto("/reports/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(4)
    for index in range(4):
        # ECharts drew into each card (a canvas), without a CSP or script error.
        expect(charts.nth(index).locator("canvas").first).to_be_attached()
    page.get_by_text("Show the data as a table").first.click()
    expect(page.locator("table caption").first).to_be_visible()
    screenshot(page, "writeup-dashboard")
    _assert_clean(page)
