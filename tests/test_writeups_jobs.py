"""The follow-up and overdue-action jobs: each email goes once, at the right time, with the
clock frozen and the jobs run again and again; answering the follow-up (page or API) records
the answers, updates the actions, moves the assist on and tells the visiting peers."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from peerassist.accounts.services import api_token_create
from peerassist.assists.models import Status
from peerassist.core.periodic import run_jobs
from peerassist.notifications.models import Notification
from peerassist.webhooks.models import Delivery, Webhook
from peerassist.writeups import services
from peerassist.writeups.models import Action, ActionStatus, FollowUp

pytestmark = pytest.mark.django_db

SESSION = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
DUE = date(2027, 4, 21)
HOME = "hana@meridian.test"
PEERS = ["vera@meridian.test", "victor@meridian.test"]


@pytest.fixture
def written_up(org, django_capture_on_commit_callbacks):
    """A session held on SESSION, its write-up published (written up), a follow-up due on
    DUE and two actions owned by the home peer, one of them due before DUE."""
    from tests.writeups_support import make_scene

    with time_machine.travel(SESSION + timedelta(hours=3), tick=False):
        scene = make_scene(org, status="concluded", starts_at=SESSION)
        home = scene.home.viewer
        with django_capture_on_commit_callbacks(execute=True):
            services.writeup_draft(viewer=home, assist=scene.assist)
            services.writeup_publish(viewer=home, assist=scene.assist)
            services.conclusion_save(
                viewer=home,
                assist=scene.assist,
                learned="Placement matters",
                do_differently="Survey access first",
                shared_knowledge="",
                followup_on=DUE,
            )
        scene.soon = services.action_create(
            viewer=home,
            assist=scene.assist,
            title="Ask the 2023 pilot team for their sheet",
            owner_id=scene.home.person.pk,
            due_on=date(2027, 3, 20),
        )
        scene.later = services.action_create(
            viewer=home,
            assist=scene.assist,
            title="Budget a week of data cleaning",
            owner_id=scene.home.person.pk,
            due_on=date(2027, 9, 1),
        )
    scene.assist.refresh_from_db()
    assert scene.assist.status == Status.WRITTEN_UP
    mail.outbox.clear()
    return scene


def run_at(moment, capture, times=3):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        for _ in range(times):
            results = run_jobs()
    return results


def followup_mails():
    return [m for m in mail.outbox if "Time to follow up" in m.subject]


def overdue_mails():
    return [m for m in mail.outbox if "Overdue action" in m.subject]


def advice_mails():
    return [m for m in mail.outbox if "What became of your advice" in m.subject]


# --- Asking -------------------------------------------------------------------------------


def test_a_followup_not_yet_due_sends_nothing(written_up, django_capture_on_commit_callbacks):
    run_at(datetime(2027, 4, 20, 23, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert followup_mails() == []
    assert FollowUp.objects.get(assist=written_up.assist).asked_at is None


def test_a_followup_falling_due_is_asked_once(written_up, django_capture_on_commit_callbacks):
    moment = datetime(2027, 4, 21, 6, 0, tzinfo=UTC)
    results = run_at(moment, django_capture_on_commit_callbacks)
    assert results["writeups.followups_due"] == 0  # the third run: already asked
    [email] = followup_mails()
    assert email.to == [HOME]
    assert "Finding leaks with acoustic loggers" in email.subject
    followup = FollowUp.objects.get(assist=written_up.assist)
    assert followup.asked_at == moment
    # Later runs, a day or a month on, ask nothing more.
    run_at(moment + timedelta(days=1), django_capture_on_commit_callbacks)
    run_at(moment + timedelta(days=30), django_capture_on_commit_callbacks)
    assert len(followup_mails()) == 1
    assert Notification.objects.filter(kind="writeup.followup_due").count() == 1


def test_the_home_page_shows_the_waiting_followup(
    written_up, member, django_capture_on_commit_callbacks
):
    home = written_up.home.client()
    assert "Follow-ups waiting for you" not in home.get("/").content.decode()
    run_at(datetime(2027, 4, 21, 6, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    page = home.get("/").content.decode()
    assert "Follow-ups waiting for you" in page
    assert reverse("writeups:followup", args=[written_up.assist.pk]) in page
    # A visiting peer is not asked, and neither is a member who took no part.
    assert (
        "Follow-ups waiting for you" not in written_up.visiting.client().get("/").content.decode()
    )
    assert "Follow-ups waiting for you" not in member.client().get("/").content.decode()
    notification = Notification.objects.get(kind="writeup.followup_due")
    assert notification.person == written_up.home.person


# --- Answering ----------------------------------------------------------------------------


def answer_through_the_page(scene, capture, client=None):
    url = reverse("writeups:followup", args=[scene.assist.pk])
    with capture(execute=True):
        return (client or scene.home.client()).post(
            url,
            {
                "followed_up_with": [scene.visiting.person.pk],
                "what_changed": "We surveyed hydrant access before deploying.",
                f"action_{scene.soon.pk}": ActionStatus.DONE,
                f"action_{scene.later.pk}": ActionStatus.IN_PROGRESS,
            },
        )


def assert_answered(scene):
    followup = FollowUp.objects.get(assist=scene.assist)
    assert followup.answered_at is not None
    assert followup.answered_by == scene.home.person
    assert list(followup.followed_up_with.all()) == [scene.visiting.person]
    assert followup.what_changed == "We surveyed hydrant access before deploying."
    assert Action.objects.get(pk=scene.soon.pk).status == ActionStatus.DONE
    assert Action.objects.get(pk=scene.soon.pk).completed_at is not None
    assert Action.objects.get(pk=scene.later.pk).status == ActionStatus.IN_PROGRESS
    scene.assist.refresh_from_db()
    assert scene.assist.status == Status.FOLLOWED_UP
    # Each visiting peer hears what became of their advice, once.
    assert sorted(m.to[0] for m in advice_mails()) == PEERS
    assert "We surveyed hydrant access" in advice_mails()[0].body
    assert "Ask the 2023 pilot team" in advice_mails()[0].body


def test_answering_through_the_page_records_it_and_tells_the_peers(
    written_up, django_capture_on_commit_callbacks
):
    run_at(datetime(2027, 4, 21, 6, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    with time_machine.travel(datetime(2027, 4, 22, 10, 0, tzinfo=UTC), tick=False):
        client = written_up.home.client()
        response = answer_through_the_page(written_up, django_capture_on_commit_callbacks, client)
        assert response.status_code == 302
        assert_answered(written_up)
        page = client.get(response.url).content.decode()
        assert "the follow-up is recorded" in page
        # No longer waiting on the home page.
        assert (
            "Follow-ups waiting for you" not in written_up.home.client().get("/").content.decode()
        )
        # Answering again changes the answer but tells the peers nothing more.
        answer_through_the_page(written_up, django_capture_on_commit_callbacks)
    assert len(advice_mails()) == 2
    # Nor do later runs of the jobs ask again.
    run_at(datetime(2027, 5, 1, 6, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(followup_mails()) == 1


def test_answering_through_the_api_records_it_and_tells_the_peers(
    written_up, django_capture_on_commit_callbacks
):
    from django.test import Client

    scene = written_up
    issued = api_token_create(user=scene.home.user, organisation=scene.home.organisation, name="t")
    client = Client(headers={"Authorization": f"Bearer {issued.raw}"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/assists/{scene.assist.pk}/followup/answer",
            {
                "followed_up_with_ids": [scene.visiting.person.pk],
                "what_changed": "We surveyed hydrant access before deploying.",
                "action_statuses": {
                    str(scene.soon.pk): "done",
                    str(scene.later.pk): "in_progress",
                },
            },
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [p["name"] for p in body["followed_up_with"]] == [scene.visiting.person.name]
    assert body["peers_told_at"] is not None
    assert_answered(scene)


def test_the_page_refuses_a_visiting_peer_and_names_a_bad_status(
    written_up, django_capture_on_commit_callbacks
):
    scene = written_up
    url = reverse("writeups:followup", args=[scene.assist.pk])
    refused = scene.visiting.client().post(url, {"what_changed": "x"})
    assert refused.status_code == 403
    bad = scene.home.client().post(
        url,
        {
            "what_changed": "Kept text",
            f"action_{scene.soon.pk}": "finished",
            f"action_{scene.later.pk}": ActionStatus.OPEN,
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Kept text" in page  # nothing the user typed is lost
    assert "Select a valid choice" in page
    assert FollowUp.objects.get(assist=scene.assist).answered_at is None
    assert advice_mails() == []


# --- Overdue actions ----------------------------------------------------------------------


def test_overdue_actions_remind_their_owner_at_most_once_a_day(
    written_up, org, django_capture_on_commit_callbacks
):
    Webhook.objects.create(
        organisation=org, url="http://127.0.0.1:9/hook", events=["action.overdue"]
    )
    # Due on 20 March: on the day itself it is not overdue yet.
    run_at(datetime(2027, 3, 20, 12, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert overdue_mails() == []
    run_at(datetime(2027, 3, 21, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    run_at(datetime(2027, 3, 21, 20, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    [email] = overdue_mails()
    assert email.to == [HOME]
    assert "Ask the 2023 pilot team" in email.subject
    [delivery] = Delivery.objects.filter(event="action.overdue")
    assert delivery.payload["action"]["id"] == written_up.soon.pk
    # The next day: one more reminder.
    run_at(datetime(2027, 3, 22, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(overdue_mails()) == 2
    # Done: no more reminders.
    services.action_update(
        viewer=written_up.home.viewer, action=written_up.soon, changes={"status": "done"}
    )
    run_at(datetime(2027, 3, 25, 8, 0, tzinfo=UTC), django_capture_on_commit_callbacks)
    assert len(overdue_mails()) == 2


def test_publishing_emits_writeup_published(org, django_capture_on_commit_callbacks):
    from tests.writeups_support import make_scene

    Webhook.objects.create(
        organisation=org, url="http://127.0.0.1:9/hook", events=["writeup.published"]
    )
    scene = make_scene(org, status="concluded")
    with django_capture_on_commit_callbacks(execute=True):
        services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist)
        services.writeup_publish(viewer=scene.home.viewer, assist=scene.assist)
    [delivery] = Delivery.objects.filter(event="writeup.published")
    assert delivery.payload["assist"]["status"] == Status.WRITTEN_UP
    assert delivery.payload["writeup"]["version"] == 1
