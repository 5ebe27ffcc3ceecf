"""The Invitations tab in Chromium: "select all" ticks every person and says how many are
chosen, the bulk send reports what it did, and the person an invitee suggested is invited in
one click, at 1280 px and at a phone's 390 px, with no console error and no axe violation."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_source, axe_violations, sideways_overflow, silent_scrollers
from tests.browser.conftest import assert_clean, screenshot
from tests.browser.demo_data import server_shell

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.harness.app import AppServer

pytestmark = pytest.mark.browser

# An invited assist of the demo organisation with three visiting peers not invited yet, and
# one invitee who answered by suggesting someone else.
SETUP = """
from datetime import timedelta
from django.utils import timezone
from peerassist.assists.models import Format, Participation, PeerAssist
from peerassist.invitations.models import Invitation
from peerassist.people.models import Person
TAG = %(tag)r
org = PeerAssist.objects.get(title="Flood-season messages for vulnerable customers").organisation
starts = timezone.now() + timedelta(days=10)
assist = PeerAssist.objects.create(
    organisation=org, title=f"Smart meter roll-out {TAG}", status="invited",
    format=Format.objects.get(organisation=None, kind="standard"),
    starts_at=starts, ends_at=starts + timedelta(hours=3), time_zone="Europe/London",
)
def peer(name):
    email = f"{name.split()[0].lower()}.{TAG}@meridian.example"
    person = Person.objects.create(organisation=org, name=f"{name} {TAG}", email=email)
    Participation.objects.create(assist=assist, person=person, role="visiting_peer")
    return person
for name in ["Ines Ortega", "Jonas Berg", "Kemi Adeyemi"]:
    peer(name)
declined = peer("Lars Holm")
Invitation.objects.create(
    assist=assist, person=declined, role="visiting_peer", status="suggested_other",
    sent_at=timezone.now(), responded_at=timezone.now(),
    suggested_name=f"Mira Quist {TAG}", suggested_email=f"mira.{TAG}@partner.example",
    suggested_reason="She ran the 2024 pilot in the north.",
)
print(json.dumps({"assist_id": assist.pk, "tag": TAG}))
"""


@pytest.fixture
def planned(app_server: AppServer) -> dict[str, Any]:
    data: dict[str, Any] = server_shell(app_server, SETUP % {"tag": uuid.uuid4().hex[:6]})
    return data


def _tab(page: Page, planned: dict[str, Any]) -> None:
    page.goto(f"/assists/{planned['assist_id']}/invitations/")
    expect(
        page.get_by_role("heading", level=2, name="Invite the people taking part")
    ).to_be_visible()


def test_select_all_ticks_everyone_counts_and_sends(
    organiser_page: Page, planned: dict[str, Any]
) -> None:
    page = organiser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _tab(page, planned)
    rows = page.locator('input[name="person_ids"]')
    expect(rows).to_have_count(3)
    select_all = page.get_by_label("Select all (3 people)")
    count = page.locator("[data-selected-count]")
    expect(count).to_have_text("0 of 3 selected")

    select_all.check()
    for i in range(3):
        expect(rows.nth(i)).to_be_checked()
    expect(count).to_have_text("3 of 3 selected")

    rows.nth(0).uncheck()
    expect(count).to_have_text("2 of 3 selected")
    expect(select_all).not_to_be_checked()
    assert page.evaluate("document.getElementById('invite-select-all').indeterminate")
    screenshot(page, "invitations-tab-1280")
    assert axe_violations(page, axe_source()) == []

    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("2 invitations are on their way.")).to_be_visible()
    expect(page.locator('input[name="person_ids"]')).to_have_count(1)
    assert_clean(page)


def test_at_390px_the_suggested_person_is_invited_in_one_click(
    phone_page: Page, planned: dict[str, Any]
) -> None:
    page = phone_page
    tag = planned["tag"]
    _tab(page, planned)
    expect(page.get_by_text(f"Suggests Mira Quist {tag}")).to_be_visible()
    # Each invitation is a card on a phone; its answer stays in it.
    expect(page.get_by_role("cell", name="Suggested someone else")).to_be_visible()
    assert sideways_overflow(page) == ""
    assert silent_scrollers(page) == []
    screenshot(page, "invitations-tab-390")
    assert axe_violations(page, axe_source()) == []

    page.get_by_role("button", name=f"Invite Mira Quist {tag} instead").click()
    expect(page.get_by_text(f"An invitation is on its way to Mira Quist {tag}.")).to_be_visible()
    expect(page.get_by_text(f"Mira Quist {tag} is already asked.")).to_be_visible()
    assert sideways_overflow(page) == ""
    assert_clean(page)
