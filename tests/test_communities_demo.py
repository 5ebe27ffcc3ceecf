"""The communities demo data: a community with meetings, a round robin, Gives & Takes (the
online-community Take matched to the community-growth Give) and topics of every source."""

import pytest

from peerassist.communities import demo, selectors
from peerassist.communities.models import Give, Meeting, RoundRobinEntry, Take, Topic
from tests.factories import CommunityFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_demo_community_has_meetings_gives_takes_and_topics_and_loads_once(org, member):
    people = [PersonFactory(organisation=org) for _ in range(4)]
    community = CommunityFactory(
        organisation=org, name=demo.COMMUNITY, members=people, leads=people[:1]
    )
    member.person.email = demo.MEMBER_EMAIL
    member.person.save()
    demo.load(org)
    demo.load(org)
    assert Meeting.objects.filter(community=community).count() == 2
    assert RoundRobinEntry.objects.count() == 5
    assert {t.source for t in Topic.objects.all()} == {
        "round_robin",
        "take",
        "strategic_need",
        "operational_need",
        "request",
    }
    take = Take.objects.get(title="How to grow membership of our online community")
    assert take.person == member.person and take.topic is not None
    best = selectors.take_matches(viewer=member.viewer, takes=[take])[take.pk][0]
    assert best.give.title.startswith("Community growth")
    assert Give.objects.count() == len(demo.GIVES)
