"""The /search/ page: results with marked snippets, counts per type, filters, pages, the
htmx fragment, clear refusals, and nothing private shown to who may not see it."""

import re

import pytest

from peerassist.assists.models import Participation, Role, Visibility
from tests.factories import PersonFactory
from tests.test_search_index import make_assist, note

pytestmark = pytest.mark.django_db


def get(persona, **params):
    return persona.client().get("/search/", params)


def hit_titles(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", t).strip()
        for t in re.findall(r'<li class="search-hit[^"]*">\s*<h2>(.*?)</h2>', html, re.S)
    ]


@pytest.fixture
def corpus(org, directory):
    depot = make_assist(org, title="Depot valves", challenge="Valves seize in winter frost.")
    note(depot, "Grease the <valves> & check seals.", directory["people"]["ana"])
    make_assist(org, title="Smart meters", challenge="Meter readings by radio.")
    home = PersonFactory(organisation=org, name="Home peer")
    make_assist(
        org,
        title="Secret valves",
        challenge="Valves of the confidential plant.",
        visibility=Visibility.PARTICIPANTS,
        home=home,
    )
    return {"depot": depot}


def test_the_page_shows_results_with_marked_snippets_and_counts(member, corpus):
    response = get(member, q="valve")
    assert response.status_code == 200
    html = response.content.decode()
    assert set(hit_titles(html)) == {"Depot valves", "Lesson learned: Depot valves"}
    assert "<mark>Valves</mark> seize in winter frost" in html
    assert "Grease the &lt;<mark>valves</mark>&gt; &amp; check seals" in html
    assert re.search(r'id="count-brief"[^>]*>.*?\(1\)', html)
    assert re.search(r'id="count-contribution"[^>]*>.*?\(1\)', html)
    assert re.search(r'id="count-person"[^>]*>.*?\(0\)', html)
    assert "1–2 of 2 results" in html


def test_private_content_is_never_shown_or_counted_for_an_outsider(
    member, other_org_member, corpus
):
    html = get(member, q="confidential").content.decode()
    assert "Secret valves" not in html and "No results." in html
    assert "Secret valves" not in get(member, q="valves").content.decode()
    other = get(other_org_member, q="valves").content.decode()
    assert hit_titles(other) == [] and "No results." in other


def test_the_type_filter_keeps_the_other_counts(member, corpus):
    html = get(member, q="valves", type="contribution").content.decode()
    assert hit_titles(html) == ["Lesson learned: Depot valves"]
    assert re.search(r'id="count-brief"[^>]*>.*?\(1\)', html)
    assert re.search(r'<input type="checkbox" name="type" value="contribution" checked', html)


def test_language_and_date_filters_apply(member, org, corpus):
    make_assist(org, title="Vannes", challenge="Les vannes gèlent.", language="fr")
    assert hit_titles(get(member, q="vanne", language="fr").content.decode()) == ["Vannes"]
    assert hit_titles(get(member, q="vanne", language="es").content.decode()) == []
    html = get(member, q="valves", date_from="2000-01-01", date_to="2000-12-31").content.decode()
    assert hit_titles(html) == []


def test_results_come_in_pages_with_links(member, org):
    for i in range(23):
        make_assist(org, title=f"Pump plan {i}", challenge="Pumps.")
    first = get(member, q="pumps").content.decode()
    assert len(hit_titles(first)) == 20 and "Page 1 of 2" in first
    assert 'href="?q=pumps&amp;page=2" rel="next"' in first
    second = get(member, q="pumps", page=2).content.decode()
    assert len(hit_titles(second)) == 3 and "21–23 of 23 results" in second
    assert 'rel="prev"' in second


def test_the_htmx_request_gets_only_the_results_fragment(member, corpus):
    response = member.client().get(
        "/search/", {"q": "valves", "language": ""}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html and "<nav aria-label" not in html
    assert "Depot valves" in html
    # Status and counts travel out of band so that they follow the typing too.
    assert 'id="search-status"' in html and 'hx-swap-oob="true"' in html
    assert re.search(r'id="count-brief" hx-swap-oob="true">.*?\(1\)', html)
    assert response.headers["HX-Push-Url"] == "/search/?q=valves"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("***", "Type at least one word to search for."),
        ("-valves", "Type at least one word to search for."),
        ("one two three four five six seven eight nine ten eleven twelve thirteen", "too many"),
    ],
)
def test_a_bad_query_shows_a_clear_message(member, corpus, query, message):
    response = get(member, q=query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_a_too_long_query_or_bad_dates_are_form_errors_not_500(member):
    response = get(member, q="x" * 300)
    assert response.status_code == 200 and "at most 200 characters" in response.content.decode()
    response = get(member, q="valves", date_from="2026-05-01", date_to="2026-01-01")
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    response = get(member, q="valves", page="x", unit="nope")
    assert response.status_code == 200


def test_a_guest_sees_only_their_own_assists_and_no_people_or_community_filter(
    org, guest, directory
):
    theirs = make_assist(org, title="Guest assist", challenge="Hydrant flushing.")
    Participation.objects.create(
        assist=theirs,
        person=PersonFactory(organisation=org, user=guest.user, name="Guest"),
        role=Role.VISITING_PEER,
    )
    make_assist(org, title="Member assist", challenge="Hydrant painting.")
    directory["people"]["ana"].expertise.create(organisation=org, name="Hydrant")
    html = get(guest, q="hydrant").content.decode()
    assert hit_titles(html) == ["Guest assist"]
    assert 'name="community"' not in html


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/search/", {"q": "valves"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_a_user_without_an_organisation_is_refused(outsider):
    assert get(outsider, q="valves").status_code in (403, 404)


def test_the_page_without_a_query_invites_typing(member):
    html = get(member).content.decode()
    assert 'role="search"' in html and '<label for="id_q">' in html
    assert "Type what your team is trying to solve" in html
