"""Topics that can pass (issue 21, Deliver 5): a decision date and the planning so far on
every topic, asked for when a round-robin challenge or a Take becomes one, editable on pages
and in the API with the screen run again; a community's creator leads it; the mini assist's
person picker lists the community's members first; the brief is filled from the topic."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peerassist.assists.models import Participation, Role
from peerassist.communities import services
from peerassist.communities.models import Community, Topic
from tests.conftest import make_persona
from tests.factories import CommunityFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db

PLAN = "We costed two depots and booked the charger survey for April."


@pytest.fixture
def lead(org):
    return make_persona(org, "member", "lena.lead@meridian.test")


@pytest.fixture
def community(org, member, lead):
    return CommunityFactory(
        organisation=org,
        name="Asset managers",
        members=[member.person, lead.person],
        leads=[lead.person],
    )


@pytest.fixture
def meeting(community):
    return MeetingFactory(community=community, title="March meeting")


@pytest.fixture
def rr_topic(member, meeting):
    entry = services.round_robin_add(
        viewer=member.viewer, meeting=meeting, text="Moving the depot to electric vans."
    )
    return entry.topic


def _criteria(client, topic):
    page = client.get(reverse("communities:topic", args=[topic.pk]))
    return {c.code: c.met for c in page.context["criteria"]}


# --- Asked for when a round-robin challenge or a Take becomes a topic -----------------------


def test_round_robin_asks_for_the_date_and_planning_and_the_topic_can_pass(member, meeting):
    client = member.client()
    page = client.get(reverse("communities:meeting", args=[meeting.pk]))
    assert 'name="rr-decision_on"' in page.text and 'name="rr-planning_notes"' in page.text
    due = timezone.localdate() + timedelta(days=20)
    response = client.post(
        reverse("communities:round_robin_add", args=[meeting.pk]),
        {
            "rr-text": "Moving the depot to electric vans in May.",
            "rr-decision_on": due.isoformat(),
            "rr-planning_notes": PLAN,
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(source="round_robin")
    assert topic.decision_on == due and topic.planning_notes == PLAN
    met = _criteria(client, topic)
    assert met["about_to_happen"] and met["planning_begun"]


def test_a_bad_date_in_the_round_robin_is_a_form_error_and_nothing_is_stored(member, meeting):
    response = member.client().post(
        reverse("communities:round_robin_add", args=[meeting.pk]),
        {"rr-text": "Depot move.", "rr-decision_on": "31/31/2026"},
    )
    assert response.status_code in (200, 400)
    assert "Enter a valid date" in response.text
    assert not Topic.objects.exists()


def test_a_take_made_a_topic_goes_on_to_ask_for_the_date_and_planning(member, community, meeting):
    take = services.take_create(
        viewer=member.viewer, community=community, meeting=meeting, title="Growing our forum"
    )
    response = member.client().post(reverse("communities:take_to_topic", args=[take.pk]))
    topic = Topic.objects.get(source="take")
    assert response.url == reverse("communities:topic_edit", args=[topic.pk])


# --- Editable on pages, the screen run again ---------------------------------------------------


def test_editing_the_topic_runs_the_screen_again(member, rr_topic):
    client = member.client()
    before = _criteria(client, rr_topic)
    assert not before["about_to_happen"] and not before["planning_begun"]
    due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("communities:topic_edit", args=[rr_topic.pk]),
        {
            "title": rr_topic.title,
            "description": rr_topic.description,
            "decision_on": due.isoformat(),
            "planning_notes": PLAN,
        },
    )
    assert response.status_code == 302
    after = _criteria(client, rr_topic)
    assert after["about_to_happen"] and after["planning_begun"]


def test_an_empty_title_is_refused_with_a_reason(member, rr_topic):
    response = member.client().post(
        reverse("communities:topic_edit", args=[rr_topic.pk]), {"title": "  "}
    )
    assert response.status_code == 400
    rr_topic.refresh_from_db()
    assert rr_topic.title == "Moving the depot to electric vans."


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [
        ("raiser", 200, 302),
        ("lead", 200, 302),
        ("organiser", 200, 302),
        ("admin", 200, 302),
        ("other_member", 403, 403),
        ("guest", 404, 404),
        ("other_org_member", 404, 404),
    ],
)
def test_who_may_edit_a_topic(request, org, rr_topic, who, get, post):
    persona = {
        "raiser": lambda: request.getfixturevalue("member"),
        "lead": lambda: request.getfixturevalue("lead"),
        "other_member": lambda: make_persona(org, "member", "otto@meridian.test"),
    }.get(who, lambda: request.getfixturevalue(who))()
    client = persona.client()
    url = reverse("communities:topic_edit", args=[rr_topic.pk])
    assert client.get(url).status_code == get
    response = client.post(url, {"title": "Renamed", "planning_notes": PLAN})
    assert response.status_code == post
    rr_topic.refresh_from_db()
    assert (rr_topic.title == "Renamed") is (post == 302)


# --- The API -------------------------------------------------------------------------------------


def _api(persona):
    from tests.test_communities_api import bearer, call  # the shared API helpers

    return call, bearer(persona)


def test_api_round_robin_takes_the_date_and_planning(member, meeting):
    call, client = _api(member)
    due = (timezone.localdate() + timedelta(days=15)).isoformat()
    response = call(
        client,
        "post",
        f"/meetings/{meeting.pk}/round-robin/",
        {"text": "Depot move in May.", "decision_on": due, "planning_notes": PLAN},
    )
    assert response.status_code == 201
    topic = Topic.objects.get(source="round_robin")
    assert topic.decision_on.isoformat() == due and topic.planning_notes == PLAN


def test_api_patch_changes_only_what_is_sent_and_returns_the_new_screen(member, rr_topic):
    call, client = _api(member)
    due = (timezone.localdate() + timedelta(days=15)).isoformat()
    response = call(client, "patch", f"/topics/{rr_topic.pk}/", {"decision_on": due})
    assert response.status_code == 200
    body = response.json()
    assert body["decision_on"] == due and body["title"] == rr_topic.title
    screen = {c["code"]: c["met"] for c in body["screen"]}
    assert screen["about_to_happen"] and not screen["planning_begun"]
    response = call(client, "patch", f"/topics/{rr_topic.pk}/", {"planning_notes": PLAN})
    assert {c["code"]: c["met"] for c in response.json()["screen"]}["planning_begun"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": ""}, 422),
        ({"title": None}, 422),
        ({"planning_started": "yes"}, 422),
        ({"decision_on": "tomorrow"}, 422),
    ],
)
def test_api_patch_refuses_bad_values(member, rr_topic, body, status):
    call, client = _api(member)
    assert call(client, "patch", f"/topics/{rr_topic.pk}/", body).status_code == status


def test_api_patch_by_someone_else_is_refused(org, rr_topic, other_org_member):
    call, client = _api(make_persona(org, "member", "otto@meridian.test"))
    assert call(client, "patch", f"/topics/{rr_topic.pk}/", {"title": "X"}).status_code == 403
    call, client = _api(other_org_member)
    assert call(client, "patch", f"/topics/{rr_topic.pk}/", {"title": "X"}).status_code == 404
    rr_topic.refresh_from_db()
    assert rr_topic.title != "X"


# --- The community's creator leads it --------------------------------------------------------


def test_the_creator_of_a_community_is_its_lead_and_a_member(organiser):
    response = organiser.client().post(reverse("communities:create"), {"name": "Safety"})
    assert response.status_code == 302
    community = Community.objects.get(name="Safety")
    assert list(community.leads.all()) == [organiser.person]
    assert list(community.members.all()) == [organiser.person]
    page = organiser.client().get(reverse("communities:detail", args=[community.pk]))
    assert "No lead yet" not in page.text


def test_a_creator_without_a_directory_entry_still_creates_it(org):
    admin = make_persona(org, "admin", "ada.admin@meridian.test", with_person=False)
    response = admin.client().post(reverse("communities:create"), {"name": "Safety"})
    assert response.status_code == 302
    assert not Community.objects.get(name="Safety").leads.exists()


# --- The mini assist's picker: the community's members first -----------------------------------


def test_the_mini_assists_picker_lists_the_community_first(
    org, lead, member, organiser, community, meeting
):
    for name in ("Aaron Outside", "Abby Outside", f"{member.person.name} Outside"):
        PersonFactory(organisation=org, name=name)
    assist = services.mini_assist_create(viewer=lead.viewer, meeting=meeting, title="Depot move")
    url = reverse("assists:people", args=[assist.pk])
    # Before anything is typed: the community's members who do not take part yet.
    page = organiser.client().get(url)
    assert page.status_code == 200
    listed = {p.name for p in page.context["pick_people"]}
    taking_part = {p.person.name for p in assist.participations.select_related("person")}
    assert listed == {member.person.name, lead.person.name} - taking_part
    assert member.person.name in listed
    assert "Aaron Outside" not in page.text
    assert "Members of the community" in page.text
    # Typed: anyone in the directory, the community's members first.
    page = organiser.client().get(url, {"q": member.person.name.split()[0]})
    names = [p.name for p in page.context["pick_people"]]
    assert names.index(member.person.name) < names.index(f"{member.person.name} Outside")
    page = organiser.client().get(url, {"q": "outside"})
    assert {"Aaron Outside", "Abby Outside"} <= {p.name for p in page.context["pick_people"]}


def test_an_assist_outside_a_community_lists_the_directory_by_name(org, organiser):
    from peerassist.assists.models import Format
    from peerassist.assists.services import assist_create

    assist = assist_create(
        viewer=organiser.viewer,
        title="Standalone",
        format_id=Format.objects.filter(organisation=None).first().pk,
    )
    page = organiser.client().get(reverse("assists:people", args=[assist.pk]))
    assert page.context["pick_people"] == []  # nobody listed until something is typed
    assert "Members of the community" not in page.text


# --- The brief is filled from the topic --------------------------------------------------------


def test_turning_a_topic_into_an_assist_fills_the_brief_from_its_parts(member, meeting):
    due = timezone.localdate() + timedelta(days=20)
    entry = services.round_robin_add(
        viewer=member.viewer,
        meeting=meeting,
        text="Moving the depot to electric vans in May.",
        decision_on=due,
        planning_notes=PLAN,
    )
    assist = services.topic_to_assist(viewer=member.viewer, topic=entry.topic)
    assert assist.challenge == "Moving the depot to electric vans in May."
    assert assist.planned_approach == PLAN
    assert assist.decision_date == due
    assert Participation.objects.filter(
        assist=assist, person=member.person, role=Role.HOME_PEER
    ).exists()
