"""The Mini Peer Assist ends from the room (issue 21): the facilitator runs it to step 5
("Home peer response") and records the conclusion from there, although the agenda's last item
is the follow-up at the next meeting; "Next step" never resets the room, "Go to" is offered
only on steps the room runs, and the composer's focus question does not carry over."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _new_page, screenshot, sign_in
from tests.browser.demo_data import server_shell

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

# A live mini assist of its own (the demo's are draft and concluded), with a facilitator
# who can sign in.
SETUP = """
from peerassist.assists.models import Format, Participation, PeerAssist
from peerassist.assists.services import _copy_steps
from peerassist.people.models import Person
org = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers").organisation
fmt = Format.objects.get(organisation=None, kind="mini")
assist = PeerAssist.objects.create(
    organisation=org, title="Mini ending replay", format=fmt, status="live",
    focus_questions=["How do crews take to tablets?", "What about offline areas?"],
)
_copy_steps(fmt, assist)
email = "mini.facilitator@meridian.example"
user = give_login(email, org)
person, _ = Person.objects.get_or_create(
    organisation=org, email=email, defaults={"name": "Mina Facilitator", "user": user}
)
Participation.objects.create(assist=assist, person=person, role="facilitator")
print(json.dumps({"assist_id": assist.pk, "email": email}))
"""

FIRST = "What the home peers know"
RESPONSE = "Home peer response"


@pytest.fixture
def facilitator(browser: Browser, app_server: AppServer):
    setup = server_shell(app_server, SETUP)
    page = _new_page(browser, app_server)
    sign_in(page, setup["email"])
    page.goto(f"/assists/{setup['assist_id']}/live/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Saved")
    yield page
    problems = page.problems  # type: ignore[attr-defined]
    page.context.close()
    assert not problems.console_errors + problems.page_errors


def test_the_mini_format_concludes_from_the_home_peer_response(facilitator: Page) -> None:
    page = facilitator
    current = page.get_by_test_id("current-step")
    panel = page.get_by_test_id("conclusion-panel")
    page.get_by_test_id("timer-start").click()
    expect(current).to_have_text(FIRST)
    expect(panel).to_be_hidden()

    # "Go to" only where the room can go: not the brief before, nor the follow-up after.
    expect(page.get_by_role("button", name="Go to step: Home peer challenge")).to_have_count(0)
    expect(
        page.get_by_role("button", name=re.compile("^Go to step: After the event"))
    ).to_have_count(0)
    expect(page.get_by_role("button", name=f"Go to step: {RESPONSE}")).to_be_visible()

    # The focus question chosen in one step is not carried into the next.
    question = page.locator("#composer-question")
    question.select_option("0")
    expect(question).to_have_value("0")
    page.get_by_test_id("step-next").click()
    expect(current).to_have_text("What the visiting peers know")
    expect(question).to_have_value("")

    page.get_by_test_id("step-next").click()
    page.get_by_test_id("step-next").click()
    expect(current).to_have_text(RESPONSE)
    # The last step the room runs: the conclusion is offered, "Next step" is not.
    expect(panel).to_be_visible()
    expect(page.get_by_test_id("step-next")).to_be_hidden()
    expect(page.get_by_test_id("countdown")).to_have_attribute("data-status", "running")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"mini-ending-{width}")

    # A reload finds the room where it was, not "Not started yet".
    page.reload()
    expect(page.get_by_test_id("connection-status")).to_have_text("Saved")
    expect(current).to_have_text(RESPONSE)
    panel.get_by_role("link", name="Record the conclusion").click()
    expect(page).to_have_url(re.compile(r"/conclusion/"))
