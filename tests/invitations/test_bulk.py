"""The Invitations tab's "select all" and one-click "invite them" (issue 15): select all works
without JavaScript over the people the page listed, the bulk action says how many were
invited and who was skipped and why, a suggested person is invited through the same service
as on the overview, and who may do either (role × action)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from peerassist.assists.models import Participation, Role
from peerassist.invitations import services
from peerassist.invitations.models import Invitation, InvitationStatus
from peerassist.people.models import Person
from tests.factories import PeerAssistFactory, PersonFactory
from tests.invitations.conftest import tab

pytestmark = pytest.mark.django_db


def send(assist):
    return reverse("invitations:send", args=[assist.pk])


def listed(assist):
    return [p.person_id for p in Participation.objects.filter(assist=assist)]


def invited(assist):
    return set(
        Invitation.objects.filter(assist=assist, cancelled_at__isnull=True).values_list(
            "person__name", flat=True
        )
    )


# --- Select all ----------------------------------------------------------------------------


def test_the_tab_offers_select_all_with_a_label_over_the_people_not_invited(
    organiser, assist, peers
):
    page = organiser.client().get(tab(assist)).content.decode()
    assert '<input type="checkbox" name="select_all" id="invite-select-all"' in page
    # The organiser takes part and is not invited yet either: three people in the list.
    assert '<label for="invite-select-all">Select all (3 people)</label>' in page
    for person in [organiser.person, *peers]:
        assert f'<input type="hidden" name="listed" value="{person.pk}">' in page
    assert page.count('name="listed"') == 3
    assert "invitations/select-all.js" in page


def test_select_all_without_javascript_invites_everyone_the_page_listed(
    org, organiser, assist, peers, django_capture_on_commit_callbacks
):
    shown = listed(assist)
    late = PersonFactory(organisation=org, name="Lou Late", email="lou@meridian.test")
    Participation.objects.create(assist=assist, person=late, role=Role.VISITING_PEER)
    with django_capture_on_commit_callbacks(execute=True):
        done = organiser.client().post(
            send(assist), {"select_all": "on", "listed": shown}, follow=True
        )
    assert done.redirect_chain == [(tab(assist), 302)]
    assert "3 invitations are on their way." in done.content.decode()
    assert "Nia Brooks" in invited(assist) and "Omar Haddad" in invited(assist)
    assert "Lou Late" not in invited(assist)  # added after the page loaded: not selected
    assert {m.to[0] for m in mail.outbox} >= {"nia@meridian.test", "omar@meridian.test"}


def test_those_already_invited_are_skipped_and_named(
    organiser, assist, peers, django_capture_on_commit_callbacks
):
    nia, omar = peers
    services.invitation_send(viewer=organiser.viewer, assist=assist, person_ids=[nia.pk])
    with django_capture_on_commit_callbacks(execute=True):
        done = organiser.client().post(send(assist), {"person_ids": [nia.pk, omar.pk]}, follow=True)
    text = done.content.decode()
    assert "1 invitation is on its way." in text
    assert "1 person was already invited, so skipped: Nia Brooks." in text
    assert Invitation.objects.get(person=nia).sequence == 0  # not sent again


def test_a_stale_page_that_invites_nobody_says_why_with_a_400(organiser, assist, peers):
    nia, omar = peers
    services.invitation_send(viewer=organiser.viewer, assist=assist, person_ids=[nia.pk, omar.pk])
    mail.outbox.clear()
    page = organiser.client().post(send(assist), {"person_ids": [nia.pk, omar.pk]})
    assert page.status_code == 400
    assert (
        "2 people were already invited, so skipped: Nia Brooks, Omar Haddad."
        in page.content.decode()
    )
    assert mail.outbox == []


@pytest.fixture
def elsewhere(org, other_org, organiser):
    """A person of another assist of the organisation, and one of another organisation."""
    other_assist = PeerAssistFactory(organisation=org, status="invited")
    colleague = PersonFactory(organisation=org, name="Cy Other", email="cy@meridian.test")
    Participation.objects.create(assist=other_assist, person=colleague, role=Role.VISITING_PEER)
    stranger = PersonFactory(organisation=other_org, name="Sam Stranger", email="sam@other.test")
    return {"other_assist": colleague.pk, "other_org": stranger.pk}


BAD = [
    ("nobody", {}, "Choose at least one person to invite."),
    ("select all over nothing", {"select_all": "on"}, "Choose at least one person to invite."),
    ("not a number", {"person_ids": ["nia"]}, "“nia” is not a person from this list."),
    ("a listed id not a number", {"select_all": "on", "listed": ["1;"]}, "is not a person"),
    ("unknown id", {"person_ids": [987654]}, "1 person chosen does not take part"),
    ("another assist's person", {"person_ids": ["other_assist"]}, "does not take part"),
    ("another organisation's person", {"person_ids": ["other_org"]}, "does not take part"),
]


@pytest.mark.parametrize(("case", "data", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_400_with_a_reason_and_sends_nothing(
    organiser, assist, peers, elsewhere, case, data, reason
):
    data = {
        k: [elsewhere.get(v, v) for v in vs] if isinstance(vs, list) else vs
        for k, vs in data.items()
    }
    page = organiser.client().post(send(assist), data)
    assert page.status_code == 400
    text = page.content.decode()
    assert reason in text and 'role="alert"' in text
    assert "Cy Other" not in text and "Sam Stranger" not in text  # names no one outside
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_an_assist_past_inviting_refuses_with_the_reason(organiser, assist, peers):
    assist.status = "concluded"
    assist.save()
    page = organiser.client().post(send(assist), {"person_ids": [peers[0].pk]})
    assert page.status_code == 400
    assert "Invitations go out once the plan is ready" in page.content.decode()
    assert not Invitation.objects.exists()


# --- Invite them: the person an invitee suggested -------------------------------------------


@pytest.fixture
def suggestion(organiser, assist, peers):
    _nia, omar = peers
    services.invitation_send(viewer=organiser.viewer, assist=assist, person_ids=[omar.pk])
    Invitation.objects.filter(person=omar).update(
        status=InvitationStatus.SUGGESTED_OTHER,
        suggested_name="Lea Stone",
        suggested_email="lea@partner.test",
        suggested_reason="ran the 2023 merger",
    )
    mail.outbox.clear()
    return Invitation.objects.get(person=omar)


def test_the_tab_offers_to_invite_the_suggested_person_in_one_click(
    organiser, assist, suggestion, django_capture_on_commit_callbacks
):
    page = organiser.client().get(tab(assist)).content.decode()
    assert '<tr class="suggestion-row">' in page
    assert "Suggests Lea Stone (lea@partner.test)" in page and "<q>ran the 2023 merger</q>" in page
    form = page[page.index('<tr class="suggestion-row">') :]
    form = form[: form.index("</tr>")]
    assert f'action="{reverse("invitations:guest", args=[assist.pk])}"' in form
    assert 'name="email" value="lea@partner.test"' in form and 'value="visiting_peer"' in form
    assert "Invite Lea Stone instead" in form
    with django_capture_on_commit_callbacks(execute=True):
        done = organiser.client().post(
            reverse("invitations:guest", args=[assist.pk]),
            {"name": "Lea Stone", "email": "lea@partner.test", "role": "visiting_peer"},
            follow=True,
        )
    assert "An invitation is on its way to Lea Stone." in done.content.decode()
    lea = Person.objects.get(email="lea@partner.test")
    assert Participation.objects.get(assist=assist, person=lea).role == Role.VISITING_PEER
    assert [m.to for m in mail.outbox] == [["lea@partner.test"]]
    # Now she takes part: the tab says so instead of offering her again.
    page = organiser.client().get(tab(assist)).content.decode()
    assert "Lea Stone is already asked." in page and "Invite Lea Stone instead" not in page


def test_inviting_the_suggested_person_twice_is_a_400_with_the_reason(
    organiser, assist, suggestion, django_capture_on_commit_callbacks
):
    data = {"name": "Lea Stone", "email": "lea@partner.test", "role": "visiting_peer"}
    url = reverse("invitations:guest", args=[assist.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert organiser.client().post(url, data).status_code == 302
    mail.outbox.clear()
    again = organiser.client().post(url, data)
    assert again.status_code == 400
    assert (
        "Lea Stone is already invited; use “Send again” to remind them." in again.content.decode()
    )
    assert mail.outbox == []


def test_no_invite_them_once_the_assist_is_past_inviting(organiser, assist, suggestion):
    assist.status = "concluded"
    assist.save()
    page = organiser.client().get(tab(assist)).content.decode()
    assert "Suggests Lea Stone" in page and "Invite Lea Stone instead" not in page


# --- Who may (role × action) ------------------------------------------------------------------

WHO = [
    ("organiser", 302),
    ("admin", 302),
    ("home_peer", 302),
    ("facilitator", 302),
    ("visiting_peer", 403),
    ("member", 403),
    ("guest", 404),
    ("outsider", 403),
    ("other_org_member", 404),
]


def persona(request, team, who):
    return team[who] if who in team else request.getfixturevalue(who)


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_who_may_select_all_and_invite_them(
    request, assist, team, peers, suggestion, who, expected, django_capture_on_commit_callbacks
):
    client = persona(request, team, who).client()
    actions = {
        "select all": (send(assist), {"select_all": "on", "listed": listed(assist)}),
        "invite them": (
            reverse("invitations:guest", args=[assist.pk]),
            {"name": "Lea Stone", "email": "lea@partner.test", "role": "visiting_peer"},
        ),
    }
    for action, (url, data) in actions.items():
        with django_capture_on_commit_callbacks(execute=True):
            status = client.post(url, data).status_code
        assert status == expected, action
    if expected == 302:
        assert {"Nia Brooks", "Lea Stone"} <= invited(assist)
    else:
        assert mail.outbox == []
        assert invited(assist) == {"Omar Haddad"}


def test_the_api_refuses_a_second_invitation_by_email_with_a_422(
    organiser, assist, suggestion, django_capture_on_commit_callbacks
):
    """The same rule through /api/v1 (the service is shared): a field error, no e-mail."""
    from peerassist.accounts.services import api_token_create

    issued = api_token_create(user=organiser.user, organisation=organiser.organisation, name="t")
    client = Client(headers={"Authorization": f"Bearer {issued.raw}"})
    url = f"/api/v1/assists/{assist.pk}/invitations/guests"
    data = {"name": "Omar", "email": "omar@meridian.test", "role": "visiting_peer"}
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, data, content_type="application/json")
    assert refused.status_code == 422
    assert "already invited" in refused.content.decode()
    assert mail.outbox == [] and Invitation.objects.get(person__email=data["email"]).sequence == 0
