"""The live room end to end: several people, each in their own browser context, in the demo's
live assist on the real uvicorn server — the timer, notes, the projector, offline queueing
and rights that follow the step."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.conftest import _new_page, screenshot, sign_in
from tests.browser.demo_data import server_shell

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, WebSocketRoute

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

OpenPage = Callable[[str | None], "Page"]  # a role ("facilitator", ...), None: signed out

ASSIST_TITLE = "Flood-season messages for vulnerable customers"
CLARIFY = "Clarify the purpose"  # home peers post; visiting peers read along
PEERS_SHARE = "Peers question and share"  # visiting peers post

# Gives the live assist's facilitator, first home peer and first visiting peer a login.
SETUP = """
from peerassist.assists.models import PeerAssist
from peerassist.live.services import room_open
assist = PeerAssist.objects.get(title=%(title)r)
room_open(assist_id=assist.pk)
out = {"assist_id": assist.pk, "people": {}}
for role in ("facilitator", "home_peer", "visiting_peer"):
    person = assist.participations.filter(role=role).order_by("pk").first().person
    give_login(person.email, assist.organisation, person)
    out["people"][role] = {"email": person.email, "name": person.name}
print(json.dumps(out))
"""

# Puts the room back before its first step, as if the facilitator had not started yet.
RESET = """
from peerassist.live.models import Room
n = Room.objects.filter(assist_id=%(assist_id)d).update(
    current_step=None, timer_status="idle", started_at=None, paused_at=None,
    paused_seconds=0, extra_seconds=0, auto_advance=False,
)
print(json.dumps(n))
"""

# How many contributions of the assist have each of the given texts.
COUNT = """
from peerassist.live.models import Contribution
texts = %(texts)r
rows = Contribution.objects.filter(assist_id=%(assist_id)d, text__in=texts)
print(json.dumps({t: rows.filter(text=t).count() for t in texts}))
"""


@dataclass(frozen=True)
class Room:
    assist_id: int
    people: dict[str, dict[str, str]]
    states: dict[str, dict[str, Any]]

    @property
    def path(self) -> str:
        return f"/assists/{self.assist_id}/live/"


@pytest.fixture(scope="session")
def live_room(browser: Browser, app_server: AppServer) -> Room:
    """Logins for the facilitator, a home peer and a visiting peer, each signed in once."""
    setup = server_shell(app_server, SETUP % {"title": ASSIST_TITLE})
    states = {}
    for role, person in setup["people"].items():
        page = _new_page(browser, app_server)
        try:
            sign_in(page, person["email"])
            if page.url.rstrip("/") != app_server.url:
                pytest.fail(
                    f"{role} sign-in ended on {page.url}:\n{page.locator('main').inner_text()}"
                )
            states[role] = page.context.storage_state()
        finally:
            page.context.close()
    return Room(assist_id=setup["assist_id"], people=setup["people"], states=states)


@pytest.fixture
def pages(browser: Browser, app_server: AppServer, live_room: Room) -> Iterator[OpenPage]:
    """Opens pages in fresh contexts (one per person); closes them all after the test."""
    opened: list[Page] = []

    def open_page(role: str | None) -> Page:
        state = live_room.states[role] if role else None
        page = _new_page(browser, app_server, storage_state=state)
        opened.append(page)
        return page

    yield open_page
    problems = []
    for page in opened:
        found = page.problems  # type: ignore[attr-defined]
        # A socket that cannot connect while offline is expected; nothing else is.
        errors = [e for e in found.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]
        problems += [f"{page.url}: {e}" for e in errors + found.page_errors]
        page.context.close()
    assert not problems, "\n".join(problems)


def enter_room(page: Page, room: Room) -> Page:
    """Open the room and wait for its state: "Saved" alone only says the socket is open."""
    page.goto(room.path)
    expect(page.get_by_test_id("connection-status")).to_have_text("Saved")
    expect(page.get_by_text(re.compile(r"^You are here as: "))).to_be_visible()
    return page


def facilitator_at(step: str, pages: OpenPage, room: Room) -> Page:
    """The facilitator's page, with the session started and moved to `step`."""
    facilitator = enter_room(pages("facilitator"), room)
    if facilitator.get_by_test_id("current-step").inner_text() == "Not started yet":
        facilitator.get_by_test_id("timer-start").click()
    go_to_step(facilitator, step)
    return facilitator


def go_to_step(facilitator: Page, name: str) -> None:
    """The facilitator moves the room to a step (if it is not there already)."""
    current = facilitator.get_by_test_id("current-step")
    expect(current).not_to_have_text("Not started yet")
    if current.inner_text() != name:
        facilitator.get_by_role("button", name=f"Go to step: {name}").click()
    expect(current).to_have_text(name)


def notes(page: Page, text: str) -> Locator:
    return page.get_by_test_id("contribution").filter(has_text=text)


def post_note(page: Page, text: str, kind: str | None = None) -> None:
    if kind:
        kinds = page.get_by_test_id("composer-kind")
        # The kinds follow the step: after a change of step the server sends each person what
        # they may now post, which on a busy machine with a full room takes more than 5 s.
        expect(kinds.locator(f'option[value="{kind}"]')).to_be_attached(timeout=30_000)
        kinds.select_option(kind)
    page.get_by_test_id("composer-text").fill(text)
    page.get_by_test_id("composer-post").click()
    expect(page.get_by_test_id("composer-text")).to_have_value("")


def open_projector(facilitator: Page, pages: OpenPage) -> Page:
    """The facilitator makes a projector link; a signed-out browser opens it."""
    facilitator.get_by_role("button", name=re.compile(r"Make a (new )?projector link")).click()
    link = facilitator.locator("[data-projector-link]")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href
    projector = pages(None)
    projector.goto(href)
    expect(projector.get_by_test_id("current-step")).not_to_have_text("Not started yet")
    return projector


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4()}"


def test_facilitator_starts_and_advances_the_timer_for_everyone(
    app_server: AppServer, live_room: Room, pages: OpenPage
) -> None:
    server_shell(app_server, RESET % {"assist_id": live_room.assist_id})
    facilitator = enter_room(pages("facilitator"), live_room)
    home = enter_room(pages("home_peer"), live_room)
    visitor = enter_room(pages("visiting_peer"), live_room)
    for page in (home, visitor):
        expect(page.get_by_test_id("current-step")).to_have_text("Not started yet")
        expect(page.get_by_test_id("countdown")).to_have_text("–:––")

    facilitator.get_by_test_id("timer-start").click()
    for page in (facilitator, home, visitor):
        expect(page.get_by_test_id("current-step")).to_have_text(CLARIFY)
        expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^(20:00|19:5\d)$"))

    facilitator.get_by_test_id("step-next").click()
    for page in (facilitator, home, visitor):
        expect(page.get_by_test_id("current-step")).to_have_text(PEERS_SHARE)
        countdown = page.get_by_test_id("countdown")
        expect(countdown).to_have_text(re.compile(r"^(40:00|39:5\d)$"))
        expect(countdown).to_have_attribute("data-status", "running")
    # The countdown runs: within a couple of seconds it shows another figure.
    countdown = visitor.get_by_test_id("countdown")
    shown = countdown.inner_text()
    expect(countdown).not_to_have_text(shown, timeout=3_000)
    screenshot(visitor, "live-visitor-after-next")


def test_a_visiting_peers_note_reaches_the_projector(
    app_server: AppServer, live_room: Room, pages: OpenPage
) -> None:
    facilitator = facilitator_at(PEERS_SHARE, pages, live_room)
    projector = open_projector(facilitator, pages)
    visitor = enter_room(pages("visiting_peer"), live_room)
    expect(visitor.get_by_test_id("current-step")).to_have_text(PEERS_SHARE)

    text = unique("We sent flood warnings by SMS and by a neighbour's visit")
    post_note(visitor, text, kind="practice")

    expect(notes(visitor, text)).to_have_count(1)
    expect(visitor.get_by_test_id("connection-status")).to_have_text("Saved")
    expect(notes(projector, text)).to_have_count(1)
    expect(notes(projector, text)).to_contain_text(live_room.people["visiting_peer"]["name"])
    expect(notes(facilitator, text)).to_have_count(1)
    screenshot(projector, "live-projector-note")

    # The projector redraws on every room event but keeps the node of a note that did not
    # change (a mark put on it survives the next note), and shows the new one.
    notes(projector, text).evaluate("node => { node.dataset.kept = 'yes'; }")
    second = unique("The neighbours' visits reached those without a phone")
    post_note(visitor, second, kind="lesson")
    expect(notes(projector, second)).to_have_count(1)
    expect(notes(projector, text)).to_have_attribute("data-kept", "yes")


def test_notes_typed_offline_arrive_once_everywhere_when_back_online(
    app_server: AppServer, live_room: Room, pages: OpenPage
) -> None:
    facilitator = facilitator_at(PEERS_SHARE, pages, live_room)
    projector = open_projector(facilitator, pages)
    visitor = enter_room(pages("visiting_peer"), live_room)
    expect(visitor.get_by_test_id("current-step")).to_have_text(PEERS_SHARE)
    status = visitor.get_by_test_id("connection-status")

    visitor.context.set_offline(True)
    expect(status).to_have_text(re.compile(r"^Offline"))
    texts = [unique(f"Offline note {n}") for n in (1, 2, 3)]
    for text in texts:
        post_note(visitor, text, kind="lesson")
    expect(status).to_have_text("Offline — 3 waiting")
    # Past the first reconnect attempts (0.5 s, 1 s): still offline, nothing has left.
    visitor.wait_for_timeout(2_000)
    expect(status).to_have_text("Offline — 3 waiting")
    for text in texts:
        expect(notes(visitor, text)).to_have_count(1)
        expect(notes(visitor, text)).to_contain_text("Waiting to send")
        expect(notes(facilitator, text)).to_have_count(0)
    screenshot(visitor, "live-offline-three-waiting")

    visitor.context.set_offline(False)
    expect(status).to_have_text("Saved")
    for page in (visitor, facilitator, projector):
        for text in texts:
            expect(notes(page, text)).to_have_count(1)
    for text in texts:
        expect(notes(visitor, text)).not_to_contain_text("Waiting to send")
    counts = server_shell(app_server, COUNT % {"assist_id": live_room.assist_id, "texts": texts})
    assert counts == dict.fromkeys(texts, 1)


def test_a_note_waiting_offline_survives_a_reload_and_is_sent_once(
    app_server: AppServer, live_room: Room, pages: OpenPage
) -> None:
    facilitator = facilitator_at(PEERS_SHARE, pages, live_room)
    visitor = enter_room(pages("visiting_peer"), live_room)
    status = visitor.get_by_test_id("connection-status")
    # The room's socket goes through this switch: while it is off, every socket is closed
    # at once, so a page can load over HTTP and still be unable to reach the room.
    sockets_allowed = [True]

    def switch(ws: WebSocketRoute) -> None:
        if sockets_allowed[0]:
            ws.connect_to_server()
        else:
            ws.close(code=1011)

    visitor.route_web_socket(re.compile(r"/ws/assists/"), switch)

    visitor.context.set_offline(True)
    expect(status).to_have_text(re.compile(r"^Offline"))
    text = unique("Typed offline, then the page reloaded")
    post_note(visitor, text, kind="option")
    expect(status).to_have_text("Offline — 1 waiting")

    # A reload while offline: the browser cannot even load the page.
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        visitor.reload()
    # The network is back but the room is not yet: the page loads, the note is still there.
    sockets_allowed[0] = False
    visitor.context.set_offline(False)
    visitor.goto(live_room.path)
    expect(notes(visitor, text)).to_have_count(1)
    expect(notes(visitor, text)).to_contain_text("Waiting to send")
    expect(status).to_have_text("Offline — 1 waiting")
    visitor.wait_for_timeout(1_000)  # a reconnect attempt or two, all refused
    expect(notes(facilitator, text)).to_have_count(0)

    reconnect = visitor.get_by_role("button", name="Reconnect now")
    expect(reconnect).to_be_visible()
    sockets_allowed[0] = True
    # The page's own retry may win the race and hide the button before a click lands:
    # dispatch the click so the test does not depend on which one comes first.
    reconnect.dispatch_event("click")
    expect(status).to_have_text("Saved")
    expect(notes(visitor, text)).to_have_count(1)
    expect(notes(visitor, text)).not_to_contain_text("Waiting to send")
    expect(notes(facilitator, text)).to_have_count(1)
    # Once more from scratch: the server has it once, and the outbox no longer sends it.
    visitor.reload()
    expect(status).to_have_text("Saved")
    expect(notes(visitor, text)).to_have_count(1)
    expect(notes(facilitator, text)).to_have_count(1)
    counts = server_shell(app_server, COUNT % {"assist_id": live_room.assist_id, "texts": [text]})
    assert counts == {text: 1}


def test_a_visiting_peer_cannot_post_while_the_home_team_works(
    live_room: Room, pages: OpenPage
) -> None:
    facilitator = facilitator_at(PEERS_SHARE, pages, live_room)
    visitor = enter_room(pages("visiting_peer"), live_room)
    composer = visitor.get_by_test_id("composer-text")
    expect(composer).to_be_enabled()

    go_to_step(facilitator, CLARIFY)
    expect(visitor.get_by_test_id("current-step")).to_have_text(CLARIFY)
    expect(composer).to_be_disabled()
    expect(visitor.get_by_test_id("composer-post")).to_be_disabled()
    expect(
        visitor.get_by_text(
            f"You cannot post now: In “{CLARIFY}” the home team works: read along, "
            "your turn comes back."
        )
    ).to_be_visible()
    expect(visitor.get_by_text("You cannot post notes in this step.")).to_be_visible()
    screenshot(visitor, "live-visitor-cannot-post")

    # A fresh page in this step says the same from the start.
    again = enter_room(pages("visiting_peer"), live_room)
    expect(again.get_by_test_id("composer-text")).to_be_disabled()
    expect(again.get_by_text(f"You cannot post now: In “{CLARIFY}”")).to_be_visible()

    # And when the peers' turn comes back, so does the composer.
    go_to_step(facilitator, PEERS_SHARE)
    expect(composer).to_be_enabled()


def test_the_facilitator_tags_a_note_and_files_it_under_another_question(
    app_server: AppServer, live_room: Room, pages: OpenPage
) -> None:
    facilitator = facilitator_at(PEERS_SHARE, pages, live_room)
    visitor = enter_room(pages("visiting_peer"), live_room)
    text = unique("Send the warning twice, a day apart")
    post_note(visitor, text, kind="practice")
    note = notes(facilitator, text)
    expect(note).to_have_count(1)

    note.get_by_text("Sort this note").click()
    note.get_by_label("Tags (comma-separated)").fill("channels, timing")
    note.get_by_role("button", name="Save tags").click()
    expect(notes(visitor, text).locator(".note-tags .tag")).to_have_text(["channels", "timing"])

    questions = facilitator.get_by_test_id("contribution").filter(has_text=text)
    select = questions.get_by_label("File under")
    options = select.locator("option").all_inner_texts()
    if len(options) > 1:
        select.select_option(index=1)
        expect(
            visitor.locator('[data-question="0"]')
            .get_by_test_id("contribution")
            .filter(has_text=text)
        ).to_have_count(1)


def test_a_window_over_the_limit_is_told_why_and_does_not_retry(
    app_server: AppServer, live_room: Room, pages: OpenPage
) -> None:
    """One person's sockets are limited (20 by default): the window that would be one too
    many says why instead of retrying for ever."""
    first = enter_room(pages("visiting_peer"), live_room)
    # Fill this person's places from the first window (same cookies, same origin).
    codes = first.evaluate(
        """async (path) => {
            window.extraSockets = [];
            const codes = [];
            for (let i = 0; i < 30; i++) {
                const code = await new Promise((resolve) => {
                    const ws = new WebSocket(`ws://${location.host}${path}`);
                    window.extraSockets.push(ws);
                    ws.onopen = () => setTimeout(() => resolve(ws.readyState === 1 ? 0 : -1), 300);
                    ws.onclose = (event) => resolve(event.code);
                });
                codes.push(code);
                if (code === 4429) break;
            }
            return codes;
        }""",
        f"/ws/assists/{live_room.assist_id}/",
    )
    assert codes[-1] == 4429 and set(codes[:-1]) == {0}, codes
    second = pages("visiting_peer")
    second.goto(live_room.path)
    status = second.get_by_test_id("connection-status")
    expect(status).to_contain_text("Not connected: You already have 20 live room windows open")
    expect(status).to_have_attribute("data-state", "refused")
    first.evaluate("() => window.extraSockets.forEach((ws) => ws.close())")


def test_on_behalf_of_applies_to_one_note_and_says_who_the_next_is_for(
    live_room: Room, pages: OpenPage
) -> None:
    facilitator = facilitator_at(PEERS_SHARE, pages, live_room)
    behalf = facilitator.get_by_label("On behalf of")
    next_for = facilitator.get_by_test_id("behalf-next")
    expect(next_for).to_have_text("Your next note is posted as yours.")
    peer = live_room.people["visiting_peer"]["name"]
    behalf.select_option(label=peer)
    expect(next_for).to_contain_text(f"on behalf of {peer}")

    text = unique("Call the neighbour before the flood warning")
    post_note(facilitator, text, kind="recommendation")
    expect(notes(facilitator, text)).to_contain_text(peer)
    expect(behalf).to_have_value("")
    expect(next_for).to_have_text("Your next note is posted as yours.")
    mine = unique("A note of the facilitator's own")
    post_note(facilitator, mine, kind="insight")
    expect(notes(facilitator, mine)).not_to_contain_text(peer)
    screenshot(facilitator, "live-behalf-reset")


def test_who_is_here_follows_arrivals_and_departures_sorted_by_name(
    app_server: AppServer, live_room: Room, pages: OpenPage
) -> None:
    """The list comes whole in the state, then as changes (`presence.changed`)."""
    facilitator = enter_room(pages("facilitator"), live_room)
    people = facilitator.get_by_test_id("presence").locator("li")
    names = {role: live_room.people[role]["name"] for role in live_room.people}
    expect(people.filter(has_text=names["facilitator"])).to_have_count(1)
    home = enter_room(pages("home_peer"), live_room)
    visitor = enter_room(pages("visiting_peer"), live_room)
    # Everyone once, in name order, on the facilitator's page and on the latecomer's.
    for page in (facilitator, visitor):
        expect(page.get_by_test_id("presence").locator("li")).to_contain_text(
            sorted(names.values())
        )
    expect(people.filter(has_text=names["visiting_peer"])).to_have_count(1)
    visitor.close()  # its socket closes with the page
    expect(people.filter(has_text=names["visiting_peer"])).to_have_count(0)
    expect(people.filter(has_text=names["home_peer"])).to_have_count(1)
    home.reload()  # a fresh state: the list comes whole again
    expect(home.get_by_test_id("presence").locator("li")).to_contain_text(
        sorted([names["facilitator"], names["home_peer"]])
    )
