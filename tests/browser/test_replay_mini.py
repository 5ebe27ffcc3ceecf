"""Issue 21's "Done when", replayed in Chromium: a Mini Peer Assist (seeds/000) held inside a
community meeting. The community's organiser puts it on the meeting; the facilitator runs the
guide's steps 2 to 5 in the room, with the home peer and a visiting peer posting from their
own pages; with step 5 ("Home peer response") current the facilitator records the conclusion
from the room and chooses the follow-up at the next meeting. The write-up holds the guide's
sections and the follow-up's date, and the follow-up is on the next meeting's agenda only."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _new_page, screenshot, sign_in
from tests.browser.demo_data import server_shell
from tests.browser.test_live import Room, enter_room, notes, post_note, unique

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

HOME_KNOWS = "What the home peers know"
VISITORS_KNOW = "What the visiting peers know"
TOGETHER = "What we all now know together"
RESPONSE = "Home peer response"

# A community of its own with three meetings: today's (being held now, where the mini assist
# goes), next week's and the week after's.
COMMUNITY = """
from datetime import timedelta
from django.utils import timezone
from peerassist.assists.models import PeerAssist
from peerassist.communities.models import Community, Meeting
TAG = %(tag)r
org = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers").organisation
community = Community.objects.create(organisation=org, name=f"Field operations CoP {TAG}")
now = timezone.now().replace(second=0, microsecond=0)
meetings = []
for n, (title, start) in enumerate([
    ("November meeting", now - timedelta(minutes=10)),
    ("December meeting", now + timedelta(days=7)),
    ("January meeting", now + timedelta(days=14)),
]):
    meetings.append(Meeting.objects.create(
        community=community, title=f"{title} {TAG}", starts_at=start,
        ends_at=start + timedelta(minutes=90),
        agenda="Round robin\\nGives & Takes\\nMini Peer Assist (an hour)",
    ))
print(json.dumps({
    "community": community.pk,
    "meetings": [m.pk for m in meetings],
    "dates": [timezone.localdate(m.starts_at).isoformat() for m in meetings],
}))
"""

# The mini assist the organiser put on today's meeting goes live with its people: a
# facilitator, a home peer and two visiting peers, the first three with a login.
PEOPLE = """
from peerassist.assists.models import Participation
from peerassist.communities.models import Meeting
from peerassist.live.services import room_open
from peerassist.people.models import Person
TAG = %(tag)r
meeting = Meeting.objects.select_related("mini_assist").get(pk=%(meeting)d)
assist = meeting.mini_assist
assist.status = "live"
assist.focus_questions = ["How do we get crews to use the new tablets in the field?"]
assist.save(update_fields=["status", "focus_questions"])
room_open(assist_id=assist.pk)
out = {"assist_id": assist.pk, "title": assist.title, "people": {}}
for n, (role, name) in enumerate([
    ("facilitator", "Mina Facilitator"), ("home_peer", "Hamid Home"),
    ("visiting_peer", "Vanessa Visit"), ("visiting_peer", "Victor Visit"),
]):
    email = f"mini{TAG}.{n}@meridian.example"
    person = Person.objects.create(
        organisation=assist.organisation, email=email, name=f"{name} {TAG}"
    )
    meeting.community.members.add(person)
    Participation.objects.create(assist=assist, person=person, role=role)
    if n < 3:
        give_login(email, assist.organisation, person)
        out["people"][role] = {"email": email, "name": person.name}
print(json.dumps(out))
"""


def section(markdown: str, heading: str) -> str:
    """The text of one `## heading` section of the write-up's Markdown."""
    found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert found, f"no section {heading!r} in:\n{markdown}"
    return found.group(1)


def test_a_mini_peer_assist_in_a_community_meeting_ends_from_step_five(
    browser: Browser, app_server: AppServer, organiser_state: dict[str, Any]
) -> None:
    tag = unique("")[1:7]
    setup = server_shell(app_server, COMMUNITY % {"tag": tag})
    today, next_meeting, after = setup["meetings"]
    opened: list[Page] = []

    def new_page(state: dict[str, Any] | None = None) -> Page:
        page = _new_page(browser, app_server, storage_state=state)
        opened.append(page)
        return page

    try:
        # The organiser puts a mini Peer Assist on today's meeting.
        organiser = new_page(organiser_state)
        organiser.goto(f"/communities/meetings/{today}/")
        title = f"Tablets for field crews {tag}"
        organiser.get_by_label("Or a title").fill(title)
        organiser.get_by_role("button", name="Hold a mini Peer Assist at this meeting").click()
        organiser.goto(f"/communities/meetings/{today}/")
        expect(organiser.get_by_role("link", name=title)).to_be_visible()

        live = server_shell(app_server, PEOPLE % {"tag": tag, "meeting": today})
        room = Room(assist_id=live["assist_id"], people={}, states={})

        def person_page(role: str) -> Page:
            page = new_page()
            sign_in(page, live["people"][role]["email"])
            return enter_room(page, room)

        facilitator = person_page("facilitator")
        home = person_page("home_peer")
        visitor = person_page("visiting_peer")
        current = facilitator.get_by_test_id("current-step")

        # Step 2: the home peer presents the context and plan.
        facilitator.get_by_test_id("timer-start").click()
        expect(current).to_have_text(HOME_KNOWS)
        expect(home.get_by_test_id("current-step")).to_have_text(HOME_KNOWS)
        context = unique("Crews get tablets in March; we plan two-hour training per depot")
        post_note(home, context, "context")

        # Step 3: the visiting peer shares a practice.
        facilitator.get_by_test_id("step-next").click()
        expect(visitor.get_by_test_id("current-step")).to_have_text(VISITORS_KNOW)
        practice = unique("We paired each crew with a tablet champion for the first month")
        post_note(visitor, practice, "practice")

        # Step 4: together, what surprised them and what they still need to know.
        facilitator.get_by_test_id("step-next").click()
        expect(visitor.get_by_test_id("current-step")).to_have_text(TOGETHER)
        surprise = unique("Offline maps mattered more than the forms")
        post_note(visitor, surprise, "surprise")
        need = unique("Which depots have no mobile signal at all")
        post_note(home, need, "need_to_know")

        # Step 5: the home peer's response; the room offers the conclusion from here.
        facilitator.get_by_test_id("step-next").click()
        expect(current).to_have_text(RESPONSE)
        expect(home.get_by_test_id("current-step")).to_have_text(RESPONSE)
        insight = unique("Start with the depots that volunteer")
        post_note(home, insight, "insight")
        for text in (context, practice, surprise, need, insight):
            expect(notes(facilitator, text)).to_have_count(1)
        panel = facilitator.get_by_test_id("conclusion-panel")
        expect(panel).to_be_visible()
        expect(facilitator.get_by_test_id("countdown")).to_have_attribute("data-status", "running")
        screenshot(facilitator, "replay-mini-step-5")
        panel.get_by_role("link", name="Record the conclusion").click()
        expect(facilitator).to_have_url(re.compile(rf"/assists/{room.assist_id}/conclusion/"))

        # The home team's response, the follow-up at the community's next meeting.
        learned = "Champions per crew and offline maps first"
        differently = "Train at the volunteer depots before the others"
        together = "Signal gaps decide the order of the roll-out"
        facilitator.get_by_label("What we learned").fill(learned)
        facilitator.get_by_label("What we will do differently").fill(differently)
        facilitator.get_by_label("What we all now know together").fill(together)
        facilitator.get_by_label("At the community's next meeting").check()
        facilitator.get_by_test_id("save-response").click()
        followup = facilitator.locator(".followup-when")
        expect(followup).to_contain_text("the community's next meeting")
        facilitator.get_by_test_id("conclude").click()
        expect(facilitator.get_by_text(re.compile("The session is concluded"))).to_be_visible()

        # The write-up, by the guide's steps, with the follow-up's date.
        facilitator.goto(f"/assists/{room.assist_id}/writeup/", timeout=30_000)
        draft = facilitator.get_by_test_id("draft")
        if draft.count():
            draft.click()
        screenshot(facilitator, "replay-mini-writeup")
        response = facilitator.request.get(f"/reports/assists/{room.assist_id}/writeup.md")
        assert response.status == 200, response.text()[:500]
        markdown = response.text()
        headings = re.findall(r"^## (.+)$", markdown, re.M)
        wanted = [
            HOME_KNOWS,
            VISITORS_KNOW,
            TOGETHER,
            RESPONSE,
            "After the event: follow-up",
        ]
        assert [h for h in headings if h in wanted] == wanted, headings
        assert context in section(markdown, HOME_KNOWS)
        assert practice in section(markdown, VISITORS_KNOW)
        shared = section(markdown, TOGETHER)
        assert surprise in shared and need in shared and together in shared, shared
        answer = section(markdown, RESPONSE)
        assert learned in answer and differently in answer and insight in answer, answer
        due = setup["dates"][1]
        assert f"At the community's next meeting, on {due}." in section(
            markdown, "After the event: follow-up"
        )
        for text in (practice, surprise, need, insight):
            assert text not in section(markdown, HOME_KNOWS)

        # The follow-up is on the next meeting's agenda, and only there.
        for meeting, shown in ((today, False), (next_meeting, True), (after, False)):
            organiser.goto(f"/communities/meetings/{meeting}/")
            followups = organiser.locator("ul.followups")
            if shown:
                expect(followups.get_by_role("link", name=title)).to_be_visible()
                screenshot(organiser, "replay-mini-next-meeting")
            else:
                expect(followups).to_have_count(0)
    finally:
        problems = []
        for page in opened:
            found = page.problems  # type: ignore[attr-defined]
            problems += [f"{page.url}: {e}" for e in found.console_errors + found.page_errors]
            page.context.close()
    assert not problems, "\n".join(problems)
