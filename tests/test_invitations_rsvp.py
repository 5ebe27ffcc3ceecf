"""Answering by link, without signing in: each link works once, for one purpose, for a
limited time; anything else is a 403 page that says what to do."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from peerassist.assists.models import Participation, Role, Rsvp
from peerassist.invitations import services, tokens
from peerassist.invitations.models import Invitation, InvitationStatus
from peerassist.notifications.models import Notification
from tests.factories import PeerAssistFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(org, organiser, django_capture_on_commit_callbacks):
    assist = PeerAssistFactory(
        status="invited", organisation=org, starts_at=timezone.now() + timedelta(days=10)
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    peer = PersonFactory(organisation=org, name="Nia", email="nia@meridian.test")
    Participation.objects.create(assist=assist, person=peer, role=Role.VISITING_PEER)
    with django_capture_on_commit_callbacks(execute=True):
        (sent,) = services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[peer.pk]
        )
    return sent


def link(invitation, action):
    """The link for `action` as it appears in the email."""
    body = mail.outbox[-1].body
    urls = re.findall(r"http://127\.0\.0\.1:8000(/rsvp/[^/\s]+/)", body)
    assert len(urls) == 3
    return dict(zip(tokens.RSVP_ACTIONS, urls, strict=True))[action]


def anonymous() -> Client:
    return Client()


def assert_refused(response, words):
    assert response.status_code == 403
    text = response.content.decode()
    assert "This link does not work" in text
    assert words in text
    assert "What to do" in text


def test_accepting_asks_for_a_click_then_records_the_answer(
    invitation, django_capture_on_commit_callbacks
):
    client = anonymous()
    url = link(invitation, "accept")
    page = client.get(url)
    assert page.status_code == 200
    assert "Yes, I will take part" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING  # opening the link answers nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url)
    assert done.status_code == 200
    assert "You will take part" in done.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.responded_at is not None
    participation = Participation.objects.get(assist=invitation.assist, person=invitation.person)
    assert participation.rsvp == Rsvp.ACCEPTED
    # The home team hears about it.
    assert Notification.objects.filter(kind="invitation.answered").exists()


def test_declining_syncs_the_participation(invitation):
    anonymous().post(link(invitation, "decline"))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert Participation.objects.get(person=invitation.person).rsvp == Rsvp.DECLINED


def test_suggesting_someone_else_takes_name_email_and_why(invitation):
    client = anonymous()
    url = link(invitation, "suggest")
    assert "Their e-mail address" in client.get(url).content.decode()
    bad = client.post(url, {"name": "Sam", "email": "not an address"})
    assert bad.status_code == 400
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    client.post(url, {"name": "Sam Lee", "email": "Sam@North.test", "reason": "Ran it in 2025"})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SUGGESTED_OTHER
    assert (invitation.suggested_name, invitation.suggested_email) == ("Sam Lee", "sam@north.test")
    assert invitation.suggested_reason == "Ran it in 2025"


def test_a_reused_link_is_refused(invitation):
    url = link(invitation, "accept")
    assert anonymous().post(url).status_code == 200
    assert_refused(anonymous().post(url), "already been used")
    assert_refused(anonymous().get(url), "already been used")


def test_using_one_link_uses_up_its_siblings(invitation):
    accept, decline = link(invitation, "accept"), link(invitation, "decline")
    anonymous().post(accept)
    assert_refused(anonymous().post(decline), "already been used")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_the_thank_you_page_offers_fresh_links_to_change_ones_mind(invitation):
    done = anonymous().post(link(invitation, "accept")).content.decode()
    # Links on the site's own pages are relative: they work on any host and port.
    links = re.findall(r'href="(/rsvp/[^"]+)"', done)
    assert len(links) == 2  # decline or suggest: they accepted already
    decline = next(url for url in links if tokens.rsvp_read(url.split("/")[2]).action == "decline")
    assert anonymous().post(decline).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED


def test_a_forged_link_is_refused(invitation):
    forged = signing.dumps(
        {"i": invitation.pk, "a": "accept", "n": invitation.rsvp_nonce}, salt="something else"
    )
    assert_refused(anonymous().post(f"/rsvp/{forged}/"), "not valid")
    assert_refused(anonymous().get("/rsvp/garbage/"), "not valid")
    url = link(invitation, "accept")
    tampered = url.replace(url[8], "A" if url[8] != "A" else "B", 1)
    assert_refused(anonymous().post(tampered), "not valid")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_a_guest_access_link_is_no_rsvp_link(invitation):
    token = tokens.guest_token(invitation_id=invitation.pk, key=invitation.access_key)
    assert_refused(anonymous().post(f"/rsvp/{token}/"), "not valid")


def test_an_expired_link_is_refused(invitation):
    url = link(invitation, "accept")
    with time_machine.travel(timezone.now() + tokens.RSVP_MAX_AGE + timedelta(minutes=1)):
        assert_refused(anonymous().post(url), "expired")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_a_withdrawn_invitation_takes_no_answers(invitation, organiser):
    url = link(invitation, "accept")
    services.invitation_cancel(
        viewer=organiser.viewer, assist=invitation.assist, invitation_id=invitation.pk
    )
    assert_refused(anonymous().post(url), "withdrawn")


def test_the_refusal_page_is_translated(invitation):
    client = anonymous()
    client.cookies["django_language"] = "fr"
    response = client.get("/rsvp/garbage/", headers={"accept-language": "fr"})
    assert response.status_code == 403
    assert "Ce lien ne fonctionne pas" in response.content.decode()


def test_two_answers_at_once_count_once(invitation):
    claim = tokens.rsvp_read(link(invitation, "accept").split("/")[2])
    services.rsvp_answer(claim=claim)
    with pytest.raises(tokens.TokenRefused):
        services.rsvp_answer(claim=claim)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED
