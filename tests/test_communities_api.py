"""The communities API: communities, members and leads, meetings, round robin, topics (screen,
votes, turning into an assist), Gives & Takes and the Gives suggested for a Take — with who may
do what as tables."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.models import Role as OrgRole
from peerassist.accounts.services import api_token_create
from peerassist.assists.models import Participation, PeerAssist, Role
from peerassist.communities.models import Give, Meeting, Take, Topic, TopicVote
from tests.conftest import make_persona
from tests.factories import CommunityFactory, MeetingFactory, PersonFactory, TopicFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"
API = "/api/v1"


def bearer(persona) -> Client:
    issued = api_token_create(user=persona.user, organisation=persona.organisation, name="test")
    return Client(headers={"Authorization": f"Bearer {issued.raw}"})


@pytest.fixture
def lead(org):
    return make_persona(org, OrgRole.MEMBER, "lead@meridian.test")


@pytest.fixture
def community(org, member, lead):
    return CommunityFactory(
        organisation=org,
        name="Asset managers",
        description="Monthly.",
        members=[member.person, lead.person],
        leads=[lead.person],
    )


@pytest.fixture
def meeting(community):
    return MeetingFactory(community=community, title="March meeting", agenda="1. Round robin")


@pytest.fixture
def topic(org, community, member):
    return TopicFactory(
        organisation=org,
        community=community,
        raised_by=member.person,
        title="Electric vans at the depot",
        description="We start charging vans in May.",
        planning_notes="Chargers ordered, depot survey done last week.",
    )


@pytest.fixture
def personas(request, member, lead, organiser, guest, other_org_member):
    return {
        "member": member,
        "lead": lead,
        "organiser": organiser,
        "guest": guest,
        "other_org_member": other_org_member,
    }


def call(client: Client, method: str, path: str, body=None):
    kwargs = {"content_type": JSON} if body is not None else {}
    return getattr(client, method)(f"{API}{path}", body, **kwargs)


# --- Who may do what ---------------------------------------------------------------------------

# (method, path template, body, expected per persona: member, lead, organiser, guest, other org)
MATRIX = [
    ("get", "/communities/", None, (200, 200, 200, 403, 200)),
    ("get", "/communities/{c}/", None, (200, 200, 200, 403, 404)),
    ("patch", "/communities/{c}/", {"description": "New"}, (403, 200, 200, 403, 404)),
    ("post", "/communities/", {"name": "New one"}, (403, 403, 201, 403, 201)),
    ("post", "/communities/{c}/members/", {"person_id": "{p}"}, (403, 201, 201, 403, 404)),
    ("get", "/communities/{c}/meetings/", None, (200, 200, 200, 403, 404)),
    (
        "post",
        "/communities/{c}/meetings/",
        {"title": "April", "starts_at": "2030-04-01T09:00:00Z"},
        (403, 201, 201, 403, 404),
    ),
    ("get", "/meetings/{m}/", None, (200, 200, 200, 403, 404)),
    ("patch", "/meetings/{m}/", {"agenda": "2. Gives & Takes"}, (403, 200, 200, 403, 404)),
    ("delete", "/meetings/{m}/", None, (403, 204, 204, 403, 404)),
    ("get", "/meetings/{m}/round-robin/", None, (200, 200, 200, 403, 404)),
    ("post", "/meetings/{m}/round-robin/", {"text": "Vans."}, (201, 201, 201, 403, 404)),
    ("post", "/meetings/{m}/mini-assist/", {"title": "Vans"}, (403, 201, 201, 403, 404)),
    ("get", "/topics/", None, (200, 200, 200, 403, 200)),
    ("get", "/topics/{t}/", None, (200, 200, 200, 403, 404)),
    ("post", "/topics/", {"title": "A request"}, (201, 201, 201, 403, 201)),
    ("put", "/topics/{t}/vote/", None, (200, 200, 200, 403, 404)),
    ("delete", "/topics/{t}/vote/", None, (200, 200, 200, 403, 404)),
    ("post", "/topics/{t}/status/", {"status": "selected"}, (403, 200, 200, 403, 404)),
    ("patch", "/topics/{t}/", {"planning_notes": "Costed."}, (200, 200, 200, 403, 404)),
    ("post", "/topics/{t}/assist/", None, (201, 201, 201, 403, 404)),
    ("get", "/gives/", None, (200, 200, 200, 403, 200)),
    ("post", "/gives/", {"community_id": "{c}", "title": "Excel"}, (201, 201, 201, 403, 404)),
    ("delete", "/gives/{g}/", None, (403, 204, 204, 403, 404)),
    ("get", "/takes/", None, (200, 200, 200, 403, 200)),
    ("post", "/takes/", {"community_id": "{c}", "title": "Vans"}, (201, 201, 201, 403, 404)),
    ("delete", "/takes/{k}/", None, (204, 204, 204, 403, 404)),
    ("get", "/takes/{k}/matches/", None, (200, 200, 200, 403, 404)),
    ("post", "/takes/{k}/topic/", None, (201, 201, 201, 403, 404)),
]
WHO = ("member", "lead", "organiser", "guest", "other_org_member")


def _fill(value, ids):
    if isinstance(value, str):
        for key, number in ids.items():
            if value == "{" + key + "}":
                return number
            value = value.replace("{" + key + "}", str(number))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
@pytest.mark.parametrize("who", range(len(WHO)), ids=WHO)
def test_permission_matrix(
    personas, org, community, meeting, topic, member, lead, method, path, body, expected, who
):
    """The member owns the Take, the lead owns the Give; another person could be added."""
    give = Give.objects.create(community=community, person=lead.person, title="Community growth")
    take = Take.objects.create(community=community, person=member.person, title="Grow membership")
    outsider_person = PersonFactory(organisation=org, name="Newcomer")
    ids = {
        "c": community.pk,
        "m": meeting.pk,
        "t": topic.pk,
        "g": give.pk,
        "k": take.pk,
        "p": outsider_person.pk,
    }
    persona = personas[WHO[who]]
    response = call(bearer(persona), method, _fill(path, ids), _fill(body, ids))
    assert response.status_code == expected[who], response.content


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
def test_without_a_token_every_operation_is_401(db, method, path, body, expected):
    ids = dict.fromkeys(("c", "m", "t", "g", "k", "p"), 1)
    response = call(Client(), method, _fill(path, ids), _fill(body, ids))
    assert response.status_code == 401


def test_other_organisation_sees_none_of_ours_in_lists(other_org_member, community, topic):
    Give.objects.create(community=community, person=topic.raised_by, title="Secret give")
    client = bearer(other_org_member)
    for path in ("/communities/", "/topics/", "/gives/", "/takes/"):
        assert call(client, "get", path).json() == []


# --- Communities and meetings ------------------------------------------------------------------


def test_community_detail_lists_members_and_leads(member, community, lead):
    body = call(bearer(member), "get", f"/communities/{community.pk}/").json()
    assert body["name"] == "Asset managers" and body["member_count"] == 2
    assert {p["name"] for p in body["members"]} == {member.person.name, lead.person.name}
    assert [p["name"] for p in body["leads"]] == [lead.person.name]
    assert body["may_manage"] is False
    assert call(bearer(lead), "get", f"/communities/{community.pk}/").json()["may_manage"]


def test_organiser_creates_a_community_and_adds_a_lead(organiser, org):
    client = bearer(organiser)
    created = call(client, "post", "/communities/", {"name": "Data people"})
    assert created.status_code == 201
    community_id = created.json()["id"]
    person = PersonFactory(organisation=org, name="Dee")
    added = call(
        client,
        "post",
        f"/communities/{community_id}/members/",
        {"person_id": person.pk, "lead": True},
    )
    assert added.status_code == 201
    # Whoever creates a community leads it (issue 21); the lead they add joins them.
    leads = {p["id"] for p in added.json()["leads"]}
    assert leads == {organiser.person.pk, person.pk}
    removed = call(client, "delete", f"/communities/{community_id}/members/{person.pk}/")
    assert removed.status_code == 204
    after = call(client, "get", f"/communities/{community_id}/").json()
    assert [p["id"] for p in after["members"]] == [organiser.person.pk]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Asset managers"}, "name"),  # taken
        ({"name": "asset MANAGERS"}, "name"),  # taken, in other letters
        ({"name": ""}, "name"),
        ({}, "name"),
    ],
)
def test_bad_community_is_422_with_the_field(organiser, community, body, field):
    response = call(bearer(organiser), "post", "/communities/", body)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])


def test_a_person_of_another_organisation_cannot_be_added(organiser, community, directory):
    stranger = directory["people"]["stranger"]
    response = call(
        bearer(organiser),
        "post",
        f"/communities/{community.pk}/members/",
        {"person_id": stranger.pk},
    )
    assert response.status_code == 422
    assert not community.members.filter(pk=stranger.pk).exists()


def test_a_lead_cannot_remove_the_last_lead(lead, community):
    response = call(
        bearer(lead), "delete", f"/communities/{community.pk}/members/{lead.person.pk}/"
    )
    assert response.status_code == 422
    assert "needs a lead" in response.json()["detail"][0]["msg"]


def test_meeting_with_agenda_and_a_round_robin(member, lead, community, meeting):
    client = bearer(lead)
    created = call(
        client,
        "post",
        f"/communities/{community.pk}/meetings/",
        {
            "title": "April meeting",
            "starts_at": "2030-04-01T09:00:00+02:00",
            "ends_at": "2030-04-01T10:30:00+02:00",
            "place": "Room 4",
            "agenda": "1. Round robin\n2. Mini Peer Assist",
        },
    )
    assert created.status_code == 201
    april = created.json()
    assert april["agenda"].startswith("1. Round robin") and april["round_robin"] == []
    stated = call(
        bearer(member),
        "post",
        f"/meetings/{april['id']}/round-robin/",
        {"text": "We move the depot to electric vans in May. Charging is unclear."},
    )
    assert stated.status_code == 201
    assert stated.json()["person"]["name"] == member.person.name
    topic = Topic.objects.get(pk=stated.json()["topic_id"])
    assert topic.source == "round_robin" and topic.title.startswith("We move the depot")
    detail = call(client, "get", f"/meetings/{april['id']}/").json()
    assert [e["text"][:6] for e in detail["round_robin"]] == ["We mov"]
    listed = call(client, "get", f"/communities/{community.pk}/meetings/").json()
    assert [m["title"] for m in listed] == ["March meeting", "April meeting"]
    changed = call(client, "patch", f"/meetings/{april['id']}/", {"agenda": "Only AOB"})
    assert changed.status_code == 200 and changed.json()["agenda"] == "Only AOB"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x", "starts_at": "2030-04-01T09:00:00"}, "starts_at"),  # naive
        (
            {"title": "x", "starts_at": "2030-04-01T09:00:00Z", "ends_at": "2030-04-01T08:00:00Z"},
            "ends_at",
        ),
        ({"starts_at": "2030-04-01T09:00:00Z"}, "title"),
    ],
)
def test_bad_meeting_is_422(lead, community, body, field):
    response = call(bearer(lead), "post", f"/communities/{community.pk}/meetings/", body)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])
    assert not Meeting.objects.filter(title="x").exists()


def test_a_member_cannot_record_a_challenge_for_someone_else(member, lead, meeting):
    response = call(
        bearer(member),
        "post",
        f"/meetings/{meeting.pk}/round-robin/",
        {"text": "Theirs", "person_id": lead.person.pk},
    )
    assert response.status_code == 403
    by_lead = call(
        bearer(lead),
        "post",
        f"/meetings/{meeting.pk}/round-robin/",
        {"text": "Theirs", "person_id": member.person.pk},
    )
    assert by_lead.status_code == 201 and by_lead.json()["person"]["id"] == member.person.pk


def test_mini_assist_from_a_topic_is_attached_to_the_meeting(lead, meeting, topic):
    response = call(
        bearer(lead), "post", f"/meetings/{meeting.pk}/mini-assist/", {"topic_id": topic.pk}
    )
    assert response.status_code == 201
    assist = PeerAssist.objects.get(pk=response.json()["assist_id"])
    assert response.json()["url"] == reverse("assists:overview", args=[assist.pk])
    assert assist.format.kind == "mini" and assist.starts_at == meeting.starts_at
    detail = call(bearer(lead), "get", f"/meetings/{meeting.pk}/").json()
    assert detail["mini_assist"]["id"] == assist.pk
    again = call(bearer(lead), "post", f"/meetings/{meeting.pk}/mini-assist/", {"title": "More"})
    assert again.status_code == 422


# --- Topics ------------------------------------------------------------------------------------


def test_topics_board_carries_the_screen_with_reasons_and_votes(member, org, community, topic):
    topic.decision_on = timezone.localdate() + timedelta(days=20)
    topic.save()
    TopicFactory(organisation=org, title="Maybe someday a new intranet", source="strategic_need")
    body = call(bearer(member), "get", "/topics/").json()
    vans = next(t for t in body if t["id"] == topic.pk)
    assert [c["code"] for c in vans["screen"]] == [
        "about_to_happen",
        "planning_begun",
        "experience_exists",
        "several_members",
    ]
    met = {c["code"]: c["met"] for c in vans["screen"]}
    assert met["about_to_happen"] and met["planning_begun"] and not met["several_members"]
    assert "20 days away" in vans["screen"][0]["reason"]
    assert {f["code"] for f in vans["findings"]} == {"experience_exists", "several_members"}
    assert vans["raised_by"]["name"] == member.person.name
    hedged = next(t for t in body if t["id"] != topic.pk)
    assert "possibility" in hedged["screen"][0]["reason"] and not hedged["screen"][0]["met"]


def test_topics_filter_by_source_and_community(member, org, community, topic):
    TopicFactory(organisation=org, title="Need", source="operational_need")
    client = bearer(member)
    assert [t["title"] for t in call(client, "get", "/topics/?source=operational_need").json()] == [
        "Need"
    ]
    in_community = call(client, "get", f"/topics/?community_id={community.pk}").json()
    assert [t["id"] for t in in_community] == [topic.pk]
    assert call(client, "get", "/topics/?source=gossip").status_code == 422


def test_vote_once_and_take_it_back(member, lead, topic):
    client = bearer(member)
    first = call(client, "put", f"/topics/{topic.pk}/vote/")
    again = call(client, "put", f"/topics/{topic.pk}/vote/")
    assert first.json() == again.json() == {"voted": True, "vote_count": 1}
    call(bearer(lead), "put", f"/topics/{topic.pk}/vote/")
    assert call(client, "get", f"/topics/{topic.pk}/").json()["vote_count"] == 2
    assert call(client, "delete", f"/topics/{topic.pk}/vote/").json() == {
        "voted": False,
        "vote_count": 1,
    }
    assert call(client, "delete", f"/topics/{topic.pk}/vote/").json()["voted"] is False
    assert TopicVote.objects.filter(topic=topic).count() == 1


def test_a_member_without_a_directory_entry_cannot_vote(org, topic):
    nobody = make_persona(org, OrgRole.MEMBER, "nobody@meridian.test", with_person=False)
    response = call(bearer(nobody), "put", f"/topics/{topic.pk}/vote/")
    assert response.status_code == 422
    assert "directory" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("who", "source", "expected"),
    [
        ("member", "request", 201),
        ("member", "strategic_need", 403),
        ("member", "operational_need", 403),
        ("lead", "strategic_need", 201),  # for their own community
        ("organiser", "operational_need", 201),
        ("organiser", "round_robin", 422),  # comes from a meeting
        ("organiser", "take", 422),  # comes from a Take
    ],
)
def test_who_raises_which_kind_of_topic(personas, community, who, source, expected):
    response = call(
        bearer(personas[who]),
        "post",
        "/topics/",
        {"title": "Depot move", "source": source, "community_id": community.pk},
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["source"] == source
        assert response.json()["raised_by"]["name"] == personas[who].person.name


@pytest.mark.parametrize(
    "body",
    [{"title": ""}, {"title": "x", "source": "gossip"}, {"title": "x", "decision_on": "soon"}],
)
def test_bad_topic_is_422(member, body):
    assert call(bearer(member), "post", "/topics/", body).status_code == 422
    assert not Topic.objects.exists()


def test_topic_in_another_organisations_community_is_404(member, other_org):
    theirs = CommunityFactory(organisation=other_org)
    response = call(bearer(member), "post", "/topics/", {"title": "x", "community_id": theirs.pk})
    assert response.status_code == 404


def test_topic_turns_into_a_draft_assist_with_the_brief_prefilled(member, topic):
    topic.decision_on = timezone.localdate() + timedelta(days=30)
    topic.save()
    response = call(bearer(member), "post", f"/topics/{topic.pk}/assist/")
    assert response.status_code == 201
    assist = PeerAssist.objects.get(pk=response.json()["assist_id"])
    assert assist.status == "draft" and assist.title == "Electric vans at the depot"
    assert assist.challenge == "We start charging vans in May."
    assert assist.planned_approach == "Chargers ordered, depot survey done last week."
    assert assist.decision_date == topic.decision_on
    assert assist.format.kind == "mini"  # a community topic
    assert Participation.objects.get(assist=assist, role=Role.HOME_PEER).person == member.person
    after = call(bearer(member), "get", f"/topics/{topic.pk}/").json()
    assert after["status"] == "turned_into_assist" and after["assist_id"] == assist.pk
    again = call(bearer(member), "post", f"/topics/{topic.pk}/assist/")
    assert again.status_code == 422 and PeerAssist.objects.count() == 1


def test_a_member_who_did_not_raise_it_cannot_turn_it_into_an_assist(org, topic):
    other = make_persona(org, OrgRole.MEMBER, "other@meridian.test")
    assert call(bearer(other), "post", f"/topics/{topic.pk}/assist/").status_code == 403
    assert (
        call(
            bearer(other), "post", f"/topics/{topic.pk}/status/", {"status": "selected"}
        ).status_code
        == 403
    )


def test_bad_status_is_422(organiser, topic):
    response = call(bearer(organiser), "post", f"/topics/{topic.pk}/status/", {"status": "great"})
    assert response.status_code == 422


# --- Gives & Takes -----------------------------------------------------------------------------


def test_take_is_matched_to_the_community_growth_give_first(member, lead, org, community, meeting):
    lead_client = bearer(lead)
    for title, text in [
        ("Excel dashboards", "Supply chain reporting in Excel."),
        ("Community growth", "I grew our practitioners' forum from 40 to 900 members."),
        ("Contract negotiation", "Cleaning suppliers, three tenders."),
    ]:
        made = call(
            lead_client,
            "post",
            "/gives/",
            {"community_id": community.pk, "meeting_id": meeting.pk, "title": title, "text": text},
        )
        assert made.status_code == 201 and made.json()["person"]["id"] == lead.person.pk
    take = call(
        bearer(member),
        "post",
        "/takes/",
        {"community_id": community.pk, "title": "How to grow membership of our online community"},
    )
    assert take.status_code == 201 and take.json()["topic_id"] is None
    matches = call(bearer(member), "get", f"/takes/{take.json()['id']}/matches/").json()
    assert matches[0]["give"]["title"] == "Community growth"
    assert all(
        m["give"]["title"] not in {"Excel dashboards", "Contract negotiation"} for m in matches
    )
    assert 0 < matches[0]["score"] <= 1 and matches[0]["percent"] > 0
    assert "community" in matches[0]["shared"]
    assert "both say" in matches[0]["reason"] and "“community”" in matches[0]["reason"]


def test_own_gives_are_not_suggested_for_own_take(member, community):
    client = bearer(member)
    call(client, "post", "/gives/", {"community_id": community.pk, "title": "Community growth"})
    take = call(
        client, "post", "/takes/", {"community_id": community.pk, "title": "Community growth"}
    )
    assert call(client, "get", f"/takes/{take.json()['id']}/matches/").json() == []


def test_gives_and_takes_filter_by_meeting(member, community, meeting):
    client = bearer(member)
    call(
        client,
        "post",
        "/gives/",
        {"community_id": community.pk, "meeting_id": meeting.pk, "title": "A"},
    )
    call(client, "post", "/gives/", {"community_id": community.pk, "title": "B"})
    assert [g["title"] for g in call(client, "get", f"/gives/?meeting_id={meeting.pk}").json()] == [
        "A"
    ]
    assert len(call(client, "get", f"/gives/?community_id={community.pk}").json()) == 2


@pytest.mark.parametrize(
    "body",
    [{"title": "x"}, {"community_id": "{c}", "title": ""}, {"community_id": "{c}"}],
)
def test_bad_give_or_take_is_422(member, community, body):
    body = _fill(body, {"c": community.pk})
    for path in ("/gives/", "/takes/"):
        assert call(bearer(member), "post", path, body).status_code == 422
    assert not Give.objects.exists() and not Take.objects.exists()


def test_meeting_of_another_community_is_422(member, org, community):
    elsewhere = MeetingFactory(community=CommunityFactory(organisation=org))
    response = call(
        bearer(member),
        "post",
        "/gives/",
        {"community_id": community.pk, "meeting_id": elsewhere.pk, "title": "x"},
    )
    assert response.status_code == 422


def test_only_the_owner_and_managers_withdraw(member, lead, community):
    client = bearer(member)
    mine = call(client, "post", "/takes/", {"community_id": community.pk, "title": "Mine"}).json()
    theirs = Give.objects.create(community=community, person=lead.person, title="Theirs")
    assert call(client, "delete", f"/gives/{theirs.pk}/").status_code == 403
    assert call(client, "delete", f"/takes/{mine['id']}/").status_code == 204
    assert call(client, "delete", f"/takes/{mine['id']}/").status_code == 404
    assert Give.objects.filter(pk=theirs.pk).exists() and not Take.objects.exists()


def test_take_goes_on_the_board_once(member, community):
    client = bearer(member)
    take = call(client, "post", "/takes/", {"community_id": community.pk, "title": "Grow"}).json()
    first = call(client, "post", f"/takes/{take['id']}/topic/")
    second = call(client, "post", f"/takes/{take['id']}/topic/")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and first.json()["source"] == "take"
    assert Topic.objects.count() == 1


def test_topics_list_queries_do_not_grow_with_topics(
    member, org, community, django_assert_max_num_queries
):
    client = bearer(member)
    for n in range(3):
        TopicFactory(organisation=org, community=community, title=f"T{n}")
    call(client, "get", "/topics/")
    with django_assert_max_num_queries(12) as few:
        call(client, "get", "/topics/")
    for n in range(10):
        TopicFactory(organisation=org, community=community, title=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(call(client, "get", "/topics/").json()) == 13
