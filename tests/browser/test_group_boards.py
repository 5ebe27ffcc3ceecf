"""Breakout groups in Chromium (issue 21, Deliver 1 and 2): the facilitator sees every group's
board at once, side by side, while a group's note-taker starts on their own group's board."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _new_page, screenshot, sign_in
from tests.browser.demo_data import server_shell

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

# A live 90-minute assist with three language groups, a note-taker in each, notes filed under
# each group (and one under none), and a facilitator and the second group's note-taker who
# can sign in. `tag` keeps names and addresses apart when the module runs more than once.
SETUP = """
from peerassist.assists.models import BreakoutGroup, Format, Participation, PeerAssist
from peerassist.assists.services import _copy_steps
from peerassist.live.models import Contribution
from peerassist.people.models import Person
import uuid
TAG = %(tag)r
org = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers").organisation
fmt = Format.objects.get(organisation=None, kind="standard")
assist = PeerAssist.objects.create(
    organisation=org, title=f"Three language groups {TAG}", format=fmt, status="live",
    focus_questions=["What worked with crews?"],
)
_copy_steps(fmt, assist)
def person(name, login=False):
    email = f"{name.split()[0].lower()}.{TAG}@meridian.example"
    found = Person.objects.create(organisation=org, email=email, name=f"{name} {TAG}")
    if login:
        give_login(email, org, found)
    return found
groups = [
    BreakoutGroup.objects.create(assist=assist, name=name, order=i)
    for i, name in enumerate(["English", "Español", "Français"], start=1)
]
facilitator = person("Fay Facilitator", login=True)
Participation.objects.create(assist=assist, person=facilitator, role="facilitator", group=groups[0])
takers = [person(f"{n} Notes", login=i == 1) for i, n in enumerate(["Ned", "Nuria", "Noé"])]
for group, taker in zip(groups, takers):
    Participation.objects.create(assist=assist, person=taker, role="note_taker", group=group)
NOTES = {
    "English": ["Crews liked short videos", "Pair a new crew with an old hand"],
    "Español": ["Los avisos por SMS llegaron tarde"],
    "Français": [
        "Former les chefs d'équipe d'abord", "Un guide papier reste utile", "Tester hors ligne"
    ],
    "": ["A note filed under no group"],
}
by_name = {g.name: g for g in groups}
for name, texts in NOTES.items():
    for text in texts:
        Contribution.objects.create(
            assist=assist, client_id=uuid.uuid4(), kind="lesson", text=f"{text} {TAG}",
            group=by_name.get(name), author=facilitator, focus_question=0,
        )
result = {
    "assist_id": assist.pk,
    "facilitator": facilitator.email,
    "taker": takers[1].email,
    "groups": {g.name: g.pk for g in groups},
    "notes": {name: [f"{t} {TAG}" for t in texts] for name, texts in NOTES.items()},
}
"""


@pytest.fixture
def grouped(app_server: AppServer) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    data: dict[str, Any] = server_shell(
        app_server, SETUP % {"tag": tag} + "print(json.dumps(result))\n"
    )
    return data


@pytest.fixture
def facilitator(browser: Browser, app_server: AppServer, grouped: dict[str, Any]) -> Iterator[Page]:
    page = _new_page(browser, app_server, viewport={"width": 1280, "height": 900})
    sign_in(page, grouped["facilitator"])
    page.goto(f"/assists/{grouped['assist_id']}/live/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Saved")
    yield page
    problems = page.problems  # type: ignore[attr-defined]
    page.context.close()
    assert not problems.console_errors + problems.page_errors


def column(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("group-column").filter(
        has=page.get_by_role("heading", level=3, name=name)
    )


def test_the_facilitator_sees_every_groups_board_side_by_side(
    facilitator: Page, grouped: dict[str, Any]
) -> None:
    page = facilitator
    notes = grouped["notes"]
    expect(page.get_by_test_id("board-view")).to_have_value("side")
    columns = page.get_by_test_id("group-column")
    expect(columns).to_have_count(4)  # three groups and the notes filed under none
    expect(columns.get_by_role("heading", level=3)).to_have_text(
        [
            "English (2)",
            "Español (1)",
            "Français (3)",
            "In no group (1)",
        ]
    )
    for name in ("English", "Español", "Français"):
        shown = column(page, name).get_by_test_id("contribution")
        expect(shown).to_have_count(len(notes[name]))
        for text in notes[name]:
            expect(shown.filter(has_text=text)).to_have_count(1)
    expect(column(page, "In no group").get_by_test_id("contribution")).to_have_count(1)
    expect(column(page, "In no group")).to_contain_text(notes[""][0])

    # The columns sit side by side at 1280 px: the three groups' tops are level.
    tops = [column(page, n).bounding_box()["y"] for n in ("English", "Español", "Français")]  # type: ignore[index]
    assert max(tops) - min(tops) < 2, tops
    screenshot(page, "group-boards-side-by-side-1280")

    # A note posted into one group lands in that group's column, live.
    text = f"Posted to the Spanish group {uuid.uuid4().hex[:6]}"
    page.locator("#composer-group").select_option(label="Español")
    page.get_by_test_id("composer-text").fill(text)
    page.get_by_test_id("composer-post").click()
    expect(
        column(page, "Español").get_by_test_id("contribution").filter(has_text=text)
    ).to_have_count(1)
    expect(column(page, "English")).not_to_contain_text(text)
    expect(column(page, "Español").get_by_role("heading", level=3)).to_have_text("Español (2)")

    # One group's board shows that group's notes only, without columns; and back.
    page.get_by_test_id("board-view").select_option(label="Breakout board: Français")
    expect(columns).to_have_count(0)
    expect(page.locator("[data-board]").get_by_test_id("contribution")).to_have_count(3)
    page.get_by_test_id("board-view").select_option("side")
    expect(columns).to_have_count(4)
    expect(page.locator("[data-board]").get_by_test_id("contribution")).to_have_count(8)


def test_on_a_phone_the_group_columns_stack(
    browser: Browser, app_server: AppServer, grouped: dict[str, Any]
) -> None:
    page = _new_page(browser, app_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        sign_in(page, grouped["facilitator"])
        page.goto(f"/assists/{grouped['assist_id']}/live/")
        expect(page.get_by_test_id("group-column")).to_have_count(4)
        boxes = [b.bounding_box() for b in page.get_by_test_id("group-column").all()]
        assert all(b is not None and b["x"] >= 0 and b["x"] + b["width"] <= 390 for b in boxes)
        assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)  # type: ignore[index]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "group-boards-side-by-side-390")
    finally:
        page.context.close()


def test_a_groups_note_taker_starts_on_their_groups_board(
    browser: Browser, app_server: AppServer, grouped: dict[str, Any]
) -> None:
    page = _new_page(browser, app_server)
    try:
        sign_in(page, grouped["taker"])
        page.goto(f"/assists/{grouped['assist_id']}/live/")
        expect(page.get_by_test_id("connection-status")).to_have_text("Saved")
        expect(page.get_by_test_id("board-view")).to_have_value(str(grouped["groups"]["Español"]))
        expect(page.get_by_test_id("group-column")).to_have_count(0)
        expect(page.locator("[data-board]").locator(".note-text")).to_have_text(
            grouped["notes"]["Español"]
        )
        # Everyone in the room sees who is in which group.
        groups = page.get_by_test_id("room-groups")
        expect(groups.get_by_role("heading", level=3)).to_have_text(
            ["English", "Español", "Français"]
        )
        spanish = groups.get_by_role("list", name="Español")
        expect(spanish.get_by_role("listitem")).to_have_count(1)
        expect(spanish).to_contain_text("Nuria Notes")
        expect(spanish).to_contain_text("Note-taker")
        expect(groups.get_by_role("list", name="English")).to_contain_text("Fay Facilitator")
    finally:
        page.context.close()


# The plenary of the same session: 14 starred notes of a few lines each (6 from English, 2
# from Español, 6 from Français), more than fit the starred column of a 1920×1080 screen; the
# facilitator has gone to the plenary (and makes the projector link from the room page).
PLENARY = """
from peerassist.live import services as live_services
STARRED = {"English": 6, "Español": 2, "Français": 6}
starred = {}
for name, count in STARRED.items():
    for i in range(count):
        text = (
            f"{name} insight {i + 1} {TAG}: what the group would keep, what it would change, "
            "and whom the home team should call before the pilot starts in the spring"
        )
        Contribution.objects.create(
            assist=assist, client_id=uuid.uuid4(), kind="insight", text=text,
            group=by_name[name], author=takers[0], starred=True, starred_by_role="home_peer",
        )
        starred.setdefault(name, []).append(text)
user_id = facilitator.user_id
step = assist.steps.get(name=%(step)r)
live_services.timer_control(assist_id=assist.pk, user_id=user_id, action="goto", step_id=step.pk)
result["starred"] = starred
print(json.dumps(result))
"""

FULL_HD = {"width": 1920, "height": 1080}


def projector_setup(browser: Browser, app_server: AppServer, step: str) -> dict[str, Any]:
    """The plenary set up, with the projector links the facilitator's room page gives: the
    room's (`links[""]`) and each group's (by name)."""
    tag = uuid.uuid4().hex[:6]
    data: dict[str, Any] = server_shell(app_server, SETUP % {"tag": tag} + PLENARY % {"step": step})
    page = _new_page(browser, app_server)
    try:
        sign_in(page, data["facilitator"])
        page.goto(f"/assists/{data['assist_id']}/live/")
        page.get_by_role("button", name="Make a projector link").click()
        names = {str(pk): name for name, pk in data["groups"].items()}
        links = {"": page.locator("[data-projector-link]").get_attribute("href")}
        for link in page.locator("[data-group-projector]").all():
            group = names[link.get_attribute("data-group-projector") or ""]
            links[group] = link.get_attribute("href")
    finally:
        page.context.close()
    assert set(links) == {"", *data["groups"]}
    data["links"] = links
    return data


#: The page shown and its starred notes' boxes and texts, read in ONE script run: the projector
#: redraws its notes on every room event and turns pages by itself every 12 s, so reading note
#: by note could mix two drawings (a note replaced between being found and measured).
SNAPSHOT = """() => {
  const list = document.querySelector("[data-starred]");
  const label = document.querySelector("[data-testid=starred-page]").textContent;
  const notes = [...list.querySelectorAll("[data-testid=contribution]")].map((note) => {
    const box = note.getBoundingClientRect();
    return { top: box.top, bottom: box.bottom, height: box.height,
             text: note.querySelector(".note-text").innerText };
  });
  return { label, notes };
}"""


def starred_pages(page: Page) -> list[list[str]]:
    """The starred notes of each page, turning them with the clicker's PageDown; each page's
    notes are checked to lie wholly on the 1080-pixel screen. Pages are recorded by the number
    the screen shows, so a turn of the projector's own between two reads loses nothing."""
    indicator = page.get_by_test_id("starred-page")
    starred = page.locator("[data-starred]")
    expect(indicator).to_be_visible()
    total = int(starred.get_attribute("data-pages") or "0")
    assert total >= 2
    pages: dict[int, list[str]] = {}
    for _ in range(total * 4):
        shot = page.evaluate(SNAPSHOT)
        found = re.search(r"page (\d+) of", shot["label"])
        assert found, shot["label"]
        number = int(found.group(1))
        assert shot["notes"], shot
        for note in shot["notes"]:
            assert note["height"] > 0 and note["top"] >= 0 and note["bottom"] <= 1080, note
        pages[number] = [note["text"] for note in shot["notes"]]
        if number == 1 and len(pages) == 1:
            screenshot(page, "projector-starred-pages-1080p")
        if len(pages) == total:
            break
        page.keyboard.press("PageDown")
    assert sorted(pages) == list(range(1, total + 1)), sorted(pages)
    # From the last page the clicker goes round to the first.
    for _ in range(total):
        if page.evaluate(SNAPSHOT)["label"] == f"page {total} of {total}":
            break
        page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    expect(indicator).to_have_text(f"page 1 of {total}")
    return [pages[n] for n in range(1, total + 1)]


def test_the_projector_pages_the_starred_notes_at_1080p(
    browser: Browser, app_server: AppServer
) -> None:
    data = projector_setup(browser, app_server, "Plenary debriefing")
    every = [text for texts in data["starred"].values() for text in texts]
    page = _new_page(browser, app_server, viewport=FULL_HD)
    try:
        page.goto(data["links"][""])
        expect(page.get_by_test_id("current-step")).to_have_text("Plenary debriefing")
        pages = starred_pages(page)
        shown = [text for texts in pages for text in texts]
        assert sorted(shown) == sorted(every)  # each starred note once, none cut off

        # A group's screen in the plenary shows every group's starred notes, each named.
        group = _new_page(browser, app_server, viewport=FULL_HD)
        try:
            group.goto(data["links"]["Español"])
            expect(group.get_by_test_id("projector-group")).to_have_text("Español")
            pages = starred_pages(group)
            assert sorted(t for texts in pages for t in texts) == sorted(every)
            for note in group.locator("[data-starred]").get_by_test_id("contribution").all():
                name = note.get_by_test_id("note-group").inner_text().strip(" ·")
                assert note.locator(".note-text").inner_text().startswith(f"{name} insight")
        finally:
            group.context.close()
    finally:
        problems = page.problems  # type: ignore[attr-defined]
        page.context.close()
    assert not problems.console_errors + problems.page_errors


def test_starred_notes_that_fit_are_not_paged(browser: Browser, app_server: AppServer) -> None:
    # In a breakout step the Spanish group's screen shows its own two starred notes: they fit.
    data = projector_setup(browser, app_server, "Discussion and facilitation")
    page = _new_page(browser, app_server, viewport=FULL_HD)
    try:
        page.goto(data["links"]["Español"])
        expect(page.get_by_test_id("current-step")).to_have_text("Discussion and facilitation")
        notes = page.locator("[data-starred]").get_by_test_id("contribution")
        expect(notes).to_have_count(2)
        expect(page.get_by_test_id("starred-page")).to_be_hidden()
        assert page.locator("[data-starred]").get_attribute("data-pages") == "1"
        page.keyboard.press("PageDown")  # nothing to turn
        expect(notes.locator(".note-text")).to_have_text(data["starred"]["Español"])
    finally:
        page.context.close()
