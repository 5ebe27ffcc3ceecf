"""The event seam (`peerassist.core.events.publish` and `<app>/subscribers.py`): services tell
other apps what happened without importing them, and what subscribers write commits or rolls
back with the change."""

import pytest
from django.db import transaction

from peerassist.assists import services as assist_services
from peerassist.assists.models import Format, PeerAssist, Status
from peerassist.core import events
from peerassist.webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def assist(organiser):
    assist = assist_services.assist_create(
        viewer=organiser.viewer,
        title="Supplier onboarding",
        format_id=Format.objects.get(organisation=None, kind="mini").pk,
        join_home_team=True,
    )
    return assist


def test_each_app_subscribes_from_its_own_subscribers_module():
    calendar = {f.__module__ for f in events.subscribers("assist.changed")}
    removed = {f.__module__ for f in events.subscribers("participation.removed")}
    planned = {f.__module__ for f in events.subscribers("assist.planned")}
    assert calendar == removed == {"peerassist.invitations.subscribers"}
    assert planned == {"peerassist.webhooks.subscribers"}
    answered = {f.__module__ for f in events.subscribers("invitation.answered")}
    assert answered == {"peerassist.notifications.subscribers"}


def test_every_webhook_event_has_a_subscriber():
    from peerassist.webhooks.models import Event

    for event in Event.values:
        assert events.subscribers(event), event


def test_a_subscriber_gets_the_payload_inside_the_publishers_transaction():
    seen = []

    @events.subscriber("test.happened")
    def record(payload):
        seen.append((payload, transaction.get_connection().in_atomic_block))

    try:
        with transaction.atomic():
            events.publish("test.happened", {"n": 1})
        assert seen == [({"n": 1}, True)]
    finally:
        events._subscribers.pop("test.happened")


def test_an_event_nobody_listens_to_is_fine():
    events.publish("nobody.listens", {"n": 1})


def test_the_webhook_delivery_rolls_back_with_the_change(organiser, assist):
    Webhook.objects.create(
        organisation=organiser.organisation,
        url="https://hooks.example.org/in",
        events=["assist.concluded"],
    )
    payload = {"organisation_id": organiser.organisation.pk, "assist": {"id": assist.pk}}
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("assist.concluded", payload)
        assert Delivery.objects.count() == 1
        raise RuntimeError("the change fails after publishing")
    assert not Delivery.objects.exists()


def test_the_webhook_carries_the_emitters_payload_without_the_organisation(organiser, assist):
    Webhook.objects.create(
        organisation=organiser.organisation,
        url="https://hooks.example.org/in",
        events=["assist.planned"],
    )
    PeerAssist.objects.filter(pk=assist.pk).update(status=Status.DRAFT)
    events.publish(
        "assist.planned",
        {"organisation_id": organiser.organisation.pk, "assist": {"id": assist.pk}},
    )
    assert Delivery.objects.get().payload == {"assist": {"id": assist.pk}}


@pytest.mark.parametrize("kind", ["room.kick", "user.close"])
def test_a_kick_or_close_that_fails_to_send_is_tried_again(
    kind, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """The bus refuses the first two sends (Redis stalled); the third reaches the hubs, so the
    removed person's sockets are closed after all. A send that never gets through is logged
    after the last try and the change stays committed."""
    sent = []
    refusals = iter([ConnectionError("redis stalled"), ConnectionError("redis stalled")])

    async def bus(message):
        refusal = next(refusals, None)
        if refusal is not None:
            raise refusal
        sent.append(message)

    monkeypatch.setattr(events, "local_delivery", bus)
    monkeypatch.setattr(events, "CONTROL_RETRY_DELAYS", (0.01, 0.01, 0.01))
    with django_capture_on_commit_callbacks(execute=True):
        if kind == "room.kick":
            events.room_kick_on_commit(assist_id=7, person_id=11)
        else:
            events.user_sockets_close_on_commit(user_id=5, reason="removed")
        assert sent == []  # nothing before the change commits
    assert [m["type"] for m in sent] == [kind]
    assert caplog.text.count("trying again") == 2


def test_a_kick_that_never_gets_through_is_logged_not_raised(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    async def bus(message):
        raise ConnectionError("redis down")

    monkeypatch.setattr(events, "local_delivery", bus)
    monkeypatch.setattr(events, "CONTROL_RETRY_DELAYS", (0.01, 0.01))
    with django_capture_on_commit_callbacks(execute=True):
        events.room_kick_on_commit(assist_id=7, person_id=11)
    assert caplog.text.count("trying again") == 2
    assert "redis down" in caplog.text
