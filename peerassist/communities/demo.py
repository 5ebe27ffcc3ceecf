"""Demo data for communities: meetings with a round robin and Gives & Takes, and a topics board
with topics from every source.

The Project Managers Community met three weeks ago and meets again in ten days; at the next
meeting the Take "How to grow membership of our online community" is matched to a Give about
community growth. The board holds round-robin topics, that Take, a strategic and an operational
need and a direct request, some with votes. Idempotent: a community that already has meetings
is left as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from peerassist.accounts.models import Organisation
from peerassist.assists.models import FormatKind, PeerAssist
from peerassist.communities.models import (
    Community,
    Give,
    Meeting,
    RoundRobinEntry,
    Take,
    Topic,
    TopicSource,
    TopicVote,
)
from peerassist.communities.services import _title_from
from peerassist.people.models import Person

#: When `peerassist demo` runs this loader (the demo's random stream is shared, so
#: the order is part of the demo): after writeups: meetings list assists and their follow-ups.
ORDER = 40

COMMUNITIES = [
    (
        "Project Managers Community",
        "Project and programme managers from every unit; monthly meetings host mini Peer Assists.",
        ("Capital Projects", "Treatment Works Upgrades", "Digital Metering Programme"),
    ),
    (
        "Asset Data Community",
        "Everyone who collects, cleans or uses asset data: field teams, engineers, analysts.",
        ("Network Maintenance", "Digital Metering Programme", "Operations"),
    ),
]

COMMUNITY = "Project Managers Community"
MEMBER_EMAIL = "member@meridian.example"

#: (key, days from today, agenda); a meeting is called after its month.
MEETINGS = [
    (
        "last",
        -21,
        "1. Round robin: what are you about to start?\n2. Gives & Takes\n3. Actions",
    ),
    (
        "next",
        10,
        "1. Round robin: what are you about to start?\n2. Gives & Takes\n"
        "3. Choose the topic of our next mini Peer Assist\n4. Follow-ups",
    ),
]

#: Challenges stated in each meeting's round robin (by the members, in turn).
ROUND_ROBIN = {
    "last": [
        "We replace the telemetry at twelve pumping stations this summer. "
        "Access windows are tight.",
        "Our capital plan review starts in April and nobody has run one with the new board.",
    ],
    "next": [
        "We move the depot fleet to electric vans from June. Charging at night is unplanned.",
        "The metering rollout reaches flats in May; landlords do not answer letters.",
        "Maybe one day a shared lessons library for all projects.",
    ],
}

#: (title, text) of the Gives at the next meeting, and of the Takes (the member's first).
GIVES = [
    (
        "Community growth: our forum went from 40 to 900 members",
        "I grew the practitioners' forum with monthly open calls, a welcome pack and "
        "member spotlights. Happy to share what worked to attract and keep members.",
    ),
    (
        "Excel dashboards for project reporting",
        "Templates for monthly cost and schedule reports.",
    ),
    (
        "Running supplier tenders",
        "Two framework tenders in 2025, including the evaluation model.",
    ),
    (
        "Planning crew access windows with operations",
        "How we agreed access windows for pumping stations with the control room.",
    ),
]
TAKES = [
    (
        "How to grow membership of our online community",
        "Our project managers' online forum has 60 members and little activity.",
    ),
    (
        "Scheduling crews across two depots",
        "We share crews between depots from May and the rota keeps breaking.",
    ),
]

#: (source, title, description, decision in days or None, planning notes, votes)
DIRECT_TOPICS = [
    (
        TopicSource.STRATEGIC_NEED,
        "Net zero fleet by 2030",
        "The board approved a net zero fleet plan; the first 40 vans are ordered.",
        45,
        "Vans ordered, depot surveys done, charging supplier shortlisted.",
        4,
    ),
    (
        TopicSource.OPERATIONAL_NEED,
        "Winter readiness for treatment works",
        "Last winter two works lost power for a day; this winter's plan is due in September.",
        70,
        "",
        2,
    ),
    (
        TopicSource.REQUEST,
        "Handing over finished projects to operations",
        "Operations say our handovers come too late and without the asset data.",
        None,
        "We drafted a handover checklist with two operations managers.",
        1,
    ),
]


def _communities(org: Organisation) -> None:
    """The organisation's communities of practice, members from their units (once)."""
    for name, description, unit_names in COMMUNITIES:
        community, created = Community.objects.get_or_create(
            organisation=org, name=name, defaults={"description": description}
        )
        if created:
            members = Person.objects.filter(organisation=org, unit__name__in=unit_names)
            community.members.set(members)
            community.leads.set(members.order_by("name")[:1])


def load(org: Organisation) -> None:
    """Add the communities, and meetings, a round robin, Gives & Takes and topics to the demo
    community, once."""
    _communities(org)
    community = Community.objects.filter(organisation=org, name=COMMUNITY).first()
    if community is None or community.meetings.exists():
        return
    people = list(
        Person.objects.filter(organisation=org)
        .filter(Q(communities=community) | Q(communities_led=community))
        .distinct()
        .order_by("name")
    )
    member = Person.objects.filter(organisation=org, email=MEMBER_EMAIL).first()
    if member is not None:
        community.members.add(member)
    others = [p for p in people if p != member] or people
    if not others:
        return
    today = timezone.localdate()
    meetings = {}
    for key, days, agenda in MEETINGS:
        starts = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(14, 0)))
        meetings[key] = _meeting(community, starts, agenda)
    for key, challenges in ROUND_ROBIN.items():
        meeting = meetings[key]
        for i, text in enumerate(challenges):
            person = others[i % len(others)]
            topic = Topic.objects.create(
                organisation=org,
                title=_title_from(text),
                description=text,
                source=TopicSource.ROUND_ROBIN,
                community=community,
                meeting=meeting,
                raised_by=person,
                decision_on=today + timedelta(days=30 + 20 * i),
                planning_started=i == 0,
            )
            RoundRobinEntry.objects.create(meeting=meeting, person=person, text=text, topic=topic)
    march = meetings["next"]
    for i, (title, text) in enumerate(GIVES):
        Give.objects.create(
            community=community,
            meeting=march,
            person=others[(i + 1) % len(others)],
            title=title,
            text=text,
        )
    for i, (title, text) in enumerate(TAKES):
        person = member if (i == 0 and member is not None) else others[i % len(others)]
        take = Take.objects.create(
            community=community, meeting=march, person=person, title=title, text=text
        )
        if i == 0:
            take.topic = Topic.objects.create(
                organisation=org,
                title=title,
                description=text,
                source=TopicSource.TAKE,
                community=community,
                meeting=march,
                raised_by=person,
            )
            take.save(update_fields=["topic"])
    for source, title, description, days, notes, votes in DIRECT_TOPICS:
        topic = Topic.objects.create(
            organisation=org,
            title=title,
            description=description,
            source=source,
            community=community if source != TopicSource.REQUEST else None,
            raised_by=others[0] if source != TopicSource.REQUEST else member,
            decision_on=today + timedelta(days=days) if days is not None else None,
            planning_started=bool(notes),
            planning_notes=notes,
        )
        for voter in people[:votes]:
            TopicVote.objects.get_or_create(topic=topic, person=voter)
    _hold_mini_assist(community)


def _meeting(community: Community, starts: datetime, agenda: str) -> Meeting:
    return Meeting.objects.create(
        community=community,
        title=f"{timezone.localtime(starts):%B} meeting",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        place="Head office, room 3.2",
        video_link="https://meet.example/pm-community",
        agenda=agenda,
    )


def _hold_mini_assist(community: Community) -> None:
    """The demo's mini Peer Assist (a draft) is held at a meeting of the community at the
    assist's own time, so that the meeting page shows one."""
    mini = (
        PeerAssist.objects.filter(
            organisation_id=community.organisation_id,
            format__kind=FormatKind.MINI,
            community_meeting__isnull=True,
            starts_at__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    if mini is None or mini.starts_at is None:
        return
    agenda = f"1. Round robin\n2. Mini Peer Assist: {mini.title}\n3. Gives & Takes"
    meeting = _meeting(community, mini.starts_at, agenda)
    if mini.ends_at is not None:
        meeting.ends_at = mini.ends_at
    meeting.mini_assist = mini
    meeting.save(update_fields=["ends_at", "mini_assist"])
