"""A journey per role through the demo organisation, as a person would take it: sign in
from the home page, then follow only links the pages show until every page the role needs
is reached.

On every page visited: no error page, no console or script error, axe-core finds no WCAG 2.2
AA violation at 1280 px nor at 390 px, the page does not scroll sideways at 390 px (a table
wider than the phone scrolls inside its box and says so), and the title carries the " · "
separator. A screenshot of each page at each width is kept under
test-artifacts/journeys/ (CI keeps that directory).

A first-time facilitator then takes the demo's invited assist live from inside its room.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_source, axe_violations, sideways_overflow, silent_scrollers
from tests.browser.conftest import ARTIFACTS, DEMO_PASSWORD, _new_page
from tests.browser.demo_data import server_shell

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
SEPARATOR = " · "
SHOTS = ARTIFACTS / "journeys"


@dataclass(frozen=True)
class Journey:
    role: str
    email: str
    #: What the role needs, as paths: each must be reached by following links from "/".
    needs: tuple[str, ...]
    #: Pages passed through on the way, each one visited (and checked) once per path.
    through: tuple[str, ...] = ()


A = r"/assists/\d+"
JOURNEYS = [
    Journey(
        "organiser",
        "organiser@meridian.example",
        (
            "/",
            "/assists/",
            "/assists/new/",
            f"{A}/",
            f"{A}/brief/",
            f"{A}/agenda/",
            f"{A}/people/",
            f"{A}/logistics/",
            f"{A}/invitations/",
            f"{A}/live/",
            f"{A}/conclusion/",
            f"{A}/writeup/",
            f"{A}/followup/",
            "/assists/shared/",
            "/people/",
            r"/people/\d+/",
            "/people/import/",
            "/reports/",
            "/reports/dashboard/",
            "/communities/",
            r"/communities/\d+/",
            "/communities/topics/",
            "/search/",
            "/notifications/",
            "/account/",
        ),
        # Every assist: the live room, the conclusion and the write-up are each linked
        # from the assist in the matching status.
        through=(f"{A}/",),
    ),
    Journey(
        "admin",
        "admin@meridian.example",
        ("/", "/members/", "/audit/", "/account/"),
    ),
    Journey(
        "facilitator",
        "facilitator@meridian.example",
        ("/", f"{A}/", f"{A}/live/", f"{A}/conclusion/", "/notifications/", "/account/"),
    ),
    Journey(
        "home peer",
        "homepeer@meridian.example",
        ("/", f"{A}/", f"{A}/brief/", f"{A}/live/", "/people/", "/search/"),
    ),
    Journey(
        "visiting peer",
        "visitingpeer@meridian.example",
        ("/", f"{A}/", f"{A}/live/", "/notifications/"),
    ),
    Journey(
        "note-taker",
        "notetaker@meridian.example",
        ("/", f"{A}/", f"{A}/live/"),
    ),
    Journey(
        "guest",
        "guest@partner.example",
        ("/", f"{A}/invitation/", "/account/"),
    ),
]

# Links a journey never follows: they sign out, destroy, download or leave the site's pages.
NEVER = re.compile(
    r"/logout|/delete|/remove|/revoke|/cancel|/static/|/media/|/admin/|/api/|/i18n/"
    r"|\.(ics|pdf|docx|csv|json|zip)$|/export"
)


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def check_page(page: Page, axe: str, shot: str) -> list[str]:
    """Everything wrong with the page now open, at 1280 px then at 390 px."""
    problems = []
    title = page.title()
    if SEPARATOR not in title:
        problems.append(f"title {title!r} lacks {SEPARATOR!r}")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for violation in axe_violations(page, axe):
            problems.append(
                f"axe at {width}px: {violation['id']} ({violation['help']}): "
                + " | ".join(violation["nodes"])
            )
        if width == 390 and (overflow := sideways_overflow(page)):
            problems.append(f"at 390px the page {overflow}")
        if width == 390 and (silent := silent_scrollers(page)):
            problems.append(f"at 390px these tables scroll without saying so: {silent}")
        page.screenshot(path=SHOTS / f"{shot}-{width}.png", full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return problems


def open_and_check(page: Page, path: str, axe: str, shot: str) -> tuple[list[str], list[str]]:
    """Open `path` as a click on its link would; return its problems and the links it shows."""
    found = page.problems  # type: ignore[attr-defined]
    before = (len(found.console_errors), len(found.page_errors), len(found.failed_responses))
    response = page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    problems = []
    if response is None or response.status >= 400:
        status = response.status if response else "no response"
        problems.append(f"answered {status}: {page.locator('main').inner_text()[:300]!r}")
    problems += check_page(page, axe, shot)
    problems += [f"console error: {e}" for e in found.console_errors[before[0] :]]
    problems += [f"script error: {e}" for e in found.page_errors[before[1] :]]
    problems += [f"request failed: {e}" for e in found.failed_responses[before[2] :]]
    links = page.eval_on_selector_all(
        "a[href]:not([aria-hidden=true])", "els => els.map((e) => e.href)"
    )
    return problems, links


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def sign_in_from_home(page: Page, email: str) -> None:
    """Open the home page signed out; it asks to sign in; sign in by the labels."""
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")


@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.role for j in JOURNEYS])
def test_each_role_reaches_what_it_needs_with_clean_accessible_pages(
    journey: Journey, browser: Browser, app_server: AppServer, axe: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _new_page(browser, app_server, viewport={"width": WIDTHS[0], "height": 900})
    try:
        sign_in_from_home(page, journey.email)
        assert urlparse(page.url).path == "/", f"{journey.email} sign-in ended on {page.url}"
        needs = [re.compile(need) for need in journey.needs]
        through = [re.compile(way) for way in journey.through]
        reached: dict[int, str] = {}  # need's index -> the path that met it
        queue = deque(["/"])
        reached[0] = "/"
        report: dict[str, list[str]] = {}
        while queue:
            path = queue.popleft()
            shot = f"{_slug(journey.role)}/{len(report):02d}-{_slug(path)}"
            (SHOTS / _slug(journey.role)).mkdir(exist_ok=True)
            problems, links = open_and_check(page, path, axe, shot)
            report[path] = problems
            for href in links:
                url = urlparse(href)
                if url.netloc != urlparse(app_server.url).netloc or NEVER.search(url.path):
                    continue
                if url.path in report or url.path in queue:
                    continue
                for index, need in enumerate(needs):
                    if index not in reached and need.fullmatch(url.path):
                        reached[index] = url.path
                        queue.append(url.path)
                        break
                else:
                    if any(way.fullmatch(url.path) for way in through):
                        queue.append(url.path)
        missing = [journey.needs[i] for i in range(len(needs)) if i not in reached]
        failures = [f"{path}\n    " + "\n    ".join(p) for path, p in report.items() if p]
        assert not missing and not failures, (
            f"{journey.role} ({journey.email}) visited {list(report)}\n"
            f"never reached by a link: {missing}\n" + "\n".join(failures)
        )
    finally:
        page.context.close()


# Gives the facilitator of the demo's invited assist a login of their own: someone who has
# never run a session in peerassist before. The demo's is the first invited assist: browser
# tests that run earlier on the same server add invited assists of their own.
FIRST_TIME_FACILITATOR = """
from peerassist.assists.models import PeerAssist
invited = PeerAssist.objects.filter(organisation__slug="meridian", status="invited")
assist = invited.order_by("pk").first()
person = assist.participations.filter(role="facilitator").order_by("pk").first().person
give_login(person.email, assist.organisation, person)
print(json.dumps({"assist_id": assist.pk, "title": assist.title, "email": person.email}))
"""


def test_a_first_time_facilitator_takes_the_invited_assist_live_from_the_room(
    browser: Browser, app_server: AppServer, axe: str
) -> None:
    """Runs after the journeys (the guest's assist is this one, and it stops being invited)."""
    setup: dict[str, Any] = server_shell(app_server, FIRST_TIME_FACILITATOR)
    assist_id = setup["assist_id"]
    SHOTS.joinpath("first-time-facilitator").mkdir(parents=True, exist_ok=True)
    page = _new_page(browser, app_server, viewport={"width": WIDTHS[0], "height": 900})
    try:
        sign_in_from_home(page, setup["email"])
        problems = check_page(page, axe, "first-time-facilitator/00-home")

        # Home lists the assist; its page says what comes next and links to the room.
        page.locator("main").get_by_role("link", name=setup["title"]).first.click()
        expect(page).to_have_url(re.compile(rf"/assists/{assist_id}/$"))
        problems += check_page(page, axe, "first-time-facilitator/01-assist")
        page.locator(f'main a[href="/assists/{assist_id}/live/"]').first.click()
        expect(page).to_have_url(re.compile(rf"/assists/{assist_id}/live/$"))
        expect(page.get_by_test_id("go-live-panel")).to_be_visible()
        problems += check_page(page, axe, "first-time-facilitator/02-room-before")

        page.get_by_role("button", name="Go live").click()
        expect(page).to_have_url(re.compile(rf"/assists/{assist_id}/live/$"))
        expect(page.get_by_test_id("go-live-panel")).to_have_count(0)
        expect(page.get_by_test_id("connection-status")).to_have_text("Saved")
        page.wait_for_load_state("networkidle")
        problems += check_page(page, axe, "first-time-facilitator/03-room-live")

        found = page.problems  # type: ignore[attr-defined]
        problems += found.console_errors + found.page_errors + found.failed_responses
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()
