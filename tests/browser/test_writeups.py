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


# Every text ECharts draws: its option, read back from the chart in the page.
CHART_TEXTS = """() => [...document.querySelectorAll("[data-chart]")].map((el) => {
  const option = window.echarts.getInstanceByDom(el).getOption();
  const texts = [];
  for (const axis of [...(option.xAxis || []), ...(option.yAxis || [])]) {
    texts.push({ where: "axis", ...axis.axisLabel });
  }
  for (const legend of option.legend || []) texts.push({ where: "legend", ...legend.textStyle });
  const names = [];
  for (const series of option.series || []) {
    if (series.label && series.label.show) texts.push({ where: series.type, ...series.label });
    if (series.type === "graph") names.push(...series.data.map((d) => d.name));
  }
  return { id: el.dataset.chart, texts, names };
})"""


def _contrast(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)  # against the cards' white


def test_dashboard_chart_text_is_readable_and_unit_names_whole(organiser_page: Page) -> None:
    page = organiser_page
    page.goto("/reports/dashboard/")
    expect(page.locator("[data-chart] canvas")).to_have_count(4)
    charts = page.evaluate(CHART_TEXTS)
    for chart in charts:
        for text in chart["texts"]:
            assert text["fontSize"] >= 12, (chart["id"], text)
            assert _contrast(text["color"]) >= 4.5, (chart["id"], text)
            assert text.get("overflow") != "truncate", (chart["id"], text)
    (flow,) = [c for c in charts if c["names"]]
    table = page.locator(f"[data-chart='{flow['id']}'] ~ details table").text_content() or ""
    for name in flow["names"]:
        assert not name.endswith("…") and name in table, name
