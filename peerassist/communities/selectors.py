"""Reads about communities, meetings, topics and Gives & Takes, scoped by the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from peerassist.assists.models import PeerAssist, Role
from peerassist.assists.selectors import viewer_person_id
from peerassist.communities import matching, rules
from peerassist.communities.models import (
    Community,
    Give,
    Meeting,
    RoundRobinEntry,
    Take,
    Topic,
    TopicVote,
)
from peerassist.core.scoping import Viewer, organisation_q
from peerassist.people.models import Person


def next_meeting_after(assist: PeerAssist) -> Meeting | None:
    """The next meeting of the community the assist belongs to: the community whose meeting
    held it as its mini Peer Assist, or else a community its home team belongs to. "Next"
    means starting after the assist's end (or its start, or now if it has no time)."""
    after: datetime = assist.ends_at or assist.starts_at or timezone.now()
    held_at = Meeting.objects.filter(mini_assist=assist).values_list("community_id", flat=True)
    community_ids = list(held_at)
    if not community_ids:
        home_ids = (
            assist.participations.taking_part()
            .filter(role=Role.HOME_PEER)
            .values_list("person_id", flat=True)
        )
        community_ids = list(
            Community.objects.filter(organisation_id=assist.organisation_id)
            .filter(Q(members__in=home_ids) | Q(leads__in=home_ids))
            .values_list("pk", flat=True)
            .distinct()
        )
    if not community_ids:
        return None
    return (
        Meeting.objects.filter(
            community_id__in=community_ids, community__organisation_id=assist.organisation_id
        )
        .filter(starts_at__gt=after)
        .select_related("community")
        .order_by("starts_at", "pk")
        .first()
    )


# --- Communities and meetings -------------------------------------------------------------


def community_list(*, viewer: Viewer) -> QuerySet[Community]:
    """The viewer's organisation's communities with member and meeting counts."""
    communities: QuerySet[Community] = Community.objects.for_viewer(viewer)
    return communities.annotate(
        member_count=Count("members", distinct=True),
        meeting_count=Count("meetings", distinct=True),
    ).order_by("name")


def community_get(*, viewer: Viewer, community_id: int) -> Community:
    """One community of the viewer's organisation; raises Community.DoesNotExist otherwise."""
    communities: QuerySet[Community] = Community.objects.for_viewer(viewer)
    return communities.get(pk=community_id)


def can_manage_community(*, viewer: Viewer, community: Community) -> bool:
    """Organisers and admins manage every community; a lead manages their own."""
    if community.organisation_id != viewer.organisation.pk or not viewer.is_member:
        return False
    if viewer.can_manage_people:
        return True
    return community.leads.filter(user=viewer.user, organisation=viewer.organisation).exists()


def is_lead_anywhere(*, viewer: Viewer) -> bool:
    return Community.objects.for_viewer(viewer).filter(leads__user=viewer.user).exists()


def community_people(*, community: Community) -> QuerySet[Person]:
    """Members and leads together, for choosing who stated a challenge or a Give."""
    return (
        Person.objects.filter(organisation_id=community.organisation_id)
        .filter(Q(communities=community) | Q(communities_led=community))
        .distinct()
        .order_by("name")
    )


def meeting_list(*, community: Community) -> QuerySet[Meeting]:
    return Meeting.objects.filter(community=community).select_related("mini_assist")


def meeting_get(*, viewer: Viewer, meeting_id: int) -> Meeting:
    """A meeting of one of the viewer's organisation's communities, or Meeting.DoesNotExist."""
    return Meeting.objects.select_related("community", "mini_assist").get(
        organisation_q(viewer, prefix="community__"), pk=meeting_id
    )


def round_robin_list(*, meeting: Meeting) -> QuerySet[RoundRobinEntry]:
    return RoundRobinEntry.objects.filter(meeting=meeting).select_related("person", "topic")


def meeting_followups(*, meeting: Meeting) -> list[PeerAssist]:
    """Mini Peer Assists held at earlier meetings of the community whose unanswered follow-up
    is on this meeting's agenda: each is on one meeting only, the one it was scheduled for
    (see rules.followup_meeting), and moves on only once that meeting is over."""
    earlier = list(
        Meeting.objects.filter(
            community_id=meeting.community_id,
            starts_at__lt=meeting.starts_at,
            mini_assist__isnull=False,
        ).values_list("mini_assist_id", "starts_at")
    )
    if not earlier:
        return []
    assists = {
        a.pk: a
        for a in PeerAssist.objects.filter(pk__in=[pk for pk, _ in earlier]).select_related(
            "conclusion", "followup"
        )
    }
    meetings = list(
        Meeting.objects.filter(community_id=meeting.community_id).values_list(
            "pk", "starts_at", "ends_at"
        )
    )
    now = timezone.now()
    due: list[PeerAssist] = []
    for assist_id, held_at in earlier:
        assist = assists[assist_id]
        followup = getattr(assist, "followup", None)
        conclusion = getattr(assist, "conclusion", None)
        if followup is not None and followup.answered_at is not None:
            continue
        if followup is not None:
            due_on = followup.due_on
        elif conclusion is not None and conclusion.followup_at_next_meeting:
            due_on = None
        else:
            continue
        target = rules.followup_meeting(
            meetings,
            held_at=assist.ends_at or assist.starts_at or held_at,
            due_on=due_on,
            now=now,
        )
        if target == meeting.pk:
            due.append(assist)
    return due


# --- Topics -----------------------------------------------------------------------------------


def topic_list(
    *,
    viewer: Viewer,
    community_id: int | None = None,
    source: str = "",
    status: str = "",
) -> QuerySet[Topic]:
    """The organisation's topic board, with vote counts and whether the viewer voted."""
    scoped: QuerySet[Topic] = Topic.objects.for_viewer(viewer)
    topics = scoped.select_related("community", "raised_by", "meeting", "assist").annotate(
        vote_count=Count("votes", distinct=True),
        voted=Exists(TopicVote.objects.filter(topic=OuterRef("pk"), person__user=viewer.user)),
    )
    if community_id:
        topics = topics.filter(community_id=community_id)
    if source:
        topics = topics.filter(source=source)
    if status:
        topics = topics.filter(status=status)
    return topics.order_by("-vote_count", "-created_at", "-pk")


def topic_get(*, viewer: Viewer, topic_id: int) -> Topic:
    """One topic of the viewer's organisation; raises Topic.DoesNotExist otherwise."""
    return topic_list(viewer=viewer).get(pk=topic_id)


def can_turn_into_assist(*, viewer: Viewer, topic: Topic) -> bool:
    """Organisers, the leads of the topic's community and the person who raised it."""
    if topic.organisation_id != viewer.organisation.pk or not viewer.is_member:
        return False
    if viewer.can_manage_people:
        return True
    if topic.raised_by_id is not None and topic.raised_by_id == viewer_person_id(viewer):
        return True
    return topic.community is not None and can_manage_community(
        viewer=viewer, community=topic.community
    )


def experienced_counts(*, topics: list[Topic]) -> dict[int, int]:
    """For each topic, how many people other than its raiser have expertise tags or Gives that
    share words with it (within the topic's community when it has one). A few queries for
    the whole board: people's words are gathered once."""
    if not topics:
        return {}
    org_ids = {t.organisation_id for t in topics}
    words: dict[int, set[str]] = {}
    for person_id, tag in Person.expertise.through.objects.filter(
        person__organisation_id__in=org_ids
    ).values_list("person_id", "expertisetag__name"):
        words.setdefault(person_id, set()).update(matching.terms(tag).stems)
    for person_id, title, text in Give.objects.filter(
        community__organisation_id__in=org_ids
    ).values_list("person_id", "title", "text"):
        words.setdefault(person_id, set()).update(matching.terms(f"{title} {text}").stems)
    in_community: dict[int, set[int]] = {}
    community_ids = {t.community_id for t in topics if t.community_id is not None}
    for through in (Community.members.through, Community.leads.through):
        for community_id, person_id in through.objects.filter(
            community_id__in=community_ids
        ).values_list("community_id", "person_id"):
            in_community.setdefault(community_id, set()).add(person_id)
    counts: dict[int, int] = {}
    for topic in topics:
        topic_words = set(matching.terms(f"{topic.title} {topic.description}").stems)
        people = (
            in_community.get(topic.community_id, set())
            if topic.community_id is not None
            else set(words)
        )
        counts[topic.pk] = sum(
            1
            for person_id in people
            if person_id != topic.raised_by_id and topic_words & words.get(person_id, set())
        )
    return counts


def topic_facts(*, topic: Topic, today: date | None = None) -> rules.TopicFacts:
    votes = getattr(topic, "vote_count", None)
    return rules.TopicFacts(
        title=topic.title,
        description=topic.description,
        decision_on=topic.decision_on,
        today=today or timezone.localdate(),
        planning_started=topic.planning_started,
        planning_notes=topic.planning_notes,
        experienced=experienced_counts(topics=[topic])[topic.pk],
        votes=votes if votes is not None else topic.votes.count(),
    )


def topic_screen(*, topic: Topic, today: date | None = None) -> list[rules.Criterion]:
    """The four selection criteria for the topic, each met or not with its reason."""
    return rules.screen(topic_facts(topic=topic, today=today))


# --- Gives & Takes ----------------------------------------------------------------------------


def give_list(
    *, viewer: Viewer, community_id: int | None = None, meeting_id: int | None = None
) -> QuerySet[Give]:
    gives = Give.objects.filter(organisation_q(viewer, prefix="community__"))
    if community_id:
        gives = gives.filter(community_id=community_id)
    if meeting_id:
        gives = gives.filter(meeting_id=meeting_id)
    return gives.select_related("person", "community", "meeting")


def take_list(
    *, viewer: Viewer, community_id: int | None = None, meeting_id: int | None = None
) -> QuerySet[Take]:
    takes = Take.objects.filter(organisation_q(viewer, prefix="community__"))
    if community_id:
        takes = takes.filter(community_id=community_id)
    if meeting_id:
        takes = takes.filter(meeting_id=meeting_id)
    return takes.select_related("person", "community", "meeting", "topic")


def take_get(*, viewer: Viewer, take_id: int) -> Take:
    return take_list(viewer=viewer).get(pk=take_id)


def give_get(*, viewer: Viewer, give_id: int) -> Give:
    return give_list(viewer=viewer).get(pk=give_id)


@dataclass(frozen=True)
class SuggestedPair:
    give: Give
    match: matching.Match


def offer_text(offer: Give | Take) -> str:
    return f"{offer.title}\n{offer.text}"


def take_matches(
    *, viewer: Viewer, takes: list[Take], limit: int = 3
) -> dict[int, list[SuggestedPair]]:
    """For each Take, the Gives of its community (by anyone else) that best answer it."""
    community_ids = {t.community_id for t in takes}
    gives = {g.pk: g for g in give_list(viewer=viewer).filter(community_id__in=community_ids)}
    result: dict[int, list[SuggestedPair]] = {}
    for take in takes:
        candidates = [
            (g.pk, offer_text(g))
            for g in gives.values()
            if g.community_id == take.community_id and g.person_id != take.person_id
        ]
        found = matching.match_take(offer_text(take), candidates, limit=limit)
        result[take.pk] = [SuggestedPair(gives[m.give_id], m) for m in found]
    return result


def people_outside(*, community: Community) -> QuerySet[Person]:
    """People of the organisation who are not yet members, to add one."""
    return (
        Person.objects.filter(organisation_id=community.organisation_id)
        .exclude(communities=community)
        .order_by("name")
    )


def split_meetings(meetings: list[Meeting]) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming meetings (soonest first) and past ones (latest first)."""
    now = timezone.now()
    upcoming = [m for m in meetings if (m.ends_at or m.starts_at) >= now]
    past = [m for m in meetings if (m.ends_at or m.starts_at) < now]
    return sorted(upcoming, key=lambda m: m.starts_at), sorted(
        past, key=lambda m: m.starts_at, reverse=True
    )


def topic_screens(
    *, topics: list[Topic], today: date | None = None
) -> dict[int, list[rules.Criterion]]:
    """The screen of every topic on a board, with the experience counts gathered in a few
    queries rather than a few per topic."""
    counts = experienced_counts(topics=topics)
    day = today or timezone.localdate()
    return {
        t.pk: rules.screen(
            rules.TopicFacts(
                title=t.title,
                description=t.description,
                decision_on=t.decision_on,
                today=day,
                planning_started=t.planning_started,
                planning_notes=t.planning_notes,
                experienced=counts.get(t.pk, 0),
                votes=getattr(t, "vote_count", 0),
            )
        )
        for t in topics
    }
