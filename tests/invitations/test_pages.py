"""The Invitations tab of an assist: the list with answers, inviting the people taking part,
inviting a guest by e-mail, sending again, withdrawing, and who may do any of it."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from peerassist.assists.models import Participation, Role
from peerassist.invitations import services
from peerassist.invitations.models import Invitation, InvitationStatus
from peerassist.people.models import Person
from tests.factories import PeerAssistFactory, PersonFactory
from tests.invitations.conftest import tab

pytestmark = pytest.mark.django_db


def ics_of(message) -> icalendar.Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def test_the_tab_lists_invitations_with_their_answers(
    organiser, assist, peers, django_capture_on_commit_callbacks
):
    nia, omar = peers
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[nia.pk, omar.pk]
        )
    Invitation.objects.filter(person=nia).update(status=InvitationStatus.ACCEPTED)
    Invitation.objects.filter(person=omar).update(
        status=InvitationStatus.SUGGESTED_OTHER,
        suggested_name="Lea Stone",
        suggested_email="lea@meridian.test",
        suggested_reason="ran the 2023 merger",
    )
    page = organiser.client().get(tab(assist))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nia Brooks" in text and "Accepted" in text
    assert "Omar Haddad" in text and "Suggested someone else" in text
    assert "Suggests Lea Stone (lea@meridian.test)" in text and "ran the 2023 merger" in text
    assert text.count(">Withdraw<") == 2


def test_inviting_the_people_taking_part_sends_html_text_and_ics(
    organiser, assist, peers, django_capture_on_commit_callbacks
):
    nia, _omar = peers
    page = organiser.client().get(tab(assist)).content.decode()
    assert f'value="{nia.pk}"' in page and "Not invited yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = organiser.client().post(
            reverse("invitations:send", args=[assist.pk]), {"person_ids": [nia.pk]}, follow=True
        )
    assert done.redirect_chain == [(tab(assist), 302)]
    assert "1 invitation is on its way." in done.content.decode()
    (message,) = mail.outbox
    assert message.to == ["nia@meridian.test"]
    assert "Depot consolidation" in message.subject
    assert "Merging two depots" in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html" and "Merging two depots" in html and "<html" in html
    event = ics_of(message).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Depot consolidation"
    assert Invitation.objects.get(person=nia).sent_at is not None


def test_choosing_nobody_is_an_error_not_an_email(organiser, assist, peers):
    done = organiser.client().post(reverse("invitations:send", args=[assist.pk]), follow=True)
    assert "Choose at least one person to invite." in done.content.decode()
    assert mail.outbox == []


def test_a_guest_by_email_gets_a_personal_link(
    organiser, assist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = organiser.client().post(
            reverse("invitations:guest", args=[assist.pk]),
            {"name": "Priya Partner", "email": "priya@partner.test", "role": Role.VISITING_PEER},
            follow=True,
        )
    assert "An invitation is on its way to Priya Partner." in done.content.decode()
    person = Person.objects.get(email="priya@partner.test")
    assert person.is_external and person.organisation == assist.organisation
    assert Participation.objects.get(assist=assist, person=person).role == Role.VISITING_PEER
    (message,) = mail.outbox
    assert message.to == ["priya@partner.test"]
    assert "/guest/" in message.body and "/guest/" in message.alternatives[0].content
    assert ics_of(message)["METHOD"] == "REQUEST"
    # Listed as a guest on the tab.
    listed = organiser.client().get(tab(assist)).content.decode()
    assert "Priya Partner" in listed and ">guest<" in listed


def test_inviting_someone_from_the_directory_by_email_invites_that_person(
    organiser, assist, django_capture_on_commit_callbacks
):
    bo = PersonFactory(organisation=assist.organisation, name="Bo Lind", email="bo@meridian.test")
    with django_capture_on_commit_callbacks(execute=True):
        organiser.client().post(
            reverse("invitations:guest", args=[assist.pk]),
            {"name": "Bo", "email": "BO@meridian.test", "role": Role.OBSERVER},
        )
    invitation = Invitation.objects.get(assist=assist)
    assert invitation.person_id == bo.pk and invitation.role == Role.OBSERVER
    assert not Person.objects.filter(email__iexact="bo@meridian.test", is_external=True).exists()
    assert "/guest/" not in mail.outbox[0].body  # members sign in as usual


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"name": "X", "email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"name": "", "email": "x@partner.test"}, "name", "This field is required."),
        ({"name": "X", "email": "x@partner.test", "role": "king"}, "role", "Select a valid"),
    ],
)
def test_a_bad_guest_form_shows_the_error_and_sends_nothing(
    organiser, assist, data, field, error, django_capture_on_commit_callbacks
):
    data = {"role": Role.VISITING_PEER, **data}
    with django_capture_on_commit_callbacks(execute=True):
        page = organiser.client().post(reverse("invitations:guest", args=[assist.pk]), data)
    assert page.status_code == 400
    text = page.content.decode()
    assert f'id="id_{field}-error"' in text and error in text
    assert f'aria-describedby="id_{field}-error"' in text and 'aria-invalid="true"' in text
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_sending_again_and_withdrawing(
    organiser, assist, peers, django_capture_on_commit_callbacks
):
    nia, _omar = peers
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[nia.pk]
        )
    client = organiser.client()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("invitations:resend", args=[assist.pk, invitation.pk]), follow=True
        )
    assert "Sent again to Nia Brooks." in again.content.decode()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["nia@meridian.test"]

    with django_capture_on_commit_callbacks(execute=True):
        gone = client.post(
            reverse("invitations:cancel", args=[assist.pk, invitation.pk]), follow=True
        )
    assert "invitation is withdrawn" in gone.content.decode()
    cancel = mail.outbox[-1]
    assert "Cancelled: Depot consolidation" in cancel.subject
    calendar = ics_of(cancel)
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 1
    assert not Participation.objects.filter(assist=assist, person=nia).exists()
    listed = client.get(tab(assist)).content.decode()
    assert "Withdrawn" in listed and "Invite again" in listed


def test_an_invitation_of_another_assist_is_not_touched(
    organiser, org, assist, peers, django_capture_on_commit_callbacks
):
    other = PeerAssistFactory(status="invited", organisation=org, starts_at=assist.starts_at)
    Participation.objects.create(assist=other, person=peers[0], role=Role.VISITING_PEER)
    with django_capture_on_commit_callbacks(execute=True):
        (theirs,) = services.invitation_send(
            viewer=organiser.viewer, assist=other, person_ids=[peers[0].pk]
        )
    done = organiser.client().post(
        reverse("invitations:cancel", args=[assist.pk, theirs.pk]), follow=True
    )
    assert "There is no such invitation here." in done.content.decode()
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


# --- Who may use the tab ---------------------------------------------------------------------

WHO = [
    ("organiser", 200),
    ("admin", 200),
    ("home_peer", 200),
    ("facilitator", 200),
    ("visiting_peer", 403),
    ("member", 403),
    ("guest", 404),
    ("outsider", 403),
    ("other_org_member", 404),
]


def persona(request, team, who):
    return team[who] if who in team else request.getfixturevalue(who)


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_who_sees_the_tab(request, assist, team, who, expected):
    page = persona(request, team, who).client().get(tab(assist))
    assert page.status_code == expected
    if expected != 200:
        assert "Invite guest" not in page.content.decode()


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_who_may_invite_resend_and_withdraw(
    request, organiser, assist, team, peers, who, expected, django_capture_on_commit_callbacks
):
    nia, omar = peers
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[nia.pk]
        )
    mail.outbox.clear()
    client = persona(request, team, who).client()
    posts = [
        (reverse("invitations:send", args=[assist.pk]), {"person_ids": [omar.pk]}),
        (
            reverse("invitations:guest", args=[assist.pk]),
            {"name": "G", "email": "g@partner.test", "role": Role.OBSERVER},
        ),
        (reverse("invitations:resend", args=[assist.pk, invitation.pk]), {}),
        (reverse("invitations:cancel", args=[assist.pk, invitation.pk]), {}),
    ]
    statuses = []
    for url, data in posts:
        with django_capture_on_commit_callbacks(execute=True):
            statuses.append(client.post(url, data).status_code)
    if expected == 200:
        assert statuses == [302, 302, 302, 302]
        assert len(mail.outbox) == 4  # omar, the guest, nia again, nia's cancellation
    else:
        assert statuses == [expected] * 4
        assert mail.outbox == []
        invitation.refresh_from_db()
        assert invitation.cancelled_at is None
        assert not Invitation.objects.filter(person=omar).exists()
