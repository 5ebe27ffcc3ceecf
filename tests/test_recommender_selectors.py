"""The recommender on the database: evidence, exclusions, access control, the page and the API."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.template.loader import get_template
from django.test import Client
from django.utils import timezone

from peerassist.accounts.services import api_token_create
from peerassist.assists import services
from peerassist.assists.models import Format, Participation, PeerAssist, Role, Status, Visibility
from peerassist.live.models import Contribution
from peerassist.search.recommender import selectors
from peerassist.writeups.models import Action, WriteUp
from tests.factories import PersonFactory, TagFactory, UnitFactory

pytestmark = pytest.mark.django_db

NOW = timezone.datetime(2026, 6, 1, 9, tzinfo=timezone.UTC)
BRIEF = "How do we onboard new suppliers in Brazil quickly? Supplier onboarding takes months."


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="t")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


def past_assist(org, title, *, visibility=Visibility.ORGANISATION, days_ago=60, status=None):
    start = NOW - timedelta(days=days_ago)
    return PeerAssist.objects.create(
        organisation=org,
        title=title,
        format=Format.objects.get(organisation=None, kind="standard"),
        status=status or Status.CONCLUDED,
        visibility=visibility,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def note(assist, author, text, *, starred=False):
    Participation.objects.get_or_create(
        assist=assist, person=author, defaults={"role": Role.VISITING_PEER}
    )
    return Contribution.objects.create(
        assist=assist,
        client_id=uuid.uuid4(),
        kind="practice",
        text=text,
        author=author,
        starred=starred,
    )


@pytest.fixture
def world(org, other_org, organiser, member):
    home_unit, unit_a, unit_b = (UnitFactory(organisation=org, name=n) for n in "HAB")
    organiser.person.unit = home_unit
    organiser.person.save()
    with time_machine.travel(NOW, tick=False):
        assist = services.assist_create(
            viewer=organiser.viewer,
            title="Supplier onboarding in Brazil",
            format_id=Format.objects.get(organisation=None, kind="standard").pk,
            join_home_team=True,
        )
    PeerAssist.objects.filter(pk=assist.pk).update(
        challenge=BRIEF,
        starts_at=NOW + timedelta(days=20),
        ends_at=NOW + timedelta(days=20, hours=3),
    )
    assist.refresh_from_db()
    people = {
        "alice": PersonFactory(organisation=org, name="Alice", unit=unit_a),
        "bob": PersonFactory(organisation=org, name="Bob", unit=unit_b),
        "carol": PersonFactory(organisation=org, name="Carol", unit=unit_b),
        "hank": PersonFactory(organisation=org, name="Hank", unit=home_unit),
        "dave": PersonFactory(
            organisation=org,
            name="Dave",
            unit=unit_a,
            expertise=[TagFactory(organisation=org, name="supplier onboarding")],
        ),
        "stranger": PersonFactory(organisation=other_org, name="Stranger"),
    }
    Participation.objects.create(assist=assist, person=people["hank"], role=Role.HOME_PEER)
    past = past_assist(org, "Vendor set-up in Chile")
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        acted = note(
            past,
            people["alice"],
            "We onboarded 40 suppliers in Brazil with a checklist",
            starred=True,
        )
        note(past, people["bob"], "Our canteen menu changed")
        note(past, people["hank"], "Supplier onboarding needs a single owner")
    Action.objects.create(assist=past, title="Use the checklist").contributions.add(acted)
    WriteUp.objects.create(assist=past, body="Supplier onboarding: what worked", status="published")
    secret = past_assist(org, "Secret supplier merger", visibility=Visibility.PARTICIPANTS)
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        note(secret, people["carol"], "Confidential supplier onboarding for the merger in Brazil")
    foreign = past_assist(other_org, "Foreign")
    note(foreign, people["stranger"], "Supplier onboarding in Brazil, suppliers, onboarding")
    return {"assist": assist, **people, "past": past, "secret": secret}


def names(found):
    return [s.person.name for s in found.suggestions]


def test_people_with_evidence_are_ranked_and_explained(world, organiser):
    with time_machine.travel(NOW, tick=False):
        found = selectors.recommend_for_assist(viewer=organiser.viewer, assist=world["assist"])
    # Alice's starred note became an action; Carol wrote a matching note too and was a
    # visiting peer in a past assist on suppliers (the history signal): both lead.
    assert set(names(found)[:2]) == {"Alice", "Carol"}
    alice = next(s for s in found.suggestions if s.person.name == "Alice")
    assert alice.evidence[0].source == "contribution"
    assert "Vendor set-up in Chile" in alice.evidence[0].label
    assert "action" in alice.evidence[0].label
    assert "Unit: A." in alice.explanation
    assert "Dave" in names(found)  # an expertise tag is evidence too
    assert "Bob" in names(found)  # took part in the assist whose write-up matches


def test_home_team_and_other_organisations_are_never_suggested(world, organiser):
    found = selectors.recommend_for_assist(viewer=organiser.viewer, assist=world["assist"])
    assert "Hank" not in names(found)
    assert "Organiser" not in names(found)
    assert "Stranger" not in names(found)
    assert found.excluded.get("home_team") == 1


def test_a_private_assists_notes_are_not_evidence_for_who_may_not_see_it(world, organiser, member):
    hidden = selectors.recommend_for_assist(viewer=member.viewer, assist=world["assist"])
    assert "Carol" not in names(hidden)
    shown = selectors.recommend_for_assist(viewer=organiser.viewer, assist=world["assist"])
    assert "Carol" in names(shown)


def test_people_busy_in_an_overlapping_assist_are_skipped(world, organiser):
    clash = past_assist(organiser.organisation, "Clash", days_ago=-20, status=Status.PLANNED)
    Participation.objects.create(assist=clash, person=world["alice"], role=Role.OBSERVER)
    found = selectors.recommend_for_assist(viewer=organiser.viewer, assist=world["assist"])
    assert "Alice" not in names(found)
    assert found.excluded["busy"] == 1


def test_visits_are_counted_over_the_last_twelve_months(world, organiser):
    for days in (10, 100, 300, 400):
        Participation.objects.create(
            assist=past_assist(organiser.organisation, f"Old {days}", days_ago=days),
            person=world["dave"],
            role=Role.VISITING_PEER,
        )
    visits = selectors.visits_last_year(organisation=organiser.organisation, now=NOW)
    assert visits[world["dave"].pk] == 3
    with time_machine.travel(NOW, tick=False):
        found = selectors.recommend_for_assist(viewer=organiser.viewer, assist=world["assist"])
    dave = next(s for s in found.suggestions if s.person.name == "Dave")
    assert [a.code for a in dave.adjustments] == ["usual_suspect"]


def test_similar_assists_being_planned_are_shown(world, organiser):
    planned = past_assist(
        organiser.organisation, "Supplier onboarding in Mexico", days_ago=-5, status=Status.PLANNED
    )
    PeerAssist.objects.filter(pk=planned.pk).update(challenge="Onboard suppliers faster")
    found = selectors.recommend_for_assist(viewer=organiser.viewer, assist=world["assist"])
    assert [s.assist.title for s in found.similar] == ["Supplier onboarding in Mexico"]


def test_api_lists_suggestions_with_evidence_and_plain_reasons(world, member):
    # Alice was a visiting peer twice in the last 12 months: often asked, still shown.
    canteen = past_assist(member.organisation, "Canteen refit", days_ago=90)
    Participation.objects.create(assist=canteen, person=world["alice"], role=Role.VISITING_PEER)
    url = f"/api/v1/assists/{world['assist'].pk}/recommendations?limit=2"
    with time_machine.travel(NOW, tick=False):
        response = bearer(member).get(url)
    assert response.status_code == 200
    body = response.json()
    assert len(body["suggestions"]) == 2
    first, second = body["suggestions"]
    assert first["person"]["name"] == "Alice"
    assert first["unit"]["name"] == "A"
    assert first["evidence"][0]["assist_id"] == world["past"].pk
    assert first["often_asked"] == {"count": 2, "period": "P12M"}
    assert first["reasons"] == [
        {"code": "usual_suspect", "text": "Often asked lately — 2 times in the last 12 months."}
    ]
    assert second["often_asked"] is None
    for suggestion in body["suggestions"]:
        assert all(
            "×" not in r["text"] and set(r) == {"code", "text"} for r in suggestion["reasons"]
        )
    assert "explanation" in first
    assert "Confidential" not in response.content.decode()


def test_the_openapi_schema_documents_reasons_and_deprecates_penalties(db):
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    suggestion = schemas["SuggestionOut"]["properties"]
    assert suggestion["penalties"]["deprecated"] is True
    assert "reasons" in schemas["SuggestionOut"]["required"]
    assert set(schemas["ReasonOut"]["properties"]) == {"code", "text"}
    assert set(schemas["OftenAskedOut"]["properties"]) == {"count", "period"}


def test_api_text_overrides_the_brief(world, member):
    url = f"/api/v1/assists/{world['assist'].pk}/recommendations?text=canteen+menu"
    body = bearer(member).get(url).json()
    assert body["suggestions"][0]["person"]["name"] == "Bob"


@pytest.mark.parametrize("who", ["other_org_member", "guest"])
def test_api_hides_the_assist_from_who_may_not_see_it(request, world, who):
    persona = request.getfixturevalue(who)
    response = bearer(persona).get(f"/api/v1/assists/{world['assist'].pk}/recommendations")
    assert response.status_code == 404


def test_api_refuses_guests_who_take_part(world, guest):
    person = PersonFactory(organisation=guest.organisation, user=guest.user, email="g@x.test")
    Participation.objects.create(assist=world["assist"], person=person, role=Role.OBSERVER)
    response = bearer(guest).get(f"/api/v1/assists/{world['assist'].pk}/recommendations")
    assert response.status_code == 403


def test_api_needs_a_token(world):
    response = Client().get(f"/api/v1/assists/{world['assist'].pk}/recommendations")
    assert response.status_code == 401


def test_people_page_loads_the_suggestions_fragment(world, organiser):
    source = get_template("assists/people.html").template.source
    assert "{% url 'search:recommendations' assist.pk %}" in source
    client = organiser.client()
    url = f"/search/recommendations/{world['assist'].pk}/"
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "Alice" in html and "Add as visiting peer" in html
    assert "Similar assists" in html


def test_add_as_visiting_peer_goes_through_the_plan(world, organiser):
    response = organiser.client().post(
        f"/assists/{world['assist'].pk}/people/add/",
        {"person_id": world["alice"].pk, "role": "visiting_peer"},
    )
    assert response.status_code == 302
    assert Participation.objects.get(assist=world["assist"], person=world["alice"]).role == (
        Role.VISITING_PEER
    )


def test_the_fragment_is_for_those_who_edit_the_plan(world, member):
    response = member.client().get(f"/search/recommendations/{world['assist'].pk}/")
    assert response.status_code == 403
