"""Issue 21's "Done when", replayed in Chromium: the 90-minute Peer Assist (seeds/002) with
sixteen people of whom some speak only French and some only Spanish. The facilitator divides
the room into groups by language in the first step; a member of each group posts the group's
notes from their own browser page in the breakout step and speaks for it in the plenary; each
group's notes are attributed to that group in the room (the facilitator's view of all
groups), on the group's projector and on the plenary's, and in the PDF of the write-up."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import _new_page, screenshot, sign_in
from tests.browser.demo_data import server_shell
from tests.browser.test_live import Room, enter_room, go_to_step, notes, post_note, unique

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

DIVIDE = "Introduce the session and divide into groups"
DISCUSSION = "Discussion and facilitation"
PLENARY = "Plenary debriefing"

# A live 90-minute assist of its own with 16 people (3 home peers, a facilitator, two
# note-takers, 10 visiting peers: 4 speak only French, 3 only Spanish), nobody in a group yet.
# Only the facilitator has a login so far: who posts for each group is known once the
# facilitator has divided the room.
SETUP = """
from peerassist.assists.models import Format, Participation, PeerAssist
from peerassist.assists.services import _copy_steps
from peerassist.live.services import room_open
from peerassist.people.models import Language, Person
TAG = %(tag)r
org = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers").organisation
for code, name in (("en", "English"), ("fr", "French"), ("es", "Spanish")):
    Language.objects.get_or_create(code=code, defaults={"name": name})
fmt = Format.objects.get(organisation=None, kind="standard")
assist = PeerAssist.objects.create(
    organisation=org, title=f"Ninety-minute replay {TAG}", format=fmt, status="live",
    focus_questions=["How do we warn customers who speak little English?"],
)
_copy_steps(fmt, assist)
room_open(assist_id=assist.pk)
PEOPLE = [
    ("home_peer", "Hana Home", "en fr"),
    ("home_peer", "Hugo Home", "en es"),
    ("home_peer", "Holly Home", "en"),
    ("facilitator", "Fay Facilitator", "en es"),
    ("note_taker", "Noé Notes", "en fr"),
    ("note_taker", "Nell Notes", "en"),
    ("visiting_peer", "Amélie Visit", "fr"),
    ("visiting_peer", "Bastien Visit", "fr"),
    ("visiting_peer", "Camille Visit", "fr"),
    ("visiting_peer", "Denis Visit", "fr"),
    ("visiting_peer", "Elena Visit", "es"),
    ("visiting_peer", "Fermín Visit", "es"),
    ("visiting_peer", "Gloria Visit", "es"),
    ("visiting_peer", "Harry Visit", "en"),
    ("visiting_peer", "Iris Visit", "en"),
    ("visiting_peer", "Jack Visit", "en"),
]
out = {"assist_id": assist.pk}
for n, (role, name, codes) in enumerate(PEOPLE):
    email = f"ninety{TAG}.{n}@meridian.example"
    person = Person.objects.create(organisation=org, email=email, name=f"{name} {TAG}")
    person.languages.set(codes.split())
    Participation.objects.create(assist=assist, person=person, role=role)
    if role == "facilitator":
        give_login(email, org, person)
        out["facilitator"] = email
print(json.dumps(out))
"""

# The groups as the facilitator left them: each with its language, its members' roles and
# languages, and its spokesperson, who is given a login to post from their own page.
GROUPS = """
from peerassist.assists.models import PeerAssist
assist = PeerAssist.objects.get(pk=%(assist_id)d)
out = []
for group in assist.groups.order_by("order"):
    members = [
        {"role": p.role, "languages": sorted(l.code for l in p.person.languages.all())}
        for p in assist.participations.filter(group=group).select_related("person")
    ]
    speaker = group.spokesperson
    give_login(speaker.email, assist.organisation, speaker)
    out.append({
        "id": group.pk, "name": group.name, "language": group.language_id,
        "members": members, "speaker": {"email": speaker.email, "name": speaker.name},
    })
print(json.dumps(out))
"""

LANGUAGE_NOTES = {
    "fr": "Nos avis de crue passent aussi par la radio locale",
    "es": "Los avisos por SMS llegaron tarde a los mayores",
    "en": "Door-knocking by crews reached the customers without phones",
}
LANGUAGE_INSIGHTS = {
    "fr": "Un relais de quartier par rue inondable",
    "es": "Un mensaje de voz en español además del SMS",
    "en": "Crews carry a printed sheet for each street",
}


def column(page: Page, name: str) -> Locator:
    """The facilitator's column of one group on the side-by-side board."""
    return page.get_by_test_id("group-column").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(f"^{re.escape(name)} \\("))
    )


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_ninety_minutes_in_three_language_groups_through_to_the_pdf(
    browser: Browser, app_server: AppServer
) -> None:
    tag = unique("")[1:7]
    setup = server_shell(app_server, SETUP % {"tag": tag})
    assist_id = setup["assist_id"]
    room = Room(assist_id=assist_id, people={}, states={})
    opened: list[Page] = []

    def person_page(email: str) -> Page:
        page = _new_page(browser, app_server, viewport={"width": 1280, "height": 900})
        opened.append(page)
        sign_in(page, email)
        return enter_room(page, room)

    try:
        # Step 1: the facilitator starts the session and divides the room into groups.
        facilitator = person_page(setup["facilitator"])
        facilitator.get_by_test_id("timer-start").click()
        expect(facilitator.get_by_test_id("current-step")).to_have_text(DIVIDE)
        facilitator.goto(f"/assists/{assist_id}/people/")
        facilitator.get_by_role("button", name="Propose groups").click()
        expect(facilitator.get_by_text(re.compile("^Proposed 3 breakout groups"))).to_be_visible()
        screenshot(facilitator, "replay-90-groups-proposed")

        groups = server_shell(app_server, GROUPS % {"assist_id": assist_id})
        assert sorted(g["language"] for g in groups) == ["en", "es", "fr"], groups
        for group in groups:
            roles = [m["role"] for m in group["members"]]
            assert all(group["language"] in m["languages"] for m in group["members"]), group
            assert "home_peer" in roles, group
            assert {"facilitator", "note_taker"} & set(roles), group
            assert 5 <= len(roles) <= 8, group
        assert sum(len(g["members"]) for g in groups) == 16

        # Back in the room, everyone sees who is in which group.
        enter_room(facilitator, room)
        expect(
            facilitator.get_by_test_id("room-groups").get_by_role("heading", level=3)
        ).to_have_text([g["name"] for g in groups])
        go_to_step(facilitator, DISCUSSION)

        # The breakout: a member of each group posts from their own page; the note is filed
        # under their group without them choosing it.
        posted: dict[str, str] = {}
        speakers: dict[str, Page] = {}
        for group in groups:
            page = person_page(group["speaker"]["email"])
            speakers[group["name"]] = page
            expect(page.get_by_test_id("current-step")).to_have_text(DISCUSSION)
            expect(page.locator("#composer-group")).to_have_value(str(group["id"]))
            text = unique(LANGUAGE_NOTES[group["language"]])
            post_note(page, text, "practice")
            posted[group["name"]] = text

        # The room: the facilitator sees all groups at once, each note in its group's column.
        expect(facilitator.get_by_test_id("board-view")).to_have_value("side")
        for text in posted.values():
            expect(notes(facilitator, text)).to_have_count(1)
        for group in groups:
            for other in groups:
                shown = notes(column(facilitator, other["name"]), posted[group["name"]])
                expect(shown).to_have_count(1 if other is group else 0)
        screenshot(facilitator, "replay-90-room-all-groups")

        # Each group's projector shows its own group's notes, and names the group.
        facilitator.get_by_role("button", name="Make a projector link").click()
        links = {
            link.get_attribute("data-group-projector"): link.get_attribute("href")
            for link in facilitator.locator("[data-group-projector]").all()
        }
        main_link = facilitator.locator("[data-projector-link]").get_attribute("href")
        assert set(links) == {str(g["id"]) for g in groups}, links
        projectors: dict[str, Page] = {}
        for group in groups:
            screen = _new_page(browser, app_server, viewport={"width": 1920, "height": 1080})
            opened.append(screen)
            screen.goto(links[str(group["id"])] or "")
            projectors[group["name"]] = screen
            expect(screen.get_by_test_id("projector-group")).to_have_text(group["name"])
            expect(notes(screen, posted[group["name"]])).to_have_count(1)
            for other in groups:
                if other is not group:
                    expect(notes(screen, posted[other["name"]])).to_have_count(0)
        screenshot(projectors[groups[1]["name"]], "replay-90-group-projector")

        # The facilitator stars each group's note for the plenary.
        for group in groups:
            note = notes(facilitator, posted[group["name"]])
            note.get_by_role("button", name="Star").click()
            expect(note).to_contain_text("Starred")

        # The plenary: each group's spokesperson adds the group's main insight.
        go_to_step(facilitator, PLENARY)
        insights: dict[str, str] = {}
        for group in groups:
            page = speakers[group["name"]]
            expect(page.get_by_test_id("current-step")).to_have_text(PLENARY)
            text = unique(LANGUAGE_INSIGHTS[group["language"]])
            post_note(page, text, "insight")
            insights[group["name"]] = text

        plenary = _new_page(browser, app_server, viewport={"width": 1920, "height": 1080})
        opened.append(plenary)
        plenary.goto(main_link or "")
        expect(plenary.get_by_test_id("current-step")).to_have_text(PLENARY)
        starred = plenary.locator("[data-starred]")
        for group in groups:
            note = notes(starred, posted[group["name"]])
            expect(note).to_have_count(1)
            expect(note.get_by_test_id("note-group")).to_have_text(f" · {group['name']}")
            # A group's own screen in the plenary shows every group's starred notes too.
            screen = projectors[group["name"]]
            expect(screen.get_by_test_id("current-step")).to_have_text(PLENARY)
            for other in groups:
                shown = notes(screen.locator("[data-starred]"), posted[other["name"]])
                expect(shown.get_by_test_id("note-group")).to_have_text(f" · {other['name']}")
        for group in groups:
            insight = notes(plenary, insights[group["name"]])
            expect(insight).to_have_count(1)
            expect(insight.get_by_test_id("note-group")).to_have_text(f" · {group['name']}")
            expect(
                notes(column(facilitator, group["name"]), insights[group["name"]])
            ).to_have_count(1)
        screenshot(plenary, "replay-90-plenary-projector")

        # The facilitator concludes; the write-up's PDF names each note's group.
        facilitator.goto(f"/assists/{assist_id}/conclusion/")
        facilitator.get_by_test_id("conclude").click()
        expect(facilitator.get_by_text(re.compile("The session is concluded"))).to_be_visible()
        # Drafting the write-up from the session can take seconds on a busy machine.
        facilitator.goto(f"/assists/{assist_id}/writeup/", timeout=30_000)
        draft = facilitator.get_by_test_id("draft")
        if draft.count():
            draft.click()
        response = facilitator.request.get(
            f"/reports/assists/{assist_id}/writeup.pdf", timeout=30_000
        )
        assert response.status == 200, response.text()[:500]
        pdf = flat(
            "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        )
        # Long words break across lines in the PDF: notes are found with the spaces taken out.
        compact = re.sub(r"\s+", "", pdf)
        for group in groups:
            for text in (posted[group["name"]], insights[group["name"]]):
                # The note, its author, then the group it was written in (the next " · ").
                found = re.search(
                    re.escape(re.sub(r"\s+", "", text)) + r"—[^—★·]*·(.{1,20})", compact
                )
                assert found, f"{text!r} and its group not in the PDF:\n{pdf}"
                assert found.group(1).startswith(re.sub(r"\s+", "", group["name"])), (
                    text,
                    found.group(0),
                )
        # And the record says who was in which group.
        assert "Breakout groups" in pdf
        for group in groups:
            assert f"{group['name']}:" in pdf, group["name"]
    finally:
        problems = []
        for page in opened:
            found = page.problems  # type: ignore[attr-defined]
            problems += [f"{page.url}: {e}" for e in found.console_errors + found.page_errors]
            page.context.close()
    assert not problems, "\n".join(problems)
