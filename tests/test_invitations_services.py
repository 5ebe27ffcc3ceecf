"""Inviting: the email (HTML and text), its .ics in the invitee's time zone, updates with a
higher SEQUENCE, cancellations, guests by e-mail and who may invite."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from peerassist.assists import services as assist_services
from peerassist.assists.models import Participation, Role, Rsvp, Status
from peerassist.core.findings import RuleViolation
from peerassist.invitations import services
from peerassist.invitations.ics import event_uid
from peerassist.invitations.models import Invitation, InvitationStatus
from peerassist.people.models import Person
from tests.factories import PeerAssistFactory, PersonFactory

pytestmark = pytest.mark.django_db

# 09:00 in London on a winter day is 09:00 UTC and 04:00 in New York.
STARTS = datetime(2027, 1, 14, 9, 0, tzinfo=ZoneInfo("Europe/London"))
ENDS = datetime(2027, 1, 14, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def assist(org, organiser):
    assist = PeerAssistFactory(
        status="invited",
        organisation=org,
        title="Smart meter roll-out",
        starts_at=STARTS,
        ends_at=ENDS,
        place="Riverside office, room 4",
        business_context="We replace 40,000 meters next year.",
        challenge="How do we book installation slots without angering customers?",
        planned_approach="Letters, then phone calls.",
        desired_outcome="Options and insights.",
        focus_questions=["What made customers answer?", "Who should call?"],
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    return assist


@pytest.fixture
def peer(org, assist):
    person = PersonFactory(
        organisation=org, name="Nia Brooks", email="nia@meridian.test", time_zone="America/New_York"
    )
    Participation.objects.create(assist=assist, person=person, role=Role.VISITING_PEER)
    return person


def calendar_of(message) -> icalendar.Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def event_of(message) -> icalendar.Event:
    return calendar_of(message).walk("VEVENT")[0]


def invite(viewer, assist, *people, capture):
    with capture(execute=True):
        return services.invitation_send(
            viewer=viewer, assist=assist, person_ids=[p.pk for p in people]
        )


class TestTheInvitationEmail:
    def test_it_carries_the_brief_in_html_and_text(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        (message,) = mail.outbox
        assert message.to == ["nia@meridian.test"]
        assert "Smart meter roll-out" in message.subject
        html = message.alternatives[0].content
        for text in (message.body, html):
            assert "40,000 meters" in text
            assert "without angering customers" in text
            assert "Letters, then phone calls." in text
            assert "Options and insights." in text
            assert "Who should call?" in text
            assert "Riverside office, room 4" in text
            assert "/rsvp/" in text
        assert "<ol>" in html and "<li>What made customers answer?</li>" in html

    def test_it_shows_the_time_in_the_invitees_time_zone(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        (message,) = mail.outbox
        assert "04:00" in message.body and "(America/New York)" in message.body
        assert "09:00" not in message.body

    def test_the_ics_parses_and_starts_at_the_right_moment_for_the_invitee(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        calendar = calendar_of(mail.outbox[0])
        assert calendar["METHOD"] == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        start = event.decoded("DTSTART")
        assert start == STARTS
        assert start.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "04:00"
        assert event.decoded("DTEND") == ENDS
        assert str(event["UID"]) == event_uid(assist.pk) == f"assist-{assist.pk}@127.0.0.1"
        assert event["SEQUENCE"] == 0
        assert str(event["ATTENDEE"]) == "mailto:nia@meridian.test"
        assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert "/assists/" in str(event["DESCRIPTION"])

    def test_the_invitation_records_when_it_was_sent_and_syncs_the_rsvp(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        invitation = Invitation.objects.get(assist=assist, person=peer)
        assert invitation.sent_at is not None
        assert invitation.role == Role.VISITING_PEER
        assert invitation.status == InvitationStatus.PENDING
        assert Participation.objects.get(assist=assist, person=peer).rsvp == Rsvp.PENDING


class TestUpdatesAndCancellations:
    def test_a_changed_time_resends_with_a_higher_sequence_and_the_same_uid(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        first = event_of(mail.outbox[0])
        later = datetime(2027, 1, 14, 10, 0, tzinfo=UTC)
        with django_capture_on_commit_callbacks(execute=True):
            assist_services.assist_update(
                viewer=organiser.viewer,
                assist=assist,
                changes={"starts_at": later, "ends_at": ENDS.replace(hour=13)},
            )
        assert len(mail.outbox) == 2
        update = mail.outbox[1]
        assert update.subject.endswith("Updated: Smart meter roll-out")
        event = event_of(update)
        assert event["UID"] == first["UID"]
        assert event["SEQUENCE"] == first["SEQUENCE"] + 1 == 1
        assert event.decoded("DTSTART") == later
        assert "05:00" in update.body  # 10:00 UTC in New York

    def test_a_change_to_the_brief_alone_sends_no_update(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            assist_services.assist_update(
                viewer=organiser.viewer, assist=assist, changes={"challenge": "Sharper"}
            )
        assert len(mail.outbox) == 1

    def test_a_removed_person_gets_a_cancellation(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        participation = Participation.objects.get(assist=assist, person=peer)
        with django_capture_on_commit_callbacks(execute=True):
            assist_services.participation_remove(
                viewer=organiser.viewer, assist=assist, participation_id=participation.pk
            )
        cancel = mail.outbox[-1]
        calendar = calendar_of(cancel)
        event = calendar.walk("VEVENT")[0]
        assert calendar["METHOD"] == "CANCEL"
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert "Cancelled" in cancel.subject
        assert "no longer need to attend" in cancel.body
        assert "no longer need to attend" in cancel.alternatives[0].content
        assert Invitation.objects.get(assist=assist, person=peer).cancelled_at is not None

    def test_a_cancelled_assist_cancels_every_calendar_entry(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        invite(organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.assist_cancelled(assist_id=assist.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.assist_cancelled(assist_id=assist.pk)  # once only
        assert [calendar_of(m)["METHOD"] for m in mail.outbox] == ["REQUEST", "CANCEL"]

    def test_inviting_again_after_a_withdrawal_raises_the_sequence(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        (invitation,) = invite(
            organiser.viewer, assist, peer, capture=django_capture_on_commit_callbacks
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_cancel(
                viewer=organiser.viewer, assist=assist, invitation_id=invitation.pk
            )
        assert not Participation.objects.filter(assist=assist, person=peer).exists()
        Participation.objects.create(assist=assist, person=peer, role=Role.OBSERVER)
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_resend(
                viewer=organiser.viewer, assist=assist, invitation_id=invitation.pk
            )
        methods = [(calendar_of(m)["METHOD"], event_of(m)["SEQUENCE"]) for m in mail.outbox]
        assert methods == [("REQUEST", 0), ("CANCEL", 1), ("REQUEST", 2)]
        invitation.refresh_from_db()
        assert invitation.cancelled_at is None and invitation.role == Role.OBSERVER


class TestGuests:
    def test_a_guest_by_email_becomes_an_external_person_with_a_personal_link(
        self, organiser, assist, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.guest_invite(
                viewer=organiser.viewer,
                assist=assist,
                name="Priya Partner",
                email="Priya@Partner.test",
                role=Role.VISITING_PEER,
            )
        person = Person.objects.get(pk=invitation.person_id)
        assert person.is_external and person.user is None
        assert person.email == "priya@partner.test"
        assert Participation.objects.filter(assist=assist, person=person).exists()
        (message,) = mail.outbox
        assert "/guest/" in message.body and "/guest/" in message.alternatives[0].content

    def test_an_address_already_in_the_directory_invites_that_person(
        self, organiser, assist, peer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.guest_invite(
                viewer=organiser.viewer,
                assist=assist,
                name="Someone",
                email="NIA@meridian.test",
                role=Role.VISITING_PEER,
            )
        assert invitation.person_id == peer.pk
        assert "/guest/" not in mail.outbox[0].body  # members sign in as usual

    def test_a_bad_address_is_refused(self, organiser, assist):
        with pytest.raises(ValidationError):
            services.guest_invite(
                viewer=organiser.viewer, assist=assist, name="X", email="nope", role="observer"
            )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("organiser", True), ("admin", True), ("home_peer", True), ("member", False)],
)
def test_who_may_invite(request, org, assist, peer, member, who, allowed):
    if who == "home_peer":
        Participation.objects.create(assist=assist, person=member.person, role=Role.HOME_PEER)
        viewer = member.viewer
    else:
        viewer = request.getfixturevalue(who).viewer
    if allowed:
        assert services.invitation_send(viewer=viewer, assist=assist, person_ids=[peer.pk])
    else:
        with pytest.raises(PermissionDenied):
            services.invitation_send(viewer=viewer, assist=assist, person_ids=[peer.pk])


def test_a_guest_may_not_invite(guest, assist, peer):
    with pytest.raises(PermissionDenied):
        services.invitation_send(viewer=guest.viewer, assist=assist, person_ids=[peer.pk])


def test_a_draft_takes_no_invitations(organiser, assist, peer):
    assist.status = Status.DRAFT
    assist.save()
    with pytest.raises(RuleViolation):
        services.invitation_send(viewer=organiser.viewer, assist=assist, person_ids=[peer.pk])


def test_only_people_taking_part_are_invited(organiser, assist, org):
    stranger = PersonFactory(organisation=org)
    with pytest.raises(ValidationError):
        services.invitation_send(viewer=organiser.viewer, assist=assist, person_ids=[stranger.pk])
