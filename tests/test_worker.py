"""`peerassist worker` runs queued tasks and the periodic jobs; `send-reminders` runs the jobs."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from peerassist.core import periodic
from peerassist.notifications.models import Notification
from peerassist.notifications.services import notify
from tests.factories import PersonFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def record_note(text: str) -> str:
    return text.upper()


@pytest.fixture
def registered_jobs():
    """Register test jobs for one test only, leaving the real registry as it was."""
    added: list[str] = []

    def add(name, function):
        periodic.periodic_job(name)(function)
        added.append(name)

    yield add
    for name in added:
        periodic._registry.pop(name, None)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_worker_batch_runs_what_the_database_queue_holds(org):
    ana = PersonFactory(organisation=org, email="ana@meridian.test")
    notify([ana], kind="brief.ready", title="Your brief is ready")  # commits: no atomic block
    result = record_note.enqueue(text="from the queue")
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    call_command("worker", "--batch", "--no-periodic", verbosity=0)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@meridian.test"]
    assert "Your brief is ready" in mail.outbox[0].subject
    assert Notification.objects.get().emailed_at is not None
    result.refresh()
    assert result.return_value == "FROM THE QUEUE"
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_worker_batch_also_runs_the_periodic_jobs(registered_jobs):
    ran = []
    registered_jobs("test.counts", lambda now: ran.append(now) or 1)
    call_command("worker", "--batch", verbosity=0)
    assert len(ran) == 1


@pytest.mark.django_db
def test_send_reminders_runs_every_job_and_reports_them(registered_jobs):
    ran = []
    registered_jobs("test.first", lambda now: ran.append("first") or 3)
    registered_jobs("test.second", lambda now: ran.append("second"))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert ran == ["first", "second"]
    assert "test.first: 3" in out.getvalue()
    assert "test.second: done" in out.getvalue()
    assert "notifications.daily_digest" in out.getvalue()
    assert "webhooks.retry_due" in out.getvalue()


@pytest.mark.django_db
def test_send_reminders_reports_a_failing_job_and_exits_1(registered_jobs):
    ran = []

    def broken(now):
        raise RuntimeError("mail server down")

    registered_jobs("test.broken", broken)
    registered_jobs("test.works", lambda now: ran.append("works"))
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("send_reminders", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "test.broken: failed: mail server down" in err.getvalue()
    assert ran == ["works"]  # one failing job does not stop the others
