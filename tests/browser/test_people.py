"""The People directory and the CSV import, as an organiser uses them in Chromium."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

    from tests.browser.conftest import AppServer

pytestmark = pytest.mark.browser

HEADER = "email,name,unit,job_title,level,languages,time_zone,expertise,bio,external\n"


def _is_htmx_directory_request(response: Response) -> bool:
    return "/people/?" in response.url and response.request.headers.get("hx-request") == "true"


def _count(page: Page) -> int:
    text = page.locator("#results .count").inner_text()
    match = re.fullmatch(r"(\d+) (?:person|people)", text)
    assert match, f"unexpected count line {text!r}"
    return int(match.group(1))


def _mark_document(page: Page) -> None:
    """Tag the current document; a full page load would lose the tag."""
    page.evaluate("window.__sameDocument = true")


def _still_same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def test_typing_in_search_filters_the_directory_without_reloading(
    organiser_page: Page, app_server: AppServer
) -> None:
    page = organiser_page
    page.goto("/people/")
    total = _count(page)
    assert total > 25, "the demo directory should fill more than one page"
    screenshot(page, "directory")
    _mark_document(page)

    search = page.get_by_role("search").get_by_label("Search", exact=True)
    with page.expect_response(_is_htmx_directory_request) as htmx_response:
        search.press_sequentially("Tanaka", delay=20)
    assert htmx_response.value.ok

    expect(page.locator("#results .count")).to_have_text("1 person")
    rows = page.locator("#results table.people tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link")).to_have_text("Hiroshi Tanaka")
    expect(page).to_have_url(re.compile(r"/people/\?q=Tanaka(&|$)"))
    assert _still_same_document(page), "the search reloaded the page instead of swapping results"
    # The form lives outside the swapped region: what was typed stays in the box.
    expect(search).to_have_value("Tanaka")

    rows.first.get_by_role("link", name="Hiroshi Tanaka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiroshi Tanaka")
    expect(page.get_by_text("hiroshi.tanaka@meridian.example")).to_be_visible()
    screenshot(page, "person-detail")


def test_filtering_by_language_lists_only_speakers_of_it(
    organiser_page: Page, app_server: AppServer
) -> None:
    page = organiser_page
    page.goto("/people/")
    total = _count(page)
    _mark_document(page)

    # Scoped to the search form: the footer has its own "Language" select.
    language = page.get_by_role("search").get_by_label("Language", exact=True)
    with page.expect_response(_is_htmx_directory_request):
        language.select_option(label="French")

    expect(page).to_have_url(re.compile(r"/people/\?.*language=fr"))
    expect(page.locator("#results .count")).not_to_have_text(f"{total} people")
    french = _count(page)
    assert 0 < french < total
    assert _still_same_document(page)
    rows = page.locator("#results table.people tbody tr")
    expect(rows).to_have_count(min(french, 25))
    for languages in rows.locator("td:nth-child(4)").all_inner_texts():
        assert "fr" in [code.strip() for code in languages.split(",")], languages


def test_csv_import_reports_bad_line_and_imports_nothing_then_imports_good_file(
    organiser_page: Page, app_server: AppServer
) -> None:
    page = organiser_page
    page.goto("/people/")
    before = _count(page)

    page.get_by_role("link", name="Import from CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people from CSV")
    bad = (
        HEADER
        + "wren.e2e@meridian.example,Wren Ellery,Operations,Planner,professional,en,"
        + "Europe/London,shift planning,,no\n"
        + "yann.e2e@meridian.example,Yann Ortolan,Operations,Boss,boss,fr,"
        + "Europe/Paris,,,no\n"
    )
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Check the file").click()

    report = page.get_by_role("alert")
    expect(report.get_by_role("heading")).to_have_text("Nothing was imported: 1 problem to fix")
    problem_rows = report.locator("tbody tr")
    expect(problem_rows).to_have_count(1)
    cells = problem_rows.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")
    expect(cells.nth(1)).to_have_text("level")
    expect(cells.nth(2)).to_contain_text("'boss' is not one of")
    screenshot(page, "import-with-errors")

    page.goto("/people/")
    assert _count(page) == before, "a file with a bad line must import nothing"
    page.goto("/people/?q=Wren+Ellery")
    expect(page.locator("#results .count")).to_have_text("0 people")

    good = bad.replace(",Boss,boss,", ",Senior buyer,senior,")
    page.goto("/people/import/")
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    preview = page.locator("section.preview")
    expect(preview.get_by_role("heading", level=2)).to_have_text("Check the changes, then confirm")
    expect(preview).to_contain_text("2 new, 0 changed, 0 unchanged")
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Import these changes").click()

    expect(page).to_have_url(f"{app_server.url}/people/")
    expect(page.get_by_role("status")).to_contain_text("Imported 2 people: 2 new, 0 updated")
    assert _count(page) == before + 2
    page.get_by_role("search").get_by_label("Search", exact=True).fill("Yann Ortolan")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.locator("#results table.people tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Yann Ortolan")).to_be_visible()
