"""Each assist page says what the next step is and offers it; nothing offers a dead end."""

from __future__ import annotations

import pytest
from django.utils import timezone

from peerassist.accounts.models import Role as OrgRole
from peerassist.assists.models import PeerAssist, Status
from peerassist.invitations.models import Invitation
from tests.conftest import make_persona
from tests.test_assist_pages import plan, team  # noqa: F401 — the fixture is used by name

pytestmark = pytest.mark.django_db


@pytest.fixture
def assist(organiser, team):  # noqa: F811
    return plan(organiser, team)


def at(assist: PeerAssist, status: str) -> PeerAssist:
    PeerAssist.objects.filter(pk=assist.pk).update(status=status)
    assist.refresh_from_db()
    return assist


def page(persona, url: str) -> str:
    response = persona.client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_new_draft_names_the_first_open_item_and_links_to_its_page(team, assist):  # noqa: F811
    html = page(team["home_peer"], f"/assists/{assist.pk}/")
    assert "What happens next" in html
    assert "Next: The brief states the challenge." in html
    assert f'href="/assists/{assist.pk}/brief/"' in html
    assert "Ready to invite?" in html
    # The rules panel does not claim all is well while the checklist is open.
    assert "find nothing to change" not in html
    assert "items of the checklist are still open" in html


@pytest.mark.parametrize("status", [Status.LIVE, Status.CONCLUDED])
def test_checklist_and_rules_panel_go_once_the_plan_is_done(team, assist, status):  # noqa: F811
    html = page(team["home_peer"], f"/assists/{at(assist, status).pk}/")
    assert "Ready to invite?" not in html
    assert "The method's rules" not in html


def test_invited_without_invitations_says_none_went_out_and_offers_to_send(team, assist):  # noqa: F811
    html = page(team["home_peer"], f"/assists/{at(assist, Status.INVITED).pk}/")
    assert "No invitations have gone out yet" in html
    assert f'href="/assists/{assist.pk}/invitations/"' in html


def test_with_invitations_out_the_overview_points_to_the_room(team, assist):  # noqa: F811
    at(assist, Status.INVITED)
    Invitation.objects.create(
        assist=assist,
        person=team["visiting_peer"].person,
        role="visiting_peer",
        sent_at=timezone.now(),
    )
    html = page(team["facilitator"], f"/assists/{assist.pk}/")
    assert "No invitations have gone out" not in html
    assert "open the room and go live there" in html
    assert f'href="/assists/{assist.pk}/live/"' in html


def test_marking_invited_with_no_invitations_sent_says_so(organiser, assist):
    # Everything the checklist needs, then "Mark as invited" with nobody invited yet.
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.PLANNED)
    client = organiser.client()
    from peerassist.assists import services

    services.assist_update(
        viewer=organiser.viewer,
        assist=assist,
        changes={
            "challenge": "How do we roll out meters?",
            "business_context": "Ten thousand meters next year.",
            "focus_questions": ["What went wrong for you?"],
            "starts_at": timezone.now() + timezone.timedelta(days=30),
            "decision_date": (timezone.now() + timezone.timedelta(days=60)).date(),
            "mode": "virtual",
            "video_link": "https://meet.example/abc",
        },
    )
    response = client.post(f"/assists/{assist.pk}/status/", {"target": "invited"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "No invitations have gone out" in html
    assert PeerAssist.objects.get(pk=assist.pk).status == Status.INVITED


def test_the_facilitator_goes_live_from_inside_the_room(team, assist):  # noqa: F811
    at(assist, Status.INVITED)
    facilitator = team["facilitator"]
    room = page(facilitator, f"/assists/{assist.pk}/live/")
    assert "Go live" in room
    assert "the timer and the agenda's steps start working" in room
    assert 'data-timer="start"' not in room  # no "Start step" that can only be refused
    response = facilitator.client().post(
        f"/assists/{assist.pk}/status/", {"target": "live", "from": "room"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/assists/{assist.pk}/live/"
    assert PeerAssist.objects.get(pk=assist.pk).status == Status.LIVE
    room = page(facilitator, f"/assists/{assist.pk}/live/")
    assert 'data-timer="start"' in room
    assert "Go live" not in room


def test_a_visiting_peer_in_an_invited_room_is_told_who_starts_it(team, assist):  # noqa: F811
    room = page(team["visiting_peer"], f"/assists/{at(assist, Status.INVITED).pk}/live/")
    assert "The facilitator starts it from this room" in room
    assert ">Go live<" not in room


def test_no_room_link_for_a_member_who_does_not_take_part(org, team, assist):  # noqa: F811
    at(assist, Status.LIVE)
    bystander = make_persona(org, OrgRole.MEMBER, "bystander@meridian.test")
    html = page(bystander, f"/assists/{assist.pk}/")
    assert f"/assists/{assist.pk}/live/" not in html
    assert f"/assists/{assist.pk}/live/" in page(team["visiting_peer"], f"/assists/{assist.pk}/")


def test_conclusion_page_puts_conclude_after_the_fields(team, assist):  # noqa: F811
    html = page(team["facilitator"], f"/assists/{at(assist, Status.LIVE).pk}/conclusion/")
    assert html.index('data-testid="conclude"') > html.index('id="feedback"')
    assert "Back to the live room" in html


def test_conclusion_page_offers_no_room_to_a_bystander(org, assist):
    at(assist, Status.LIVE)
    bystander = make_persona(org, OrgRole.MEMBER, "bystander@meridian.test")
    response = bystander.client().get(f"/assists/{assist.pk}/conclusion/")
    assert "Back to the live room" not in response.content.decode()
