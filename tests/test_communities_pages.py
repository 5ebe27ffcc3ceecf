"""Community and meeting pages: who sees and changes what, round robin, Gives & Takes, mini
assists and the follow-ups of earlier mini assists on the next meeting's agenda."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from peerassist.assists.models import Format, Participation, Role
from peerassist.communities import selectors, services
from peerassist.communities.models import Community, Give, Meeting, Take, Topic
from peerassist.writeups.models import Conclusion, FollowUp
from tests.factories import CommunityFactory, MeetingFactory, PersonFactory

NOW = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.UTC)


@pytest.fixture
def community(org, member, organiser):
    lead = PersonFactory(organisation=org, name="Lena Lead")
    return CommunityFactory(
        organisation=org, name="Asset managers", members=[member.person, lead], leads=[lead]
    )


@pytest.fixture
def meeting(community):
    return MeetingFactory(community=community, title="March meeting")


def test_members_see_their_organisations_communities_only(member, community, other_org):
    CommunityFactory(organisation=other_org, name="Their community")
    page = member.client().get(reverse("communities:list"))
    assert page.status_code == 200
    assert "Asset managers" in page.text
    assert "Their community" not in page.text


def test_detail_shows_members_leads_and_meetings(member, community, meeting):
    page = member.client().get(reverse("communities:detail", args=[community.pk]))
    assert page.status_code == 200
    for text in ("Lena Lead", "Member", "March meeting"):
        assert text in page.text
    assert "Schedule a meeting" not in page.text  # a plain member does not manage it


@pytest.mark.parametrize(
    "name",
    [
        "communities:detail",
        "communities:meeting",
        "communities:topic",
        "communities:meeting_edit",
        "communities:meeting_create",
    ],
)
def test_a_member_of_another_organisation_gets_404(other_org_member, community, meeting, name):
    topic = Topic.objects.create(organisation=community.organisation, title="x", source="request")
    arg = {
        "communities:detail": community.pk,
        "communities:meeting_create": community.pk,
        "communities:meeting": meeting.pk,
        "communities:meeting_edit": meeting.pk,
        "communities:topic": topic.pk,
    }[name]
    assert other_org_member.client().get(reverse(name, args=[arg])).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("communities:round_robin_add", {"rr-text": "x"}),
        ("communities:give_add", {"give-title": "x"}),
        ("communities:take_add", {"take-title": "x"}),
        ("communities:mini_assist", {"mini-title": "x"}),
        ("communities:meeting_delete", {}),
    ],
)
def test_another_organisation_cannot_post_to_a_meeting(other_org_member, meeting, name, data):
    response = other_org_member.client().post(reverse(name, args=[meeting.pk]), data)
    assert response.status_code == 404
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_guest_may_not_see_communities(guest, community):
    assert guest.client().get(reverse("communities:list")).status_code == 404


# --- Managing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"), [("organiser", True), ("admin", True), ("member", False)]
)
def test_who_creates_a_community(request, who, allowed, org):
    persona = request.getfixturevalue(who)
    response = persona.client().post(reverse("communities:create"), {"name": "Safety"})
    assert response.status_code == (302 if allowed else 403)
    assert Community.objects.filter(name="Safety").exists() is allowed


def test_duplicate_community_name_is_a_clear_error(organiser, community):
    response = organiser.client().post(reverse("communities:create"), {"name": "asset managers"})
    assert response.status_code == 400
    assert "already a community with this name" in response.text


def test_a_lead_manages_members_and_meetings(org, member, community):
    community.leads.add(member.person)
    client = member.client()
    newcomer = PersonFactory(organisation=org, name="Nia New")
    response = client.post(
        reverse("communities:member_add", args=[community.pk]), {"person_id": newcomer.pk}
    )
    assert response.status_code == 302
    assert community.members.filter(pk=newcomer.pk).exists()
    response = client.post(
        reverse("communities:meeting_create", args=[community.pk]),
        {"title": "April", "starts_at": "2030-04-01T10:00", "agenda": "Round robin"},
    )
    assert response.status_code == 302
    assert community.meetings.get(title="April").agenda == "Round robin"


def test_a_plain_member_cannot_manage(member, community, meeting, org):
    client = member.client()
    other = PersonFactory(organisation=org)
    url = reverse("communities:member_add", args=[community.pk])
    assert client.post(url, {"person_id": other.pk}).status_code == 403
    assert client.get(reverse("communities:meeting_create", args=[community.pk])).status_code == 403
    assert client.post(reverse("communities:meeting_delete", args=[meeting.pk])).status_code == 403
    assert (
        client.post(
            reverse("communities:mini_assist", args=[meeting.pk]), {"mini-title": "x"}
        ).status_code
        == 403
    )


def test_meeting_form_errors_are_shown_next_to_the_fields(organiser, community):
    response = organiser.client().post(
        reverse("communities:meeting_create", args=[community.pk]),
        {"title": "", "starts_at": "2030-04-01T10:00", "ends_at": "2030-04-01T09:00"},
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "The meeting must end after it starts." in response.text


def test_a_person_of_another_organisation_cannot_be_added(organiser, community, directory):
    response = organiser.client().post(
        reverse("communities:member_add", args=[community.pk]),
        {"person_id": directory["people"]["stranger"].pk},
    )
    assert response.status_code == 400
    assert not community.members.filter(pk=directory["people"]["stranger"].pk).exists()


# --- Meeting activities --------------------------------------------------------------------


def test_round_robin_challenge_becomes_a_candidate_topic(member, meeting):
    response = member.client().post(
        reverse("communities:round_robin_add", args=[meeting.pk]),
        {"rr-text": "We switch the depot to electric vans in May. Charging is unclear."},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(source="round_robin")
    assert topic.title == "We switch the depot to electric vans in May."
    assert topic.raised_by == member.person
    assert topic.meeting == meeting and topic.community == meeting.community
    assert topic.status == "candidate"
    page = member.client().get(reverse("communities:meeting", args=[meeting.pk]))
    assert "electric vans" in page.text


def test_a_lead_records_a_challenge_for_an_attendee_but_a_member_cannot(
    member, organiser, meeting, community
):
    lena = community.leads.get()
    url = reverse("communities:round_robin_add", args=[meeting.pk])
    organiser.client().post(url, {"rr-person_id": lena.pk, "rr-text": "Budget cuts"})
    assert Topic.objects.get(title="Budget cuts").raised_by == lena
    # A member's form has no person field: what they post is recorded as their own.
    member.client().post(url, {"rr-person_id": lena.pk, "rr-text": "My own"})
    assert Topic.objects.get(title="My own").raised_by == member.person


def test_empty_round_robin_challenge_is_refused_with_a_message(member, meeting):
    response = member.client().post(
        reverse("communities:round_robin_add", args=[meeting.pk]), {"rr-text": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.text


def test_gives_and_takes_are_listed_and_paired_with_the_reason(member, org, meeting, community):
    lena = community.leads.get()
    services.give_create(
        viewer=_lead_viewer(org, lena),
        community=community,
        meeting=meeting,
        title="Community growth",
        text="I grew our forum from 40 to 900 members.",
    )
    Give.objects.create(community=community, meeting=meeting, person=lena, title="Excel dashboards")
    client = member.client()
    client.post(
        reverse("communities:take_add", args=[meeting.pk]),
        {"take-title": "How to grow membership of our online community"},
    )
    take = Take.objects.get()
    assert take.person == member.person
    page = client.get(reverse("communities:meeting", args=[meeting.pk]))
    pairs = page.context["takes"][0][1]
    assert [p.give.title for p in pairs] == ["Community growth"]
    assert "% match" in page.text and "community" in page.text
    response = client.post(reverse("communities:take_to_topic", args=[take.pk]))
    topic = Topic.objects.get(source="take")
    # Without a date or planning the screen would fail it: the edit page asks for them.
    assert response.url == reverse("communities:topic_edit", args=[topic.pk])
    take.refresh_from_db()
    assert take.topic == topic


def _lead_viewer(org, person):
    from peerassist.accounts.models import Membership
    from peerassist.core.scoping import Viewer
    from tests.factories import MembershipFactory

    membership = MembershipFactory(organisation=org, role="member")
    person.user = membership.user
    person.save()
    assert isinstance(membership, Membership)
    return Viewer(user=membership.user, organisation=org, role="member")


def test_mini_assist_is_created_from_a_topic_and_attached_to_the_meeting(
    organiser, member, meeting
):
    topic = Topic.objects.create(
        organisation=meeting.community.organisation,
        title="Electric vans at the depot",
        description="Charging is unclear.",
        source="round_robin",
        community=meeting.community,
        raised_by=member.person,
    )
    response = organiser.client().post(
        reverse("communities:mini_assist", args=[meeting.pk]), {"mini-topic_id": topic.pk}
    )
    meeting.refresh_from_db()
    assist = meeting.mini_assist
    assert response.url == reverse("assists:overview", args=[assist.pk])
    assert assist.format == Format.objects.get(organisation=None, kind="mini")
    assert (
        assist.title == "Electric vans at the depot" and assist.challenge == "Charging is unclear."
    )
    assert assist.starts_at == meeting.starts_at
    assert Participation.objects.get(assist=assist, role=Role.HOME_PEER).person == member.person
    topic.refresh_from_db()
    assert topic.status == "turned_into_assist" and topic.assist == assist
    page = member.client().get(reverse("communities:meeting", args=[meeting.pk]))
    assert reverse("assists:overview", args=[assist.pk]) in page.text
    # One per meeting.
    again = organiser.client().post(
        reverse("communities:mini_assist", args=[meeting.pk]), {"mini-title": "Another"}
    )
    assert again.status_code == 400 and "already holds" in again.text


# --- Follow-ups on the next meeting ----------------------------------------------------------


def _mini(organiser, meeting, title):
    return services.mini_assist_create(viewer=organiser.viewer, meeting=meeting, title=title)


@time_machine.travel(NOW, tick=False)
def test_next_meeting_lists_due_followups_of_earlier_mini_assists(organiser, member, community):
    past = MeetingFactory(community=community, title="February", starts_at=NOW - timedelta(days=28))
    older = MeetingFactory(community=community, title="January", starts_at=NOW - timedelta(days=56))
    nxt = MeetingFactory(community=community, title="March", starts_at=NOW + timedelta(days=2))
    later = MeetingFactory(community=community, title="April", starts_at=NOW + timedelta(days=30))
    at_next = _mini(organiser, past, "Chose next meeting")
    Conclusion.objects.create(assist=at_next, followup_at_next_meeting=True)
    dated = _mini(organiser, older, "Dated follow-up")
    FollowUp.objects.create(assist=dated, due_on=(NOW + timedelta(days=1)).date())
    answered = MeetingFactory(community=community, starts_at=NOW - timedelta(days=60))
    done = _mini(organiser, answered, "Already answered")
    FollowUp.objects.create(assist=done, due_on=NOW.date(), answered_at=NOW)
    assert {a.title for a in selectors.meeting_followups(meeting=nxt)} == {
        "Chose next meeting",
        "Dated follow-up",
    }
    # Each is on one agenda only: the meeting it was scheduled for (issue 21).
    assert selectors.meeting_followups(meeting=later) == []
    page = member.client().get(reverse("communities:meeting", args=[nxt.pk]))
    assert "Follow-ups from earlier mini Peer Assists" in page.text
    assert "Chose next meeting" in page.text and "Already answered" not in page.text


def test_an_unanswered_followup_moves_to_the_next_meeting_only_once_its_meeting_is_over(
    organiser, member, community
):
    with time_machine.travel(NOW, tick=False):
        held = MeetingFactory(community=community, starts_at=NOW - timedelta(days=28))
        nxt = MeetingFactory(
            community=community,
            starts_at=NOW + timedelta(days=2),
            ends_at=NOW + timedelta(days=2, hours=2),
        )
        later = MeetingFactory(community=community, starts_at=NOW + timedelta(days=30))
        last = MeetingFactory(community=community, starts_at=NOW + timedelta(days=60))
        assist = _mini(organiser, held, "Chose next meeting")
        Conclusion.objects.create(assist=assist, followup_at_next_meeting=True)
        FollowUp.objects.create(assist=assist, due_on=nxt.starts_at.date())

        def on(meeting):
            return [a.title for a in selectors.meeting_followups(meeting=meeting)]

        assert (on(nxt), on(later), on(last)) == (["Chose next meeting"], [], [])
    # During the meeting it is still there; once it is over and unanswered, it moves on.
    with time_machine.travel(NOW + timedelta(days=2, hours=1), tick=False):
        assert (on(nxt), on(later)) == (["Chose next meeting"], [])
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        assert (on(nxt), on(later), on(last)) == ([], ["Chose next meeting"], [])
        FollowUp.objects.filter(assist=assist).update(answered_at=NOW + timedelta(days=3))
        assert on(later) == []


@time_machine.travel(NOW, tick=False)
def test_next_meeting_after_an_assist(organiser, member, community):
    held = MeetingFactory(community=community, starts_at=NOW - timedelta(days=7))
    nxt = MeetingFactory(community=community, starts_at=NOW + timedelta(days=21))
    MeetingFactory(community=community, starts_at=NOW + timedelta(days=50))
    assist = _mini(organiser, held, "Held at a meeting")
    assert selectors.next_meeting_after(assist) == nxt
    # An assist not held at a meeting: its home team's community.
    other = services.topic_to_assist(
        viewer=organiser.viewer,
        topic=Topic.objects.create(
            organisation=community.organisation,
            title="t",
            source="request",
            raised_by=member.person,
        ),
    )
    other.starts_at = NOW + timedelta(days=22)
    other.save()
    assert selectors.next_meeting_after(other).starts_at == NOW + timedelta(days=50)
    lonely = services.topic_to_assist(
        viewer=organiser.viewer,
        topic=Topic.objects.create(
            organisation=community.organisation, title="u", source="request"
        ),
    )
    assert selectors.next_meeting_after(lonely) is None
