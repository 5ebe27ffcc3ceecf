"""notify() honours each person's email preference; the daily digest goes out once a day."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from peerassist.core.periodic import run_jobs
from peerassist.notifications import services
from peerassist.notifications.models import Delivery, Notification, Preference
from peerassist.notifications.services import notify, send_digests
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def prefer(person, delivery: str) -> None:
    Preference.objects.update_or_create(person=person, defaults={"delivery": delivery})


def tell(people, title="Your brief is ready"):
    return notify(people, kind="brief.ready", title=title, body="Read it today.", url="/assists/1/")


def test_immediate_is_the_default_and_emails_after_commit(org, django_capture_on_commit_callbacks):
    ana = PersonFactory(organisation=org, email="ana@meridian.test")
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([ana])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@meridian.test"]
    assert "Your brief is ready" in message.subject
    assert "Read it today." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "/assists/1/" in html
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nothing_is_emailed_before_the_transaction_commits(org, django_capture_on_commit_callbacks):
    ana = PersonFactory(organisation=org)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell([ana])
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_off_means_no_email_but_the_notification_is_listed(org, django_capture_on_commit_callbacks):
    ana = PersonFactory(organisation=org)
    prefer(ana, Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        tell([ana])
    assert mail.outbox == []
    assert Notification.objects.filter(person=ana).count() == 1


def test_daily_means_no_immediate_email(org, django_capture_on_commit_callbacks):
    ana = PersonFactory(organisation=org)
    prefer(ana, Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        tell([ana])
    assert mail.outbox == []
    assert Notification.objects.get(person=ana).emailed_at is None


def test_the_same_person_twice_gets_one_notification(org, django_capture_on_commit_callbacks):
    ana = PersonFactory(organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        created = tell([ana, ana])
    assert len(created) == 1
    assert len(mail.outbox) == 1


def test_a_person_without_email_is_only_notified_in_app(org, django_capture_on_commit_callbacks):
    ana = PersonFactory(organisation=org, email="")
    with django_capture_on_commit_callbacks(execute=True):
        tell([ana])
    assert mail.outbox == []
    assert Notification.objects.filter(person=ana).exists()


def test_an_email_already_sent_is_not_sent_again(org, django_capture_on_commit_callbacks):
    from peerassist.notifications.tasks import email_notification

    ana = PersonFactory(organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([ana])
    assert email_notification.call(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


# --- Daily digest --------------------------------------------------------------------


@pytest.fixture
def daily(org):
    ana = PersonFactory(organisation=org, email="ana@meridian.test", time_zone="UTC")
    prefer(ana, Delivery.DAILY)
    return ana


def test_digest_carries_everything_not_yet_emailed_in_one_email(daily):
    with time_machine.travel(MORNING - timedelta(hours=3), tick=False):
        tell([daily], title="First thing")
        tell([daily], title="Second thing")
    with time_machine.travel(MORNING, tick=False):
        assert send_digests(MORNING) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@meridian.test"]
    assert "2 notifications" in message.subject
    assert "First thing" in message.body and "Second thing" in message.body
    html, _ = message.alternatives[0]
    assert "First thing" in html and "Second thing" in html
    assert not Notification.objects.filter(person=daily, emailed_at__isnull=True).exists()


def test_digest_goes_out_once_a_day_however_often_the_job_runs(daily):
    with time_machine.travel(MORNING - timedelta(hours=3), tick=False):
        tell([daily], title="Early news")
    with time_machine.travel(MORNING, tick=False):
        run_jobs(MORNING)
        tell([daily], title="Later news")
        run_jobs(MORNING + timedelta(minutes=1))
        run_jobs(MORNING + timedelta(hours=10))
    assert len(mail.outbox) == 1
    assert "Early news" in mail.outbox[0].body
    assert "Later news" not in mail.outbox[0].body
    # The next morning the later news goes out, once.
    next_morning = MORNING + timedelta(days=1)
    with time_machine.travel(next_morning, tick=False):
        run_jobs(next_morning)
        run_jobs(next_morning + timedelta(minutes=5))
    assert len(mail.outbox) == 2
    assert "Later news" in mail.outbox[1].body
    assert "Early news" not in mail.outbox[1].body


def test_digest_waits_for_the_morning_in_the_persons_time_zone(org):
    tokyo = PersonFactory(organisation=org, time_zone="Asia/Tokyo")
    lima = PersonFactory(organisation=org, time_zone="America/Lima")
    prefer(tokyo, Delivery.DAILY)
    prefer(lima, Delivery.DAILY)
    # 23:00 UTC is 08:00 next day in Tokyo and 18:00 in Lima; 06:00 UTC is 01:00 in Lima.
    late = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    with time_machine.travel(late - timedelta(hours=1), tick=False):
        tell([tokyo, lima])
    assert send_digests(late) == 2
    mail.outbox.clear()
    with time_machine.travel(late, tick=False):
        tell([tokyo, lima], title="After hours")
    lima_night = datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
    assert send_digests(lima_night) == 0  # Tokyo already had today's; Lima is asleep
    lima_morning = datetime(2026, 3, 11, 12, 30, tzinfo=UTC)
    assert send_digests(lima_morning) == 1
    assert mail.outbox[0].to == [lima.email]


def test_no_digest_when_nothing_is_waiting(daily):
    assert send_digests(MORNING) == 0
    assert mail.outbox == []
    assert Preference.objects.get(person=daily).digest_sent_on is None


def test_digest_skips_immediate_and_off_people(org, django_capture_on_commit_callbacks):
    off = PersonFactory(organisation=org)
    prefer(off, Delivery.OFF)
    with time_machine.travel(MORNING - timedelta(hours=2), tick=False):
        tell([off])
    assert send_digests(MORNING) == 0
    assert mail.outbox == []


def test_two_workers_racing_send_one_digest(daily):
    with time_machine.travel(MORNING - timedelta(hours=2), tick=False):
        tell([daily])
    first = services.send_digests(MORNING)
    second = services.send_digests(MORNING)
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1
