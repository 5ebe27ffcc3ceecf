"""The type-ahead person picker: an endpoint that lists at most 20 matches by name, e-mail or
unit, for members of the viewer's organisation only, in one query even among 10,000 people;
and the People tab that uses it, with and without JavaScript."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerassist.assists.models import Role
from peerassist.people.models import Person, Unit
from peerassist.people.selectors import PICK_LIMIT
from tests.factories import PeerAssistFactory

pytestmark = pytest.mark.django_db

PICK = "/people/pick/"


def picked(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


# --- Who may ask ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", 200),
        ("organiser", 200),
        ("member", 200),
        ("guest", 404),  # like every page outside their assist
        ("outsider", 403),  # signed in, in no organisation
        ("other_org_member", 200),  # but sees only their own organisation (below)
    ],
)
def test_who_may_use_the_picker(request, directory, persona, expected):
    client = request.getfixturevalue(persona).client()
    assert client.get(PICK, {"q": "ana"}).status_code == expected


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PICK, {"q": "ana"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_viewers_organisation_is_searched(member, other_org_member, directory):
    ours = picked(member.client().get(PICK, {"q": "ana"}))
    assert "Ana Ruiz" in ours and "Ana Stranger" not in ours
    theirs = picked(other_org_member.client().get(PICK, {"q": "ana"}))
    assert "Ana Stranger" in theirs and "Ana Ruiz" not in theirs


# --- What it finds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("ana", ["Ana Ruiz"], ["Bo Lindqvist"]),  # part of a name
        ("LINDQ", ["Bo Lindqvist"], ["Ana Ruiz"]),  # any case
        ("chloe@", ["Chloé Moreau"], ["Ana Ruiz"]),  # the e-mail address
        ("finance", ["Chloé Moreau"], ["Ana Ruiz"]),  # the unit
        ("field ana", ["Ana Ruiz"], ["Bo Lindqvist"]),  # every word must match
        ("field bo", [], ["Ana Ruiz", "Bo Lindqvist"]),
    ],
)
def test_it_finds_people_by_name_email_or_unit(member, directory, query, found, not_found):
    html = picked(member.client().get(PICK, {"q": query}))
    for name in found:
        assert name in html
    for name in not_found:
        assert name not in html
    if not found:
        assert "Nobody matches" in html


def test_nothing_typed_lists_nobody_and_says_what_to_type(member, directory):
    html = picked(member.client().get(PICK, {"q": "  "}))
    assert 'type="radio"' not in html
    assert "Type part of a name" in html


def test_matches_are_radio_buttons_named_after_the_field(member, directory):
    ana = directory["people"]["ana"]
    html = picked(member.client().get(PICK, {"q": "ana", "name": "owner"}))
    assert f'name="owner" value="{ana.pk}"' in html
    assert f'<label for="pick-owner-{ana.pk}">' in html


def test_a_field_name_that_could_break_the_page_is_refused(member, directory):
    response = member.client().get(PICK, {"q": "ana", "name": '"><script>'})
    assert response.status_code == 400


@pytest.fixture
def ten_thousand(org):
    """10,000 people in 50 units, every one of them called Person-something. (The units are not
    named "Unit n" as UnitFactory names them: the two would collide, depending on test order.)"""
    units = Unit.objects.bulk_create(
        Unit(organisation=org, name=f"Picker unit {n:02d}") for n in range(50)
    )
    Person.objects.bulk_create(
        Person(
            organisation=org,
            name=f"Person {n:05d}",
            email=f"p{n:05d}@meridian.test",
            unit=units[n % 50],
        )
        for n in range(10_000)
    )
    return units


def test_among_ten_thousand_people_it_lists_twenty_in_one_query(member, ten_thousand):
    client = member.client()
    client.get(PICK, {"q": "warm-up"})  # the session and the viewer, as on any request
    with CaptureQueriesContext(connection) as few:
        html = picked(client.get(PICK, {"q": "zz-nobody"}))
    assert "Nobody matches" in html
    with CaptureQueriesContext(connection) as many:
        html = picked(client.get(PICK, {"q": "person"}))
    assert html.count('type="radio"') == PICK_LIMIT
    assert "The first 20 matches" in html
    # The same number of queries for 0 or 10,000 matches: one for the search itself.
    assert len(many.captured_queries) == len(few.captured_queries)
    searches = [q["sql"] for q in many.captured_queries if "people_person" in q["sql"]]
    assert len(searches) == 1, searches
    assert "LIMIT 20" in searches[0]


def test_names_starting_with_the_word_come_first(member, org, directory):
    Person.objects.create(organisation=org, name="Diana Banks", email="jb@meridian.test")
    html = picked(member.client().get(PICK, {"q": "ana"}))
    assert html.index("Ana Ruiz") < html.index("Diana Banks")


# --- The People tab ---------------------------------------------------------------------------


@pytest.fixture
def assist(org, organiser):
    return PeerAssistFactory(organisation=org, status="draft", created_by=organiser.user)


def test_without_javascript_find_reloads_the_tab_with_the_matches(organiser, assist, directory):
    ana = directory["people"]["ana"]
    page = organiser.client().get(f"/assists/{assist.pk}/people/", {"q": "ruiz"})
    html = page.content.decode()
    assert f'value="{ana.pk}"' in html
    assert 'value="ruiz"' in html  # the search box keeps what was typed
    assert 'id="add-person-find" method="get"' in html


def test_the_tab_never_lists_the_whole_directory(organiser, assist, ten_thousand):
    html = organiser.client().get(f"/assists/{assist.pk}/people/").content.decode()
    assert "pick-option" not in html and "Person 0" not in html


def test_adding_without_choosing_says_what_to_do(organiser, assist, directory):
    response = organiser.client().post(
        f"/assists/{assist.pk}/people/add/", {"role": "visiting_peer", "q": "ana"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Find the person, then choose them from the matches." in html
    assert "Ana Ruiz" in html  # the matches are still there to choose from


def test_a_choice_posted_from_the_picker_adds_the_person(organiser, assist, directory):
    ana = directory["people"]["ana"]
    response = organiser.client().post(
        f"/assists/{assist.pk}/people/add/",
        {"person_id": ana.pk, "role": "visiting_peer", "q": "ana"},
    )
    assert response.status_code == 302
    assert assist.participations.get(person=ana).role == Role.VISITING_PEER
