"""Issue 22's "done when" on the demo data: for a new brief about a problem an earlier assist
solved, that assist's home team is among the first five suggestions with a reason naming
it, and the earlier assist is first under "Similar assists" — plus what a person reads on
the card (plain text passages with their source, reasons in plain words)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peerassist.accounts.models import Membership, Organisation, User
from peerassist.assists.models import Format, Participation, PeerAssist, Role, Status, Visibility
from peerassist.core.scoping import Viewer
from peerassist.search.recommender import selectors

pytestmark = pytest.mark.django_db

EARLIER = "Finding leaks with acoustic loggers"


@pytest.fixture
def demo():
    call_command("demo", quiet=True)
    org = Organisation.objects.get(slug="meridian")
    user = User.objects.get(email="organiser@meridian.example")
    membership = Membership.objects.get(user=user, organisation=org)
    viewer = Viewer(user=user, organisation=org, role=membership.role)
    earlier = PeerAssist.objects.get(organisation=org, title=EARLIER)
    home = set(
        Participation.objects.filter(assist=earlier, role=Role.HOME_PEER).values_list(
            "person_id", flat=True
        )
    )
    new = PeerAssist.objects.create(
        organisation=org,
        title="Acoustic leak detection on our rural mains",
        format=Format.objects.get(organisation=None, kind="standard"),
        status=Status.DRAFT,
        visibility=Visibility.ORGANISATION,
        challenge="Rural Networks will place acoustic loggers on 80 km of rural mains to find "
        "leaks before they burst. We are unsure where to place the loggers, how often to "
        "read them and how to tell a leak from pump noise.",
        created_by=user,
    )
    new.languages.set(["en"])
    return viewer, user, earlier, home, new


def test_the_team_that_already_did_it_is_suggested_and_the_assist_listed_first(demo):
    viewer, _user, earlier, home, new = demo
    assert home, "the demo's earlier assist has a home team"
    found = selectors.recommend_for_assist(viewer=viewer, assist=new)
    top5 = found.suggestions[:5]
    led = [s for s in top5 if s.person.pk in home]
    assert led, [s.person.name for s in top5]
    labels = [e.label for e in led[0].evidence]
    assert any(label.startswith(f"Home team of “{EARLIER}” (held ") for label in labels), labels
    assert found.similar[0].assist == earlier
    assert found.similar[0].done
    # Unrelated assists are left out, however active.
    titles = [s.assist.title for s in found.similar]
    assert "Flood-season messages for vulnerable customers" not in titles


def test_the_current_home_team_is_never_suggested(demo):
    viewer, _user, earlier, home, new = demo
    # The earlier team runs the new assist too: they are not suggested to themselves.
    for pk in home:
        Participation.objects.create(assist=new, person_id=pk, role=Role.HOME_PEER)
    found = selectors.recommend_for_assist(viewer=viewer, assist=new)
    assert not {s.person.pk for s in found.suggestions} & home
    assert found.similar[0].assist == earlier


def test_the_card_shows_plain_passages_with_their_source_and_plain_reasons(demo):
    viewer, user, earlier, _home, new = demo
    found = selectors.recommend_for_assist(viewer=viewer, assist=new)
    for suggestion in found.suggestions:
        for e in suggestion.evidence:
            assert "#" not in e.text and "**" not in e.text and "](" not in e.text, e.text
        for reason in suggestion.reasons:
            assert "×" not in reason and "penalty" not in reason.lower()
    client = Client()
    client.force_login(user)
    response = client.get(reverse("search:recommendations", args=[new.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Home team of “{EARLIER}”" in html
    assert "Penalty" not in html and "No penalty applied." not in html
    similar = html[html.index('id="similar-h"') :]
    assert similar.index(EARLIER) < similar.index("</ul>")
    assert reverse("writeups:writeup", args=[earlier.pk]) not in similar  # no write-up yet


def test_similar_assists_come_from_a_cached_index_that_follows_every_change(demo):
    from peerassist.search.recommender import history

    viewer, _user, earlier, _home, new = demo
    text = "acoustic loggers leaks rural mains"
    first = history.similar_assists(viewer=viewer, assist=new, text=text)
    assert first[0].assist == earlier
    # Asked again with nothing changed: the index is not rebuilt (no brief is read again).
    built = len(history._similar_cache)
    again = history.similar_assists(viewer=viewer, assist=new, text=text)
    assert [s.assist.pk for s in again] == [s.assist.pk for s in first]
    assert len(history._similar_cache) == built
    # A brief edited to be about something else is re-indexed at once.
    earlier.title = "Graduate engineers' first year"
    earlier.business_context = earlier.planned_approach = earlier.desired_outcome = ""
    earlier.challenge = "How to welcome graduates."
    earlier.focus_questions = []
    earlier.save()
    moved = history.similar_assists(viewer=viewer, assist=new, text=text)
    assert earlier.pk not in [s.assist.pk for s in moved]
    # A new assist on the subject is found by the next request.
    other = PeerAssist.objects.create(
        organisation=earlier.organisation,
        title="Acoustic loggers on rural mains, second try",
        format=new.format,
        status=Status.PLANNED,
        visibility=Visibility.ORGANISATION,
        challenge="Where to place acoustic loggers to find leaks on rural mains.",
        created_by=new.created_by,
    )
    found = history.similar_assists(viewer=viewer, assist=new, text=text)
    assert other.pk in [s.assist.pk for s in found]
    # A deleted one is gone from the next answer.
    other.delete()
    hidden = history.similar_assists(viewer=viewer, assist=new, text=text)
    assert other.pk not in [s.assist.pk for s in hidden]
