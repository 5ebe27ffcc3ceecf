import pytest
from django.test import Client

from peerassist.people.models import Person, Unit
from peerassist.people.selectors import person_list, unit_path, unit_tree

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_directory_lists_only_own_organisation(member, directory):
    response = member.client().get("/people/")
    assert response.status_code == 200
    assert "Ana Stranger" not in names(response)
    assert {"Ana Ruiz", "Bo Lindqvist", "Chloé Moreau"} <= set(names(response))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ruiz"}, ["Ana Ruiz"]),
        ({"q": "ana"}, ["Ana Ruiz", "Bo Lindqvist"]),  # "Operations manAger"
        ({"q": "field coordinator"}, ["Ana Ruiz"]),
        ({"language": "fr"}, ["Chloé Moreau"]),
        ({"q": "finance"}, ["Chloé Moreau"]),  # matches the unit
    ],
)
def test_directory_search_and_filters(member, directory, params, expected):
    assert names(member.client().get("/people/", params)) == expected


def test_unit_filter_includes_units_below(member, directory):
    ops = directory["units"]["ops"]
    assert names(member.client().get("/people/", {"unit": ops.pk})) == ["Ana Ruiz", "Bo Lindqvist"]


def test_another_organisations_unit_id_matches_nobody(member, directory):
    foreign_unit = directory["people"]["stranger"].unit
    response = member.client().get("/people/", {"unit": foreign_unit.pk})
    assert response.status_code == 200
    assert "Ana Stranger" not in names(response)


def test_expertise_filter(member, directory):
    from tests.factories import TagFactory

    tag = TagFactory(organisation=member.organisation, name="leak detection")
    directory["people"]["bo"].expertise.add(tag)
    assert names(member.client().get("/people/", {"expertise": tag.pk})) == ["Bo Lindqvist"]


def test_htmx_request_gets_only_the_results_fragment(member, directory):
    response = member.client().get("/people/", {"q": "bo"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "Bo Lindqvist" in body and "Ana Ruiz" not in body


def test_directory_query_count_is_constant(member, org, django_assert_max_num_queries):
    unit = Unit.objects.create(organisation=org, name="Big unit")
    for i in range(40):
        Person.objects.create(organisation=org, name=f"P{i:02}", email=f"p{i}@x.test", unit=unit)
    client = member.client()
    with django_assert_max_num_queries(16):
        assert client.get("/people/").status_code == 200


def test_empty_search_says_so(member, directory):
    response = member.client().get("/people/", {"q": "zzzz-nobody"})
    assert "Nobody matches" in response.content.decode()


def test_person_page(member, directory):
    ana = directory["people"]["ana"]
    response = member.client().get(f"/people/{ana.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ana Ruiz" in body and "Operations / Field Services" in body and "Spanish" in body


def test_person_of_another_organisation_is_404(member, directory):
    stranger = directory["people"]["stranger"]
    assert member.client().get(f"/people/{stranger.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "directory_status"),
    [
        ("admin", 200),
        ("organiser", 200),
        ("member", 200),
        ("guest", 404),
        ("outsider", 403),
        ("other_org_member", 200),
    ],
)
def test_directory_access_by_role(request, directory, persona, directory_status):
    client = request.getfixturevalue(persona).client()
    assert client.get("/people/").status_code == directory_status
    ana = directory["people"]["ana"]
    expected_detail = (
        200
        if persona in ("admin", "organiser", "member")
        else (404 if persona in ("other_org_member", "guest") else 403)
    )
    assert client.get(f"/people/{ana.pk}/").status_code == expected_detail


def test_home_page_empty_state_guides_an_organiser(organiser):
    Person.objects.all().delete()
    body = organiser.client().get("/").content.decode()
    assert "Start by adding your people" in body
    assert "/people/import/" in body


def test_home_page_for_someone_without_an_organisation(outsider):
    body = outsider.client().get("/").content.decode()
    assert "You are not in an organisation yet" in body


def test_switching_organisation_changes_what_you_see(member, other_org, directory):
    from peerassist.accounts.models import Membership

    Membership.objects.create(user=member.user, organisation=other_org, role="member")
    client = member.client()
    assert "Ana Stranger" not in names(client.get("/people/"))
    client.post("/organisation/switch/", {"organisation": other_org.pk})
    assert names(client.get("/people/")) == ["Ana Stranger"]


def test_cannot_switch_to_an_organisation_you_are_not_in(member, other_org, directory):
    client = member.client()
    client.post("/organisation/switch/", {"organisation": other_org.pk})
    assert "Ana Stranger" not in names(client.get("/people/"))


def test_unit_tree_orders_children_under_parents(member, directory):
    tree = [(u.name, depth) for u, depth in unit_tree(viewer=member.viewer)]
    assert tree.index(("Operations", 0)) + 1 == tree.index(("Field Services", 1))
    assert unit_path(directory["units"]["field"]) == "Operations / Field Services"


def test_a_unit_cannot_be_its_own_ancestor(org, directory):
    from django.core.exceptions import ValidationError

    ops = directory["units"]["ops"]
    ops.parent = directory["units"]["field"]
    with pytest.raises(ValidationError, match="inside itself"):
        ops.full_clean()


def test_selector_gives_nothing_to_a_guest(guest, directory):
    assert list(person_list(viewer=guest.viewer)) == []


def test_anonymous_api_and_pages_never_leak(directory):
    client = Client()
    assert client.get("/people/").status_code == 302
    assert client.get("/api/v1/units/").status_code == 401


def test_htmx_search_pushes_a_short_url_with_only_the_filters_in_use(member, directory):
    response = member.client().get(
        "/people/",
        {"q": "bo", "unit": "", "language": "", "expertise": ""},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Push-Url"] == "/people/?q=bo"
