"""/api/v1/assists/{id}/invitations: list, invite, invite a guest, send again, withdraw;
status codes and who may (home team, facilitator, organisers; 403 for other members and
visiting peers; 404 for an assist the caller may not see)."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from peerassist.accounts.services import api_token_create
from peerassist.assists.models import Participation, Role, Status, Visibility
from peerassist.invitations import services
from peerassist.invitations.models import Invitation, InvitationStatus
from peerassist.people.models import Person
from tests.conftest import make_persona
from tests.factories import PeerAssistFactory, PersonFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


@pytest.fixture
def assist(org, organiser):
    assist = PeerAssistFactory(
        status="invited",
        organisation=org,
        title="Fleet electrification",
        visibility=Visibility.ORGANISATION,
        starts_at=timezone.now() + timedelta(days=14),
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    return assist


@pytest.fixture
def peer(org, assist):
    person = PersonFactory(organisation=org, name="Nia Brooks", email="nia@meridian.test")
    Participation.objects.create(assist=assist, person=person, role=Role.VISITING_PEER)
    return person


def base(assist) -> str:
    return f"/api/v1/assists/{assist.pk}/invitations"


def test_inviting_lists_and_sends(organiser, assist, peer, django_capture_on_commit_callbacks):
    client = bearer(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(base(assist), {"person_ids": [peer.pk]}, content_type=JSON)
    assert created.status_code == 201
    (body,) = created.json()
    assert body["person_id"] == peer.pk and body["name"] == "Nia Brooks"
    assert body["status"] == "pending" and body["role"] == "visiting_peer"
    assert body["external"] is False and body["sequence"] == 0
    (message,) = mail.outbox
    assert message.to == ["nia@meridian.test"]
    assert icalendar.Calendar.from_ical(message.attachments[0][1])["METHOD"] == "REQUEST"

    listed = client.get(base(assist))
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["id"] == body["id"] and row["sent_at"] is not None


def test_a_guest_invitation(organiser, assist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = bearer(organiser).post(
            f"{base(assist)}/guests",
            {"name": "Priya Partner", "email": "Priya@Partner.test", "role": "observer"},
            content_type=JSON,
        )
    assert created.status_code == 201
    body = created.json()
    assert body["external"] is True and body["email"] == "priya@partner.test"
    assert body["role"] == "observer"
    assert Person.objects.get(pk=body["person_id"]).is_external
    assert "/guest/" in mail.outbox[0].body


def test_resend_and_withdraw(organiser, assist, peer, django_capture_on_commit_callbacks):
    client = bearer(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[peer.pk]
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"{base(assist)}/{invitation.pk}/resend")
    assert again.status_code == 200 and again.json()["id"] == invitation.pk
    assert len(mail.outbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        gone = client.post(f"{base(assist)}/{invitation.pk}/cancel")
    assert gone.status_code == 200
    assert gone.json()["cancelled_at"] is not None and gone.json()["sequence"] == 1
    cancel = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert cancel["METHOD"] == "CANCEL"
    assert not Participation.objects.filter(assist=assist, person=peer).exists()

    # A withdrawn invitation sent again needs the person back in the assist first.
    refused = client.post(f"{base(assist)}/{invitation.pk}/resend")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "payload", "invitation_id"]


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("", {"person_ids": []}, "person_ids"),
        ("", {}, "person_ids"),
        ("/guests", {"name": "X", "email": "nope"}, "email"),
        ("/guests", {"name": "", "email": "x@partner.test"}, "name"),
        ("/guests", {"name": "X", "email": "x@partner.test", "role": "king"}, "role"),
    ],
)
def test_bad_input_is_422_and_sends_nothing(organiser, assist, path, payload, field):
    answer = bearer(organiser).post(f"{base(assist)}{path}", payload, content_type=JSON)
    assert answer.status_code == 422
    assert any(field in error["loc"] for error in answer.json()["detail"])
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_someone_not_taking_part_is_422(organiser, assist, org):
    stranger = PersonFactory(organisation=org)
    answer = bearer(organiser).post(base(assist), {"person_ids": [stranger.pk]}, content_type=JSON)
    assert answer.status_code == 422
    assert "do not take part" in answer.json()["detail"][0]["msg"]


def test_a_draft_is_422_with_the_rule(organiser, assist, peer):
    assist.status = Status.DRAFT
    assist.save(update_fields=["status"])
    answer = bearer(organiser).post(base(assist), {"person_ids": [peer.pk]}, content_type=JSON)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["code"] == "not_invitable"


def test_an_invitation_of_another_assist_is_422(
    organiser, org, assist, peer, django_capture_on_commit_callbacks
):
    other = PeerAssistFactory(status="invited", organisation=org, starts_at=assist.starts_at)
    Participation.objects.create(assist=other, person=peer, role=Role.VISITING_PEER)
    (theirs,) = services.invitation_send(
        viewer=organiser.viewer, assist=other, person_ids=[peer.pk]
    )
    answer = bearer(organiser).post(f"{base(assist)}/{theirs.pk}/cancel")
    assert answer.status_code == 422
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


def test_without_a_token_is_401(assist):
    assert Client().get(base(assist)).status_code == 401


WHO = [
    ("organiser", 200),
    ("admin", 200),
    ("home_peer", 200),
    ("facilitator", 200),
    ("visiting_peer", 403),
    ("member", 403),
    ("guest", 404),
    ("other_org_member", 404),
]


@pytest.fixture
def team(org, assist):
    people = {
        "home_peer": make_persona(org, "member", "hana@meridian.test"),
        "facilitator": make_persona(org, "member", "fatima@meridian.test"),
        "visiting_peer": make_persona(org, "member", "victor@meridian.test"),
    }
    for role, persona in people.items():
        Participation.objects.create(assist=assist, person=persona.person, role=role)
    return people


@pytest.mark.parametrize(("who", "expected"), WHO)
def test_who_may_use_the_invitations_api(
    request, organiser, assist, peer, team, who, expected, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[peer.pk]
        )
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.ACCEPTED)
    mail.outbox.clear()
    other = PersonFactory(organisation=assist.organisation)
    Participation.objects.create(assist=assist, person=other, role=Role.OBSERVER)
    client = bearer(team[who] if who in team else request.getfixturevalue(who))
    calls = [
        ("get", base(assist), None, 200),
        ("post", base(assist), {"person_ids": [other.pk]}, 201),
        ("post", f"{base(assist)}/guests", {"name": "G", "email": "g@partner.test"}, 201),
        ("post", f"{base(assist)}/{invitation.pk}/resend", None, 200),
        ("post", f"{base(assist)}/{invitation.pk}/cancel", None, 200),
    ]
    for method, url, payload, success in calls:
        with django_capture_on_commit_callbacks(execute=True):
            if payload is None:
                answer = getattr(client, method)(url)
            else:
                answer = getattr(client, method)(url, payload, content_type=JSON)
        assert answer.status_code == (success if expected == 200 else expected), url
        if expected != 200:
            assert "detail" in answer.json()
    if expected != 200:
        assert mail.outbox == []
        invitation.refresh_from_db()
        assert invitation.cancelled_at is None
        assert Invitation.objects.count() == 1
    else:
        assert len(mail.outbox) == 4
