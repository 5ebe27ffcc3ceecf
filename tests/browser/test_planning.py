"""Planning a Peer Assist, as the demo organiser does it in Chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CHALLENGE = (
    "We install ten thousand smart meters a month from May, and one visit in five fails "
    "because nobody is at home."
)


def _gauge_words(page: Page) -> int:
    return int(page.locator("[data-gauge-words]").inner_text().replace(",", ""))


def test_organiser_plans_an_assist_writes_the_brief_and_adds_a_visiting_peer(
    organiser_page: Page,
) -> None:
    page = organiser_page
    page.goto("/assists/")
    page.get_by_role("link", name="Plan a Peer Assist").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a Peer Assist")
    page.get_by_label("Title").fill("Fewer missed smart-meter appointments")
    page.get_by_label(re.compile(r"^Standard Peer Assist")).check()
    expect(page.get_by_label("I am in the home team")).to_be_checked()
    page.get_by_role("button", name="Create the draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fewer missed smart-meter appointments"
    )
    expect(page.get_by_text("Your draft Peer Assist is ready.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ready to invite?")).to_be_visible()
    overview_url = page.url
    assert_clean(page)

    # The brief: the gauge counts as you type, without a round trip.
    page.get_by_role("navigation", name="This Peer Assist").get_by_role(
        "link", name="Brief", exact=True
    ).click()
    expect(page.get_by_role("heading", name="The challenge brief")).to_be_visible()
    assert _gauge_words(page) == 0
    challenge = page.get_by_label("The challenge")
    challenge.press_sequentially(CHALLENGE, delay=5)
    expect(page.locator("[data-gauge-words]")).to_have_text(str(len(CHALLENGE.split())))
    expect(page.locator("[data-gauge-verdict]")).to_contain_text("Fits on one page.")

    page.get_by_label("Business context").fill("Metering. " * 520)
    page.get_by_label("Business context").press("End")
    page.get_by_label("Business context").press_sequentially(" More")
    expect(page.locator("[data-gauge-verdict]")).to_contain_text("Longer than one page")
    assert _gauge_words(page) > 500
    screenshot(page, "planning-brief-live-gauge")

    page.get_by_label("Business context").fill(
        "Customer Field Services books installation visits; installers are contractors."
    )
    page.get_by_label("Focus questions").fill(
        "How did you cut missed appointments?\nWhat made customers stay at home?"
    )
    page.get_by_role("button", name="Save the brief").click()
    expect(page.get_by_text("The brief is saved.")).to_be_visible()
    expect(page.get_by_label("The challenge")).to_have_value(CHALLENGE)
    screenshot(page, "planning-brief")
    assert_clean(page)

    # People: add a visiting peer from the directory.
    page.get_by_role("navigation", name="This Peer Assist").get_by_role(
        "link", name="People and groups"
    ).click()
    # The type-ahead picker: type part of a name, the matches appear (htmx), arrows choose.
    search = page.get_by_role("searchbox", name="Person")
    search.press_sequentially("an", delay=30)
    matches = page.locator("#add-person-results .pick-option label")
    expect(matches.first).to_be_visible()
    expect(page.locator("[data-picker-status]")).to_contain_text("match")
    name = matches.nth(1).locator("strong").inner_text()
    page.keyboard.press("Tab")  # "Find"
    page.keyboard.press("Tab")  # the first match
    page.keyboard.press("ArrowDown")  # the second: radio buttons move with the arrows
    expect(page.locator("#add-person-results input[type=radio]").nth(1)).to_be_checked()
    page.get_by_label("Role", exact=True).select_option(label="Visiting peer")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_text(f"{name} takes part as visiting peer.")).to_be_visible()
    visiting = page.locator("table[aria-labelledby=role-visiting_peer]")
    expect(visiting.get_by_role("link", name=name)).to_be_visible()
    screenshot(page, "planning-people")
    assert_clean(page)

    page.goto(overview_url)
    expect(page.get_by_text("Visiting peer (1)")).to_be_visible()
    screenshot(page, "planning-overview")

    page.get_by_role("link", name="Printable brief").click()
    expect(page.get_by_role("heading", name="Focus questions")).to_be_visible()
    expect(page.get_by_text("How did you cut missed appointments?")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    screenshot(page, "planning-brief-print")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "planning-brief-print-media")
    assert_clean(page)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("list", "/assists/"),
        ("create", "/assists/new/"),
        ("shared", "/assists/shared/"),
        ("home", "/"),
        ("agenda", "agenda/"),
        ("logistics", "logistics/"),
    ],
)
def test_planning_pages_load_cleanly(organiser_page: Page, name: str, path: str) -> None:
    page = organiser_page
    if not path.startswith("/"):
        page.goto("/assists/new/")
        page.get_by_label("Title").fill(f"Screens: {name}")
        page.get_by_role("button", name="Create the draft").click()
        path = page.url + path
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    screenshot(page, f"planning-{name}")
    assert_clean(page)
    problems = page.problems  # type: ignore[attr-defined]
    assert problems.failed_responses == [], f"failed requests: {problems.failed_responses}"


def test_naming_a_home_peer_facilitator_shows_why_not(organiser_page: Page) -> None:
    page = organiser_page
    page.goto("/assists/new/")
    page.get_by_label("Title").fill("Refusal check")
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("navigation", name="This Peer Assist").get_by_role(
        "link", name="People and groups"
    ).click()

    home = page.locator("table[aria-labelledby=role-home_peer] tbody tr").first
    home.get_by_role("combobox").select_option(label="Facilitator")
    home.get_by_role("button", name=re.compile("^Change role")).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The facilitator cannot be a member of the home team.")
    expect(alert).to_be_focused()
    expect(page.locator("table[aria-labelledby=role-home_peer] tbody tr")).to_have_count(1)
    screenshot(page, "planning-people-refusal")


def test_overview_and_people_fit_a_phone(phone_page: Page) -> None:
    page = phone_page
    page.goto("/assists/new/")
    page.get_by_label("Title").fill("On the phone")
    page.get_by_role("button", name="Create the draft").click()
    overview_url = page.url
    for name, url in (("overview", overview_url), ("people", f"{overview_url}people/")):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the {name} page scrolls sideways on a phone ({width}px)"
        screenshot(page, f"planning-phone-{name}")
    assert_clean(page)


def test_proposing_breakout_groups_on_a_planned_demo_assist(organiser_page: Page) -> None:
    page = organiser_page
    page.goto("/assists/?status=planned")
    links = page.locator("table.assists tbody tr td:first-child a")
    if links.count() == 0:
        pytest.skip("the demo data has no planned assist")
    links.first.click()
    page.get_by_role("navigation", name="This Peer Assist").get_by_role(
        "link", name="People and groups"
    ).click()
    page.get_by_role("button", name="Propose groups").click()

    expect(page.get_by_text(re.compile(r"^Proposed \d+ breakout groups?\."))).to_be_visible()
    first_group = page.locator(".groups .group").first
    expect(first_group.get_by_role("heading", name=re.compile("^Group 1"))).to_be_visible()
    screenshot(page, "planning-groups")
    assert_clean(page)
