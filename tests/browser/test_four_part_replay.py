"""Issue 16's first "Done when", replayed in Chromium: a four-part session with 3 focus
questions; six visiting peers type their own practices and recommendations (one of them
offline for part of it), an anonymous question, a dot-vote of 5 options by 6 people; the
facilitator concludes, and every note is once in the room after a reload, in the Markdown,
the PDF text and the DOCX, with the vote totals in the write-up."""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import docx
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import _new_page, screenshot, sign_in
from tests.browser.demo_data import server_shell
from tests.browser.test_live import Room, enter_room, go_to_step, notes, post_note, unique
from tests.browser.test_room_questions_votes import place

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

VISITORS = 6
SHARE = "Peers question and share"
ANALYSE = "Receivers analyse what they heard"
FEEDBACK = "Feedback and agreed actions"

# A live four-part assist of its own, with 3 focus questions, a facilitator, a home peer and
# six visiting peers, each with a login.
SETUP = """
from peerassist.assists.models import Format, Participation, PeerAssist
from peerassist.assists.services import _copy_steps
from peerassist.live.services import room_open
from peerassist.people.models import Person
org = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers").organisation
fmt = Format.objects.get(organisation=None, kind="four_part")
assist = PeerAssist.objects.create(
    organisation=org, title=%(title)r, format=fmt, status="live",
    focus_questions=[
        "How do we reach customers without a smartphone?",
        "Which channel do people trust in a flood?",
        "How often should we repeat the warning?",
    ],
)
_copy_steps(fmt, assist)
room_open(assist_id=assist.pk)
people = [("facilitator", "Fern Replay")] + [("home_peer", "Hugo Replay")] + [
    ("visiting_peer", f"Vera Replay {n}") for n in range(1, %(visitors)d + 1)
]
out = {"assist_id": assist.pk, "people": []}
for n, (role, name) in enumerate(people):
    email = f"replay{%(tag)r}.{n}@meridian.example"
    user = give_login(email, org)
    person = Person.objects.create(organisation=org, email=email, name=name, user=user)
    Participation.objects.create(assist=assist, person=person, role=role)
    out["people"].append({"role": role, "name": name, "email": email})
print(json.dumps(out))
"""

# Every contribution of the assist with its text, for the counts the room should show.
TEXTS = """
from peerassist.live.models import Contribution
rows = Contribution.objects.filter(assist_id=%(assist_id)d)
print(json.dumps([c.text for c in rows]))
"""


def signed_in_state(browser: Browser, app_server: AppServer, email: str) -> dict[str, Any]:
    page = _new_page(browser, app_server)
    try:
        sign_in(page, email)
        assert page.url.rstrip("/") == app_server.url, page.locator("main").inner_text()
        return page.context.storage_state()
    finally:
        page.context.close()


def check_page(page: Page) -> None:
    """Close a person's page, failing on any console or page error it saw (a socket that
    cannot connect while offline is expected)."""
    found = page.problems  # type: ignore[attr-defined]
    errors = [e for e in found.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]
    page.context.close()
    assert not errors + found.page_errors, errors + found.page_errors


def test_a_four_part_session_replayed_through_to_the_exports(
    browser: Browser, app_server: AppServer
) -> None:
    tag = unique("")[1:9]
    setup = server_shell(
        app_server, SETUP % {"title": f"Four-part replay {tag}", "visitors": VISITORS, "tag": tag}
    )
    assist_id = setup["assist_id"]
    room = Room(assist_id=assist_id, people={}, states={})
    people = setup["people"]
    states = [signed_in_state(browser, app_server, p["email"]) for p in people]
    visitors = [(p, s) for p, s in zip(people, states, strict=True) if p["role"] == "visiting_peer"]
    assert len(visitors) == VISITORS

    def visitor_page(n: int) -> Page:
        return enter_room(_new_page(browser, app_server, storage_state=visitors[n][1]), room)

    facilitator = enter_room(_new_page(browser, app_server, storage_state=states[0]), room)
    facilitator.get_by_test_id("timer-start").click()
    go_to_step(facilitator, SHARE)
    facilitator.get_by_test_id("anonymous-step").check()

    # The first visitor proposes five options and asks a question without their name.
    first = visitor_page(0)
    options = [unique(f"Option {n}") for n in range(1, 6)]
    for option in options:
        post_note(first, option, "option")
    first.get_by_test_id("composer-kind").select_option("question")
    first.get_by_test_id("composer-anonymous").check()
    question = unique("Who signs off a warning at night?")
    post_note(first, question)
    expect(notes(first, question)).to_contain_text("Asked anonymously (you)")
    asker = visitors[0][0]["name"]
    expect(notes(facilitator, question)).not_to_contain_text(asker)

    # The facilitator opens a dot-vote over the five options, three dots each.
    for option in options:
        facilitator.get_by_label(re.compile(re.escape(option))).check()
    facilitator.get_by_label("Dots per person").fill("3")
    facilitator.get_by_role("button", name="Open the vote").click()
    expect(first.get_by_test_id("vote-open")).to_be_visible()

    # Each visitor: two practices of their own, then their three dots. Visitor 3 types
    # theirs offline and is back before voting.
    ballots = [
        {0: 3},
        {0: 2, 1: 1},
        {1: 2, 2: 1},
        {0: 1, 3: 2},
        {2: 1, 3: 1, 4: 1},
        {0: 1, 1: 1, 4: 1},
    ]
    practices: list[str] = []
    for n in range(VISITORS):
        page = first if n == 0 else visitor_page(n)
        offline = n == 2
        if offline:
            page.context.set_offline(True)
            expect(page.get_by_test_id("connection-status")).to_have_text(re.compile("^Offline"))
        for k in (1, 2):
            text = unique(f"Practice {k} of visitor {n + 1}")
            post_note(page, text, "practice")
            practices.append(text)
        if offline:
            expect(page.get_by_test_id("connection-status")).to_have_text("Offline — 2 waiting")
            screenshot(page, "replay-visitor-offline")
            expect(notes(facilitator, practices[-1])).to_have_count(0)
            page.context.set_offline(False)
            expect(page.get_by_test_id("connection-status")).to_have_text("Saved")
        for option, dots in ballots[n].items():
            place(page, options[option], dots)
        page.get_by_role("button", name="Cast my dots").click()
        expect(page.get_by_text(re.compile("^Your dots are in."))).to_be_visible()
        check_page(page)
    expect(facilitator.get_by_test_id("vote-open")).to_contain_text("6 voted so far")
    facilitator.get_by_role("button", name="Close the vote and show the results").click()
    totals: Counter[int] = Counter()
    for ballot in ballots:
        totals.update(ballot)
    results = facilitator.get_by_test_id("vote-results")
    expect(results).to_contain_text("Vote results (6 voted)")
    for n, option in enumerate(options):
        count = f"{totals[n]} dot" if totals[n] == 1 else f"{totals[n]} dots"
        expect(results.locator("li").filter(has_text=option)).to_contain_text(count)
    screenshot(facilitator, "replay-vote-results")

    # The receivers analyse; then the peers give their recommendations.
    go_to_step(facilitator, ANALYSE)
    go_to_step(facilitator, FEEDBACK)
    recommendations: list[str] = []
    for n in range(VISITORS):
        page = visitor_page(n)
        for k in (1, 2):
            text = unique(f"Recommendation {k} of visitor {n + 1}")
            post_note(page, text, "recommendation")
            recommendations.append(text)
        check_page(page)

    typed = [*options, question, *practices, *recommendations]
    assert len(practices) + len(recommendations) >= 20
    stored = Counter(server_shell(app_server, TEXTS % {"assist_id": assist_id}))
    assert {t: stored[t] for t in typed} == dict.fromkeys(typed, 1)

    # Every note once in the room after a reload.
    facilitator.reload()
    expect(facilitator.get_by_test_id("connection-status")).to_have_text("Saved")
    for text in typed:
        expect(notes(facilitator, text)).to_have_count(1)
    screenshot(facilitator, "replay-room-after-reload")

    # The facilitator concludes; the write-up is drafted from the session.
    facilitator.goto(f"/assists/{assist_id}/conclusion/")
    facilitator.get_by_test_id("conclude").click()
    expect(facilitator.get_by_text(re.compile("The session is concluded"))).to_be_visible()
    facilitator.goto(f"/assists/{assist_id}/writeup/")
    draft = facilitator.get_by_test_id("draft")
    if draft.count():
        draft.click()
    screenshot(facilitator, "replay-writeup")

    def export(fmt: str) -> bytes:
        response = facilitator.request.get(f"/reports/assists/{assist_id}/writeup.{fmt}")
        assert response.status == 200, (fmt, response.status, response.text()[:500])
        return response.body()

    markdown = export("md").decode()
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(export("pdf"))).pages)
    document = docx.Document(io.BytesIO(export("docx")))
    docx_text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    flat_pdf = re.sub(r"\s+", " ", pdf_text)
    for text in typed:
        assert text in markdown, f"{text!r} not in the Markdown"
        assert text in docx_text, f"{text!r} not in the DOCX"
        assert re.sub(r"\s+", " ", text) in flat_pdf or text.split()[-1] in pdf_text.replace(
            "\n", ""
        ), f"{text!r} not in the PDF"

    # The vote totals, as the write-up gives them.
    assert "6 people voted" in markdown
    for n, option in enumerate(options):
        dots = totals[n]
        count = f"{dots} dot" if dots == 1 else f"{dots} dots"
        assert f"- {option} — **{count}**" in markdown.splitlines(), (option, count)

    # The anonymous question never carries its author's name.
    for name, text in (("Markdown", markdown), ("PDF", pdf_text), ("DOCX", docx_text)):
        for line in text.splitlines():
            if question.split()[-1] in line:
                assert asker not in line, f"{name}: {line!r}"
    check_page(facilitator)
