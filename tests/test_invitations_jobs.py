"""Reminders a day and an hour ahead, and the brief on its date: each sent once, at the
right time, with the clock frozen and the jobs run again and again."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from peerassist.assists.models import Participation, PeerAssist, Role, Status
from peerassist.core.periodic import run_jobs
from peerassist.invitations import jobs, services
from peerassist.invitations.models import Invitation
from tests.factories import PeerAssistFactory, PersonFactory

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 10, 14, 0, tzinfo=UTC)


@pytest.fixture
def assist(org, organiser):
    assist = PeerAssistFactory(
        organisation=org,
        title="Asset data clean-up",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        status=Status.INVITED,
        challenge="Half the asset records disagree with the field.",
    )
    Participation.objects.create(assist=assist, person=organiser.person, role=Role.HOME_PEER)
    return assist


def invite_at(moment, organiser, assist, *people, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return services.invitation_send(
            viewer=organiser.viewer, assist=assist, person_ids=[p.pk for p in people]
        )


@pytest.fixture
def people(org, assist):
    made = []
    for name in ("ana", "bo", "cy"):
        person = PersonFactory(organisation=org, name=name.title(), email=f"{name}@meridian.test")
        Participation.objects.create(assist=assist, person=person, role=Role.VISITING_PEER)
        made.append(person)
    return made


def subjects():
    return [m.subject for m in mail.outbox]


def run_at(moment, times=3):
    with time_machine.travel(moment, tick=False):
        for _ in range(times):
            run_jobs()


def test_reminders_go_a_day_and_an_hour_ahead_once_each(
    organiser, assist, people, django_capture_on_commit_callbacks
):
    invite_at(
        START - timedelta(days=9),
        organiser,
        assist,
        *people,
        capture=django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    run_at(START - timedelta(days=1, minutes=5))
    assert not [s for s in subjects() if "Tomorrow" in s]
    run_at(START - timedelta(days=1))
    assert sorted(m.to[0] for m in mail.outbox if "Tomorrow" in m.subject) == [
        "ana@meridian.test",
        "bo@meridian.test",
        "cy@meridian.test",
    ]
    run_at(START - timedelta(hours=20))
    run_at(START - timedelta(hours=1, minutes=1))
    assert len([s for s in subjects() if "Tomorrow" in s]) == 3
    assert not [s for s in subjects() if "In one hour" in s]
    run_at(START - timedelta(minutes=59))
    run_at(START - timedelta(minutes=30))
    assert len([s for s in subjects() if "In one hour" in s]) == 3
    assert len(mail.outbox) == 6
    # Both parts of a reminder render.
    reminder = next(m for m in mail.outbox if "In one hour" in m.subject)
    assert "starts in one hour" in reminder.body
    assert "starts in one hour" in reminder.alternatives[0].content


def test_a_late_invitation_gets_no_day_reminder(
    organiser, assist, people, django_capture_on_commit_callbacks
):
    invite_at(
        START - timedelta(minutes=30),
        organiser,
        assist,
        people[0],
        capture=django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    run_at(START - timedelta(minutes=29))
    assert [s.split("] ")[-1] for s in subjects()] == ["In one hour: Asset data clean-up"]
    invitation = Invitation.objects.get(person=people[0])
    assert invitation.reminder_day_sent_at is None


def test_declined_and_withdrawn_invitees_get_no_reminder(
    organiser, assist, people, django_capture_on_commit_callbacks
):
    ana, bo, _cy = invite_at(
        START - timedelta(days=9),
        organiser,
        assist,
        *people,
        capture=django_capture_on_commit_callbacks,
    )
    Invitation.objects.filter(pk=ana.pk).update(status="declined")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_cancel(viewer=organiser.viewer, assist=assist, invitation_id=bo.pk)
    mail.outbox.clear()
    run_at(START - timedelta(hours=13))
    assert [m.to for m in mail.outbox] == [["cy@meridian.test"]]


def test_a_worker_that_was_down_does_not_send_stale_reminders(
    organiser, assist, people, django_capture_on_commit_callbacks
):
    invite_at(
        START - timedelta(days=9),
        organiser,
        assist,
        people[0],
        capture=django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    # First run after the day reminder's window closed.
    run_at(START - jobs.DAY_AHEAD + jobs.DAY_WINDOW + timedelta(minutes=1))
    assert not [s for s in subjects() if "Tomorrow" in s]


def test_two_workers_claim_each_reminder_once(
    organiser, assist, people, django_capture_on_commit_callbacks
):
    invite_at(
        START - timedelta(days=9),
        organiser,
        assist,
        *people,
        capture=django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    moment = START - timedelta(hours=23)
    assert jobs.reminders_day(moment) == 3
    assert jobs.reminders_day(moment) == 0
    assert Invitation.objects.filter(reminder_day_sent_at=moment).count() == 3


@pytest.fixture
def brief_on_1_march(assist):
    PeerAssist.objects.filter(pk=assist.pk).update(brief_send_on=date(2027, 3, 1))


def test_the_brief_goes_out_on_its_date_once(assist, people, organiser, brief_on_1_march):
    run_at(datetime(2027, 2, 28, 23, 0, tzinfo=UTC))  # still 28 February in London
    assert mail.outbox == []
    run_at(datetime(2027, 3, 1, 0, 5, tzinfo=UTC))
    # Not to the organiser: a home peer, one of the brief's authors.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@meridian.test",
        "bo@meridian.test",
        "cy@meridian.test",
    ]
    assert all(m.subject.endswith("The brief for Asset data clean-up") for m in mail.outbox)
    assert "Half the asset records" in mail.outbox[0].body
    assert "Half the asset records" in mail.outbox[0].alternatives[0].content
    run_at(datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
    assert len(mail.outbox) == 3
    assert PeerAssist.objects.get(pk=assist.pk).brief_sent_at == datetime(
        2027, 3, 1, 0, 5, tzinfo=UTC
    )


def test_the_brief_date_counts_in_the_assists_time_zone(assist, people, brief_on_1_march):
    PeerAssist.objects.filter(pk=assist.pk).update(time_zone="Asia/Kolkata")
    run_at(datetime(2027, 2, 28, 19, 0, tzinfo=UTC))  # 00:30 on 1 March in Kolkata
    assert len(mail.outbox) == 3


def test_a_draft_brief_is_not_sent(assist, people, brief_on_1_march):
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.DRAFT)
    run_at(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    assert mail.outbox == []


def brief_mails():
    return [m for m in mail.outbox if m.subject.endswith("The brief for Asset data clean-up")]


def test_one_brief_mail_per_person_the_invitation_carries_it(
    organiser, assist, people, brief_on_1_march, django_capture_on_commit_callbacks
):
    ana, bo, _cy = people
    invite_at(
        datetime(2027, 2, 20, 9, 0, tzinfo=UTC),
        organiser,
        assist,
        ana,
        bo,
        capture=django_capture_on_commit_callbacks,
    )
    invitations = {m.to[0]: m for m in mail.outbox}
    assert set(invitations) == {"ana@meridian.test", "bo@meridian.test"}
    assert all("Half the asset records" in m.body for m in invitations.values())
    mail.outbox.clear()

    run_at(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    # Ana and Bo had the brief in their invitation; Cy, not invited by mail, gets it now.
    assert [m.to[0] for m in brief_mails()] == ["cy@meridian.test"]


def test_a_brief_changed_after_the_invitation_goes_again_to_those_invited(
    organiser, assist, people, brief_on_1_march, django_capture_on_commit_callbacks
):
    from peerassist.assists.services import assist_update

    ana, bo, _cy = people
    invite_at(
        datetime(2027, 2, 20, 9, 0, tzinfo=UTC),
        organiser,
        assist,
        ana,
        bo,
        capture=django_capture_on_commit_callbacks,
    )
    with time_machine.travel(datetime(2027, 2, 25, 9, 0, tzinfo=UTC), tick=False):
        assist_update(
            viewer=organiser.viewer,
            assist=assist,
            changes={"challenge": "Half the asset records disagree; a third have no owner."},
        )
        assert PeerAssist.objects.get(pk=assist.pk).brief_changed_at == datetime(
            2027, 2, 25, 9, 0, tzinfo=UTC
        )
    mail.outbox.clear()

    run_at(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    sent = brief_mails()
    assert sorted(m.to[0] for m in sent) == [
        "ana@meridian.test",
        "bo@meridian.test",
        "cy@meridian.test",
    ]
    assert all("a third have no owner" in m.body for m in sent)


def test_changing_the_logistics_does_not_mark_the_brief_changed(organiser, assist):
    from peerassist.assists.services import assist_update

    assist_update(viewer=organiser.viewer, assist=assist, changes={"place": "Room 4"})
    assert PeerAssist.objects.get(pk=assist.pk).brief_changed_at is None


@pytest.mark.parametrize(
    ("role", "invited", "changed", "needed"),
    [
        (Role.HOME_PEER, None, None, False),
        (Role.VISITING_PEER, None, None, True),
        (Role.FACILITATOR, None, None, True),
        (Role.VISITING_PEER, 10, None, False),
        (Role.VISITING_PEER, 10, 5, False),
        (Role.VISITING_PEER, 10, 15, True),
        (Role.HOME_PEER, 10, 15, False),
    ],
)
def test_brief_mail_needed(role, invited, changed, needed):
    def day(n):
        return None if n is None else datetime(2027, 2, n, tzinfo=UTC)

    assert (
        jobs.brief_mail_needed(
            role=role, invitation_sent_at=day(invited), brief_changed_at=day(changed)
        )
        is needed
    )
