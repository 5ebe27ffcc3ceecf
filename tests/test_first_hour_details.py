"""Small things a new user trips over: plurals, a past send date, a cut-off question."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peerassist.assists.models import PeerAssist, Status
from peerassist.assists.views import _agenda_hours
from tests.test_assist_pages import plan, team  # noqa: F401 — the fixture is used by name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minutes", "label"),
    [(60, "about 1 hour"), (90, "about 1.5 hours"), (120, "about 2 hours")],
)
def test_agenda_length_uses_the_right_plural(minutes, label):
    assert _agenda_hours(minutes) == label


def logistics(assist, **changes):
    data = {
        "title": assist.title,
        "time_zone": "Europe/London",
        "mode": "virtual",
        "visibility": "organisation",
        **changes,
    }
    return data


def test_a_past_send_date_is_a_form_error(organiser, team):  # noqa: F811
    assist = plan(organiser, team)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = organiser.client().post(
        f"/assists/{assist.pk}/logistics/",
        logistics(assist, brief_send_on=yesterday.isoformat()),
    )
    assert response.status_code == 400
    assert "This date has passed" in response.content.decode()
    assert PeerAssist.objects.get(pk=assist.pk).brief_send_on is None


def test_a_past_send_date_already_stored_does_not_block_other_changes(organiser, team):  # noqa: F811
    assist = plan(organiser, team)
    long_ago = timezone.localdate() - dt.timedelta(days=30)
    PeerAssist.objects.filter(pk=assist.pk).update(brief_send_on=long_ago)
    response = organiser.client().post(
        f"/assists/{assist.pk}/logistics/",
        logistics(assist, title="Renamed", brief_send_on=long_ago.isoformat()),
    )
    assert response.status_code == 302
    assert PeerAssist.objects.get(pk=assist.pk).title == "Renamed"


def test_the_room_shows_focus_questions_in_full(organiser, team):  # noqa: F811
    assist = plan(organiser, team)
    question = "What did you learn when rolling out smart meters to rural households " * 2
    PeerAssist.objects.filter(pk=assist.pk).update(
        status=Status.LIVE, focus_questions=[question.strip()]
    )
    html = team["facilitator"].client().get(f"/assists/{assist.pk}/live/").content.decode()
    assert question.strip() in html
