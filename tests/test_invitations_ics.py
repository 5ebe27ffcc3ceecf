"""The .ics shows the right start in each invitee's time zone: one instant, written in UTC
(so every calendar converts it), and the email's text in the reader's own wall-clock time,
including the weeks when America and Europe change their clocks on different dates."""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail

from peerassist.assists.models import Participation, Role
from peerassist.invitations import services
from tests.factories import PeerAssistFactory, PersonFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")

# (start in London, New York's wall clock, Paris's wall clock)
CASES = [
    # Winter: New York is UTC-5, Paris UTC+1.
    (datetime(2027, 1, 14, 9, 0, tzinfo=LONDON), "04:00", "10:00"),
    # 20 March 2027: New York is already on summer time (UTC-4), Paris not yet (UTC+1).
    (datetime(2027, 3, 20, 9, 0, tzinfo=LONDON), "05:00", "10:00"),
    # Summer: London UTC+1, New York UTC-4, Paris UTC+2; a late start crosses midnight in Paris.
    (datetime(2027, 7, 1, 23, 30, tzinfo=LONDON), "18:30", "00:30"),
]


def invite_both(org, organiser, starts, capture):
    assist = PeerAssistFactory(
        status="invited", organisation=org, title="Night shift handover", starts_at=starts
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    ny = PersonFactory(organisation=org, email="ny@meridian.test", time_zone="America/New_York")
    paris = PersonFactory(organisation=org, email="paris@meridian.test", time_zone="Europe/Paris")
    for person in (ny, paris):
        Participation.objects.create(assist=assist, person=person, role=Role.VISITING_PEER)
    with capture(execute=True):
        services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[ny.pk, paris.pk]
        )
    return {message.to[0]: message for message in mail.outbox}


def event_of(message) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    return calendar.walk("VEVENT")[0]


@pytest.mark.parametrize(("starts", "new_york", "paris"), CASES)
def test_each_invitee_sees_the_start_in_their_own_time_zone(
    org, organiser, starts, new_york, paris, django_capture_on_commit_callbacks
):
    messages = invite_both(org, organiser, starts, django_capture_on_commit_callbacks)
    for address, zone, wall_clock in [
        ("ny@meridian.test", "America/New_York", new_york),
        ("paris@meridian.test", "Europe/Paris", paris),
    ]:
        message = messages[address]
        event = event_of(message)
        # Written in UTC ("Z"), so the calendar app converts it to its own zone...
        assert event["DTSTART"].to_ical().endswith(b"Z")
        start = event.decoded("DTSTART")
        assert start == starts
        # ...and there it reads as the invitee's wall-clock time, like the email says.
        assert start.astimezone(ZoneInfo(zone)).strftime("%H:%M") == wall_clock
        # The zone is named in the e-mail as people read it (core/when.py).
        assert wall_clock in message.body and zone.replace("_", " ") in message.body
        assert wall_clock in message.alternatives[0].content
    # One calendar entry for everyone: the same UID and the same instant.
    ny_event, paris_event = (event_of(messages[a]) for a in sorted(messages))
    assert ny_event["UID"] == paris_event["UID"]
    assert ny_event.decoded("DTSTART") == paris_event.decoded("DTSTART")


def test_the_date_in_the_email_is_the_invitees_date(
    org, organiser, django_capture_on_commit_callbacks
):
    """23:30 in London on 1 July is already 2 July in Paris."""
    messages = invite_both(org, organiser, CASES[2][0], django_capture_on_commit_callbacks)
    assert "Fri 2 Jul 2027" in messages["paris@meridian.test"].body
    assert "Thu 1 Jul 2027" in messages["ny@meridian.test"].body


def test_a_hybrid_sessions_video_link_travels_with_its_room(
    org, organiser, django_capture_on_commit_callbacks
):
    assist = PeerAssistFactory(
        status="invited",
        organisation=org,
        starts_at=CASES[0][0],
        place="Head office, room 4.2",
        video_link="https://meet.example.org/riverside",
        challenge="Commissioning while in service.",
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    peer = PersonFactory(organisation=org)
    Participation.objects.create(assist=assist, person=peer, role=Role.VISITING_PEER)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(viewer=organiser.viewer, assist=assist, person_ids=[peer.pk])
    event = event_of(mail.outbox[0])
    assert str(event["LOCATION"]) == "Head office, room 4.2"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Commissioning while in service.")
    assert "https://meet.example.org/riverside" in description
    assert "/assists/" in description
