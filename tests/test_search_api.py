"""GET /api/v1/search: the same search as the page, with the viewer's access applied."""

import pytest
from django.test import Client

from peerassist.accounts.services import api_token_create
from peerassist.assists.models import Visibility
from tests.factories import PersonFactory
from tests.test_search_index import make_assist, note

pytestmark = pytest.mark.django_db


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


@pytest.fixture
def corpus(org, directory):
    depot = make_assist(org, title="Depot valves", challenge="Valves seize in frost.")
    contribution = note(depot, "Grease the <valves> first.", directory["people"]["ana"])
    make_assist(
        org,
        title="Secret valves",
        challenge="Valves of the confidential plant.",
        visibility=Visibility.PARTICIPANTS,
        home=PersonFactory(organisation=org),
    )
    return {"depot": depot, "contribution": contribution}


def test_results_counts_and_marked_escaped_snippets(member, corpus):
    response = bearer(member).get("/api/v1/search", {"q": "valve"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["counts_by_type"] == {"brief": 1, "contribution": 1}
    assert (body["page"], body["pages"]) == (1, 1)
    by_type = {r["type"]: r for r in body["results"]}
    assert by_type["brief"]["id"] == corpus["depot"].pk
    assert "Grease the &lt;<mark>valves</mark>&gt; first" in by_type["contribution"]["snippet"]
    assert all(r["score"] > 0 for r in body["results"])


def test_the_type_filter_and_the_signed_in_session_work(member, corpus):
    response = member.client().get("/api/v1/search", {"q": "valves", "type": "contribution"})
    body = response.json()
    assert [r["id"] for r in body["results"]] == [corpus["contribution"].pk]
    assert body["count"] == 1 and body["counts_by_type"]["brief"] == 1


def test_private_content_is_neither_returned_nor_counted(member, other_org_member, corpus):
    body = bearer(member).get("/api/v1/search", {"q": "confidential"}).json()
    assert body == {"count": 0, "counts_by_type": {}, "page": 1, "pages": 1, "results": []}
    other = bearer(other_org_member).get("/api/v1/search", {"q": "valves"}).json()
    assert other["count"] == 0 and other["results"] == []


@pytest.mark.parametrize(
    "params",
    [{"q": "***"}, {"q": "x" * 300}, {"q": "valves", "language": "de"}, {"q": "a", "page": 0}],
)
def test_a_bad_query_is_422_with_a_message(member, params):
    response = bearer(member).get("/api/v1/search", params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_without_a_token_it_is_401():
    assert Client().get("/api/v1/search", {"q": "valves"}).status_code == 401
