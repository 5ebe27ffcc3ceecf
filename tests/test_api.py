import pytest
from django.test import Client

from peerassist.accounts.models import Membership
from peerassist.accounts.services import api_token_create, api_token_revoke
from peerassist.people.models import Person

pytestmark = pytest.mark.django_db


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


def test_people_without_a_token_is_401(directory):
    response = Client().get("/api/v1/people/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_wrong_token_is_401(directory):
    client = Client(headers={"Authorization": "Bearer pa_not-a-real-token"})
    assert client.get("/api/v1/people/").status_code == 401


def test_token_sees_only_its_own_organisations_people(member, directory):
    response = bearer(member).get("/api/v1/people/")
    assert response.status_code == 200
    body = response.json()
    emails = {p["email"] for p in body["items"]}
    assert emails == {
        "ana@meridian.test",
        "bo@meridian.test",
        "chloe@meridian.test",
        member.user.email,
    }
    assert body["count"] == 4
    assert "ana@other.test" not in emails


def test_another_organisations_person_by_id_is_404(member, directory):
    stranger = directory["people"]["stranger"]
    response = bearer(member).get(f"/api/v1/people/{stranger.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "No such person in your organisation."


def test_own_person_by_id(member, directory):
    ana = directory["people"]["ana"]
    body = bearer(member).get(f"/api/v1/people/{ana.pk}").json()
    assert body["name"] == "Ana Ruiz"
    assert body["unit"]["name"] == "Field Services"
    assert sorted(body["languages"]) == ["en", "es"]


def test_filters_and_unit_subtree(member, directory):
    client = bearer(member)
    ops = directory["units"]["ops"]
    in_ops = {p["name"] for p in client.get(f"/api/v1/people/?unit={ops.pk}").json()["items"]}
    assert in_ops == {"Ana Ruiz", "Bo Lindqvist"}  # Field Services is inside Operations
    french = client.get("/api/v1/people/?language=fr").json()["items"]
    assert [p["name"] for p in french] == ["Chloé Moreau"]
    found = client.get("/api/v1/people/?q=coordinator").json()["items"]
    assert [p["name"] for p in found] == ["Ana Ruiz"]


def test_pagination_pages_through_everyone(member, org):
    for i in range(55):
        Person.objects.create(organisation=org, name=f"P{i:02}", email=f"p{i}@x.test")
    client = bearer(member)
    first = client.get("/api/v1/people/").json()
    second = client.get("/api/v1/people/?page=2").json()
    assert first["count"] == 56
    assert len(first["items"]) == 50 and len(second["items"]) == 6


def test_list_people_query_count_does_not_grow_with_rows(
    member, org, django_assert_max_num_queries
):
    for i in range(30):
        Person.objects.create(organisation=org, name=f"P{i:02}", email=f"p{i}@x.test")
    client = bearer(member)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/people/").status_code == 200


def test_bad_query_parameter_is_422_with_the_field(member, directory):
    response = bearer(member).get("/api/v1/people/?unit=abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "unit"


def test_units_are_scoped(member, directory):
    client = bearer(member)
    names = {u["name"] for u in client.get("/api/v1/units/").json()["items"]}
    assert names == {"Operations", "Field Services", "Finance"} | {member.person.unit.name}
    other_unit = directory["people"]["stranger"].unit
    assert client.get(f"/api/v1/units/{other_unit.pk}").status_code == 404


def test_revoked_token_is_refused(member, directory):
    issued = api_token_create(user=member.user, organisation=member.organisation, name="x")
    client = Client(headers={"Authorization": f"Bearer {issued.raw}"})
    assert client.get("/api/v1/people/").status_code == 200
    api_token_revoke(user=member.user, token_id=issued.token.pk)
    assert client.get("/api/v1/people/").status_code == 401


def test_token_of_someone_who_left_the_organisation_is_refused(member, directory):
    client = bearer(member)
    Membership.objects.filter(user=member.user).delete()
    assert client.get("/api/v1/people/").status_code == 401


def test_guest_token_sees_no_directory(guest, directory):
    response = bearer(guest).get("/api/v1/people/")
    assert response.status_code == 403


def test_session_auth_works_for_the_signed_in_browser(member, directory):
    response = member.client().get("/api/v1/people/")
    assert response.status_code == 200
    assert response.json()["count"] == 4


class TestCreatePerson:
    payload = {
        "name": "Noor Aziz",
        "email": "noor@meridian.test",
        "languages": ["ar", "en"],
        "expertise": ["flood response"],
        "time_zone": "Europe/London",
    }

    def test_organiser_adds_a_person(self, organiser):
        response = bearer(organiser).post(
            "/api/v1/people/", self.payload, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["expertise"] == ["flood response"]
        assert Person.objects.get(email="noor@meridian.test").organisation == organiser.organisation

    def test_member_may_not_add_people(self, member):
        response = bearer(member).post(
            "/api/v1/people/", self.payload, content_type="application/json"
        )
        assert response.status_code == 403
        assert not Person.objects.filter(email="noor@meridian.test").exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"name": ""}, "name"),
            ({"email": "nope"}, "email"),
            ({"level": "boss"}, "level"),
            ({"time_zone": "Mars/Base"}, "time_zone"),
            ({"languages": ["xx"]}, "languages"),
            ({"unit_id": 999999}, "unit_id"),
        ],
    )
    def test_invalid_fields_are_422_naming_the_field(self, organiser, change, field):
        response = bearer(organiser).post(
            "/api/v1/people/", {**self.payload, **change}, content_type="application/json"
        )
        assert response.status_code == 422, response.content
        assert field in [e["loc"][-1] for e in response.json()["detail"]]
        assert all(e["msg"] for e in response.json()["detail"])
        assert not Person.objects.filter(email="noor@meridian.test").exists()

    def test_duplicate_email_is_422(self, organiser, directory):
        response = bearer(organiser).post(
            "/api/v1/people/",
            {**self.payload, "email": "ANA@meridian.test"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "already in the directory" in response.json()["detail"][0]["msg"]

    def test_browser_session_write_needs_csrf(self, organiser):
        client = Client(enforce_csrf_checks=True)
        client.force_login(organiser.user)
        response = client.post("/api/v1/people/", self.payload, content_type="application/json")
        assert response.status_code in (401, 403)
        assert not Person.objects.filter(email="noor@meridian.test").exists()


def test_openapi_schema_and_docs_page_are_served(member):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/people/", "/api/v1/people/{person_id}", "/api/v1/units/"} <= set(paths)
    docs = member.client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content  # served locally, no CDN
