"""The topics board: topics from round robins, Takes, strategic and operational needs and direct
requests on one board, screened with reasons, voted on once, turned into an assist in one step."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.models import Role as OrgRole
from peerassist.assists.models import Participation, PeerAssist, Role
from peerassist.communities import services
from peerassist.communities.models import Topic, TopicVote
from tests.conftest import make_persona
from tests.factories import CommunityFactory, MeetingFactory, PersonFactory, TopicFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("communities:topics")


@pytest.fixture
def community(org, member, organiser):
    lead = PersonFactory(organisation=org, name="Lena Lead")
    return CommunityFactory(
        organisation=org, name="Asset managers", members=[member.person, lead], leads=[lead]
    )


@pytest.fixture
def meeting(community):
    return MeetingFactory(community=community, title="March meeting")


@pytest.fixture
def board(member, organiser, community, meeting):
    """One topic of each source, each raised the way members raise them."""
    services.round_robin_add(
        viewer=member.viewer, meeting=meeting, text="Moving the depot to electric vans in May."
    )
    take = services.take_create(
        viewer=member.viewer, community=community, meeting=meeting, title="Growing our forum"
    )
    services.take_to_topic(viewer=member.viewer, take=take)
    services.topic_create(
        viewer=organiser.viewer,
        title="New asset register",
        source="strategic_need",
        decision_on=timezone.localdate() + timedelta(days=30),
        planning_started=True,
    )
    services.topic_create(
        viewer=organiser.viewer, title="Winter gritting rota", source="operational_need"
    )
    services.topic_create(viewer=member.viewer, title="Maybe a new intranet someday")
    return {t.title: t for t in Topic.objects.all()}


def test_topics_of_every_source_are_on_one_board(member, board):
    page = member.client().get(BOARD)
    assert page.status_code == 200
    for title in board:
        assert title in page.text
    for label in (
        "Round robin",
        "Take (Gives &amp; Takes)",
        "Strategic need",
        "Operational need",
        "Direct request",
    ):
        assert label in page.text
    assert {t.source for t in board.values()} == {
        "round_robin",
        "take",
        "strategic_need",
        "operational_need",
        "request",
    }


def test_the_board_shows_each_criterion_met_or_not_with_its_reason(member, board):
    page = member.client().get(BOARD)
    rows = dict((topic.title, criteria) for topic, criteria in page.context["rows"])
    register = {c.code: c for c in rows["New asset register"]}
    assert register["about_to_happen"].met and register["planning_begun"].met
    assert not register["several_members"].met
    assert "30 days away" in register["about_to_happen"].reason
    hedged = {c.code: c for c in rows["Maybe a new intranet someday"]}
    assert not hedged["about_to_happen"].met
    # Shown in words, not only by colour, with the reason.
    assert "Met:" in page.text and "Not met:" in page.text
    assert "The decision or start is 30 days away." in page.text
    assert "phrased as a possibility" in page.text


def test_the_board_filters_by_source(member, board):
    page = member.client().get(BOARD, {"source": "take"})
    assert [t.title for t, _ in page.context["rows"]] == ["Growing our forum"]
    assert "Show all" in page.text


def test_a_bad_filter_is_ignored_not_an_error(member, board):
    page = member.client().get(BOARD, {"source": "gossip", "community": "nope"})
    assert page.status_code == 200
    assert len(page.context["rows"]) == len(board)


def test_the_topic_page_explains_the_screen(member, board):
    topic = board["New asset register"]
    page = member.client().get(reverse("communities:topic", args=[topic.pk]))
    assert page.status_code == 200
    assert "Selection criteria" in page.text
    assert "The requester says planning has begun." in page.text
    assert "votes show it matters to several members" in page.text


def test_a_member_votes_once_and_can_take_it_back(member, board):
    topic = board["New asset register"]
    client = member.client()
    url = reverse("communities:topic_vote", args=[topic.pk])
    client.post(url, {"next": BOARD})
    assert TopicVote.objects.filter(topic=topic).count() == 1
    page = client.get(BOARD)
    voted = {t.title: (t.voted, t.vote_count) for t, _ in page.context["rows"]}
    assert voted["New asset register"] == (True, 1)
    assert 'aria-pressed="true"' in page.text
    client.post(url, {"next": BOARD})  # the same button again takes the vote back
    assert not TopicVote.objects.filter(topic=topic).exists()


def test_the_most_voted_topic_comes_first(member, organiser, board):
    topic = board["Winter gritting rota"]
    services.topic_vote_set(viewer=member.viewer, topic=topic, voted=True)
    services.topic_vote_set(viewer=organiser.viewer, topic=topic, voted=True)
    services.topic_vote_set(viewer=organiser.viewer, topic=topic, voted=True)  # still one
    page = member.client().get(BOARD)
    first, _ = page.context["rows"][0]
    assert first.title == "Winter gritting rota" and first.vote_count == 2


def test_voting_with_htmx_returns_the_button_only(member, board):
    topic = board["New asset register"]
    response = member.client().post(
        reverse("communities:topic_vote", args=[topic.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<form") and "1 vote" in response.text
    assert "<html" not in response.text


def test_after_voting_the_page_does_not_send_you_to_another_site(member, board):
    topic = board["New asset register"]
    response = member.client().post(
        reverse("communities:topic_vote", args=[topic.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == BOARD


def test_a_member_without_a_directory_entry_is_told_why_they_cannot_vote(org, board):
    nobody = make_persona(org, OrgRole.MEMBER, "nobody@meridian.test", with_person=False)
    topic = board["New asset register"]
    client = nobody.client()
    response = client.post(reverse("communities:topic_vote", args=[topic.pk]), follow=True)
    assert "no entry in the directory" in response.text
    assert not TopicVote.objects.exists()


def test_turning_a_topic_into_an_assist_is_one_step_with_the_brief_prefilled(member, community):
    topic = services.topic_create(
        viewer=member.viewer,
        title="Electric vans at the depot",
        description="We start charging vans in May.",
        community=community,
        decision_on=timezone.localdate() + timedelta(days=40),
        planning_notes="Chargers ordered and the depot survey is done.",
    )
    client = member.client()
    detail = client.get(reverse("communities:topic", args=[topic.pk]))
    assert "Turn into a Peer Assist" in detail.text
    response = client.post(reverse("communities:topic_to_assist", args=[topic.pk]))
    assist = PeerAssist.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assists:brief", args=[assist.pk])
    assert assist.status == "draft" and assist.title == topic.title
    assert assist.challenge == "We start charging vans in May."
    assert assist.planned_approach == "Chargers ordered and the depot survey is done."
    assert assist.decision_date == topic.decision_on
    assert Participation.objects.get(assist=assist, role=Role.HOME_PEER).person == member.person
    brief = client.get(response.url)
    assert brief.status_code == 200 and "We start charging vans in May." in brief.text
    # The topic links to its assist, on its page and on the board.
    detail = client.get(reverse("communities:topic", args=[topic.pk]))
    assert reverse("assists:overview", args=[assist.pk]) in detail.text
    assert "Turn into a Peer Assist" not in detail.text
    board = client.get(BOARD)
    assert reverse("assists:overview", args=[assist.pk]) in board.text
    # Once only: a second post (another tab) says so and makes nothing.
    again = client.post(reverse("communities:topic_to_assist", args=[topic.pk]), follow=True)
    assert "already a Peer Assist" in again.text and PeerAssist.objects.count() == 1


def test_only_the_raiser_leads_and_organisers_turn_it_into_an_assist(org, member, board):
    topic = board["Growing our forum"]  # raised by the member
    other = make_persona(org, OrgRole.MEMBER, "other@meridian.test")
    client = other.client()
    page = client.get(reverse("communities:topic", args=[topic.pk]))
    assert "Turn into a Peer Assist" not in page.text
    response = client.post(reverse("communities:topic_to_assist", args=[topic.pk]))
    assert response.status_code == 403 and not PeerAssist.objects.exists()


def test_raising_a_topic(member):
    client = member.client()
    form = client.get(reverse("communities:topic_create"))
    assert form.status_code == 200
    assert 'value="strategic_need"' not in form.text  # a plain member makes requests only
    response = client.post(
        reverse("communities:topic_create"),
        {
            "title": "Supplier onboarding",
            "description": "Three new suppliers in June.",
            "source": "request",
        },
    )
    topic = Topic.objects.get()
    assert response.url == reverse("communities:topic", args=[topic.pk])
    assert topic.raised_by == member.person and topic.source == "request"


def test_the_topic_form_asks_what_it_is_before_when_and_how_far_planning_is(member):
    """The topic form takes the planning fields from PlanningFields (as the round robin's
    and the Take's do) but keeps them after the topic's own fields."""
    import re

    page = member.client().get(reverse("communities:topic_create")).text
    names = list(dict.fromkeys(re.findall(r'name="(\w+)"', page.split("<main", 1)[1])))
    order = [
        "title",
        "description",
        "source",
        "community_id",
        "decision_on",
        "planning_started",
        "planning_notes",
    ]
    assert [n for n in names if n in order] == order
    assert "This becomes the brief" in page  # the planning notes' help, as elsewhere


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "source": "request"}, "This field is required."),
        ({"title": "x", "source": "gossip"}, "Select a valid choice."),
        ({"title": "x", "source": "request", "decision_on": "soon"}, "Enter a valid date."),
        ({"title": "x", "source": "strategic_need"}, "Select a valid choice."),  # not a lead
    ],
)
def test_bad_topic_input_is_shown_next_to_the_field(member, data, message):
    response = member.client().post(reverse("communities:topic_create"), data)
    assert response.status_code == 400
    assert message in response.text and 'aria-invalid="true"' in response.text
    assert not Topic.objects.exists()


def test_an_organiser_enters_a_strategic_need(organiser):
    response = organiser.client().post(
        reverse("communities:topic_create"),
        {"title": "Net zero fleet", "source": "strategic_need"},
    )
    assert response.status_code == 302
    assert Topic.objects.get().source == "strategic_need"


def test_another_organisation_gets_404_and_sees_nothing(other_org_member, board):
    topic = board["New asset register"]
    client = other_org_member.client()
    for name in ("communities:topic",):
        assert client.get(reverse(name, args=[topic.pk])).status_code == 404
    for name in (
        "communities:topic_vote",
        "communities:topic_to_assist",
        "communities:topic_status",
    ):
        assert client.post(reverse(name, args=[topic.pk]), {"status": "dropped"}).status_code == 404
    page = client.get(BOARD)
    assert page.status_code == 200 and page.context["rows"] == []
    assert not TopicVote.objects.exists() and not PeerAssist.objects.exists()
    assert Topic.objects.get(pk=topic.pk).status == "candidate"


def test_a_guest_may_not_see_the_board(guest, board):
    assert guest.client().get(BOARD).status_code == 404
    topic = board["New asset register"]
    assert guest.client().get(reverse("communities:topic", args=[topic.pk])).status_code == 404


def test_the_board_uses_a_few_queries_whatever_its_size(
    member, org, community, board, django_assert_max_num_queries
):
    client = member.client()
    client.get(BOARD)
    with django_assert_max_num_queries(25) as few:
        client.get(BOARD)
    for n in range(15):
        TopicFactory(organisation=org, community=community, title=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(BOARD).status_code == 200
