"""The outbox: webhook deliveries and e-mails that must not be lost are recorded in the same
transaction as the change that causes them, and the worker sends them afterwards, even when
the process that made the change dies between its commit and the send."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peerassist.notifications.models import Notification
from peerassist.notifications.services import notify
from peerassist.webhooks import delivery as webhook_delivery
from peerassist.webhooks import services as webhook_services
from peerassist.webhooks.models import Delivery, DeliveryStatus, Webhook
from peerassist.writeups import services
from tests.factories import PersonFactory
from tests.test_webhooks_delivery import Receiver
from tests.writeups_support import make_scene

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    """The receivers here listen on loopback, which only an operator's allow-list opens."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def crash_after_commit(monkeypatch):
    """The process dies right after COMMIT: nothing registered with on_commit ever runs."""
    dropped: list[object] = []
    monkeypatch.setattr(transaction, "on_commit", lambda func, *a, **kw: dropped.append(func))
    yield dropped
    monkeypatch.undo()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def run_worker() -> None:
    """A worker started after the crash: one pass over the queue and the periodic jobs."""
    call_command("worker", "--batch", verbosity=0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
@pytest.mark.parametrize(
    ("event", "change"),
    [
        ("assist.concluded", "conclude"),
        ("writeup.published", "publish"),
    ],
)
def test_a_crash_between_commit_and_send_still_delivers_the_webhook(
    org, receiver, crash_after_commit, event, change
):
    Webhook.objects.create(organisation=org, url=receiver.url, events=[event])
    scene = make_scene(org, status="live" if change == "conclude" else "concluded")
    if change == "conclude":
        services.assist_conclude(viewer=scene.facilitator.viewer, assist=scene.assist)
    else:
        services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)
        services.writeup_publish(viewer=scene.home.viewer, assist=scene.assist)

    assert crash_after_commit, "the change registered its after-commit work (and lost it)"
    delivery = Delivery.objects.get(event=event)  # committed with the change
    assert delivery.status == DeliveryStatus.PENDING
    assert receiver.requests == []

    run_worker()

    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["X-Peerassist-Delivery"] == str(delivery.pk)
    assert json.loads(body)["id"] == delivery.pk
    assert json.loads(body)["data"]["assist"]["id"] == scene.assist.pk
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_an_overdue_action_delivery_survives_a_crash(org, receiver, crash_after_commit):
    from peerassist.writeups.models import Action

    Webhook.objects.create(organisation=org, url=receiver.url, events=["action.overdue"])
    scene = make_scene(org, status="concluded")
    action = Action.objects.create(
        assist=scene.assist,
        title="Ask the pilot team for their sheet",
        owner=scene.home.person,
        due_on=timezone.localdate() - timedelta(days=3),
    )
    assert services.action_remind(action_id=action.pk, today=timezone.localdate())
    assert Delivery.objects.filter(event="action.overdue").count() == 1

    run_worker()

    assert [json.loads(body)["event"] for _h, body in receiver.requests] == ["action.overdue"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_change_rolled_back_sends_nothing(org, receiver):
    Webhook.objects.create(organisation=org, url=receiver.url, events=["assist.concluded"])
    scene = make_scene(org, status="live")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.assist_conclude(viewer=scene.facilitator.viewer, assist=scene.assist)
        raise RuntimeError("the request failed after the service call")
    assert not Delivery.objects.exists()
    run_worker()
    assert receiver.requests == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_worker_killed_mid_send_is_followed_by_another_attempt_with_the_same_id(org, receiver):
    """At least once: the receiver may see a delivery twice, always with the same id."""
    Webhook.objects.create(organisation=org, url=receiver.url, events=["assist.concluded"])
    delivery = webhook_services.emit(org, "assist.concluded", {"assist": {"id": 1}})[0]
    # A worker claimed it, POSTed it, and died before recording the answer.
    claimed = Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=webhook_delivery.CLAIM_SECONDS)
    )
    assert claimed == 1
    run_worker()
    assert receiver.requests == []  # the claim still holds: no second sender meanwhile

    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        run_worker()

    assert [h["X-Peerassist-Delivery"] for h, _b in receiver.requests] == [str(delivery.pk)]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_crash_between_commit_and_send_still_sends_the_email(org, crash_after_commit):
    ana = PersonFactory(organisation=org, email="ana@meridian.test")
    with transaction.atomic():
        notify([ana], kind="writeup.published", title="The write-up is published")

    assert DBTaskResult.objects.filter(status="READY").count() == 1  # queued with the change
    assert mail.outbox == []

    run_worker()

    assert [m.to for m in mail.outbox] == [["ana@meridian.test"]]
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_an_email_of_a_rolled_back_change_is_never_sent(org):
    ana = PersonFactory(organisation=org, email="ana@meridian.test")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([ana], kind="writeup.published", title="The write-up is published")
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_crash_after_inviting_a_member_still_sends_the_invitation(org, crash_after_commit):
    from peerassist.members import services as member_services
    from tests.conftest import make_persona

    admin = make_persona(org, "admin", "boss@meridian.test")
    ana = PersonFactory(organisation=org, email="ana.invited@meridian.test", name="Ana Invited")
    report = member_services.member_invite(viewer=admin.viewer, person_ids=[ana.pk], role="member")
    assert len(report.invited) == 1
    # Queued with the membership, not after the commit that the crash cut short.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mail.outbox == []

    run_worker()

    assert [m.to for m in mail.outbox] == [["ana.invited@meridian.test"]]
    assert "/members/welcome/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_an_invitation_rolled_back_sends_nothing(org):
    from peerassist.members import services as member_services
    from tests.conftest import make_persona

    admin = make_persona(org, "admin", "boss@meridian.test")
    ana = PersonFactory(organisation=org, email="ana.invited@meridian.test", name="Ana Invited")
    with pytest.raises(RuntimeError), transaction.atomic():
        member_services.member_invite(viewer=admin.viewer, person_ids=[ana.pk], role="member")
        raise RuntimeError("the request failed after the invitation")
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []
