"""Every kind of notification names its assist and links to it, in the in-app list and in
the e-mail, and the link opens (200) for the person told (issue 15: "notifications that name
the assist and link to it").

One scene runs each notifying service for real (an answer to an invitation, an overdue
action, publishing the write-up, the follow-up question and its answer); the table says who
is told of what. A guard reads the source for notifying calls so that a new kind cannot be
added without a row here."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

import peerassist
from peerassist.invitations import services as invitation_services
from peerassist.invitations.models import Invitation
from peerassist.invitations.tokens import RsvpClaim
from peerassist.notifications.models import Notification
from peerassist.notifications.subscribers import NOTIFYING_EVENTS
from peerassist.writeups import services as writeup_services
from peerassist.writeups.models import Action, FollowUp
from tests.conftest import make_persona
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db

TITLE = "Finding leaks with acoustic loggers"  # the scene's assist

#: kind → who is told (scene roles; "reader" is someone the write-up was sent to).
TOLD = [
    ("invitation.answered", "home"),
    ("invitation.answered", "facilitator"),
    ("writeup.action_overdue", "visiting"),
    ("writeup.published", "visiting"),
    ("writeup.published", "reader"),
    ("writeup.followup_due", "home"),
    ("writeup.advice_outcome", "visiting"),
]


def _notifying_kinds_in_source() -> set[str]:
    """The kinds passed to notify() anywhere in the app, and the events it subscribes to."""
    kinds = set(NOTIFYING_EVENTS)
    for path in Path(peerassist.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"\b_?notify\(", text):
            found = re.search(r'kind="([a-z_]+\.[a-z_]+)"', text[call.end() : call.end() + 300])
            if found:
                kinds.add(found.group(1))
    return kinds


def test_the_table_covers_every_notification_kind():
    assert _notifying_kinds_in_source() == {kind for kind, _who in TOLD}


@pytest.fixture
def told(org, django_capture_on_commit_callbacks):
    """Run every notifying service once on a concluded assist; returns the personas."""
    scene = make_scene(org, status="concluded")
    reader = make_persona(org, "member", "rita@meridian.test")
    people = {
        "home": scene.home,
        "facilitator": scene.facilitator,
        "visiting": scene.visiting,
        "reader": reader,
    }
    assist = scene.assist
    with django_capture_on_commit_callbacks(execute=True):
        invitation = Invitation.objects.create(
            assist=assist, person=scene.visiting.person, role="visiting_peer"
        )
        invitation_services.rsvp_answer(
            claim=RsvpClaim(
                invitation_id=invitation.pk, action="accept", nonce=invitation.rsvp_nonce
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        action = Action.objects.create(
            assist=assist,
            title="Buy ten loggers for a trial",
            owner=scene.visiting.person,
            due_on=timezone.localdate() - timedelta(days=3),
        )
        assert writeup_services.action_remind(action_id=action.pk, today=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        writeup_services.writeup_draft(viewer=scene.home.viewer, assist=assist)
        writeup_services.writeup_publish(
            viewer=scene.home.viewer, assist=assist, recipient_ids=[reader.person.pk]
        )
    with django_capture_on_commit_callbacks(execute=True):
        followup = FollowUp.objects.create(assist=assist, due_on=timezone.localdate())
        assert writeup_services.followup_ask(followup_id=followup.pk, now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        writeup_services.followup_answer(
            viewer=scene.home.viewer,
            assist=assist,
            followed_up_with_ids=[scene.visiting.person.pk],
            what_changed="We trial loggers on plastic mains at 50 m spacing.",
        )
    return people


@pytest.mark.parametrize(("kind", "who"), TOLD)
def test_a_notification_names_its_assist_and_links_where_the_reader_may_go(told, kind, who):
    persona = told[who]
    (notification,) = Notification.objects.filter(kind=kind, person=persona.person)
    client = persona.client()

    # In peerassist: the list shows the assist's title and links to the notification.
    listing = client.get("/notifications/")
    assert listing.status_code == 200
    item = re.search(
        rf'<li id="notification-{notification.pk}".*?</li>', listing.content.decode(), re.S
    )
    assert item, f"{kind} is not in {who}'s list"
    assert TITLE in item.group(0)
    opened = client.get(f"/notifications/{notification.pk}/")
    assert opened.status_code == 302 and opened.url == notification.url
    path = urlsplit(notification.url).path
    assert client.get(path).status_code == 200, f"{who} cannot open {kind}"

    # By e-mail: the text and the HTML name the assist and carry the same link.
    (message,) = [
        m
        for m in mail.outbox
        if m.to == [persona.person.email] and m.subject.endswith(notification.title)
    ]
    (html, _mimetype) = message.alternatives[0]
    for text in (message.body, html):
        assert TITLE in text
    links = re.findall(r'href="([^"]+)"', html)
    assert any(urlsplit(link).path == path for link in links), f"{kind}: e-mail links {links}"
    assert path in message.body
