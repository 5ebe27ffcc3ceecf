"""Demo assists in every status and several formats, and one login per part in the live one."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone as dj_timezone

from peerassist.accounts.models import Membership, Organisation, Role, User
from peerassist.assists.models import Format, Participation, PeerAssist
from peerassist.assists.models import Role as AssistRole
from peerassist.assists.services import _copy_steps
from peerassist.core.demo import DEMO_PARTICIPANT_LOGINS, demo_random, demo_user
from peerassist.people.models import Person

#: When `peerassist demo` runs this loader (the demo's random stream is shared, so
#: the order is part of the demo): first: every later stage's demo data hangs off its assists.
ORDER = 10


def load(org: Organisation) -> None:
    """Add the demo assists and the participants' logins (each only once)."""
    _assists(org, demo_random())
    _participant_logins(org)


# (title, format kind, status, days from today, visibility, brief)
ASSISTS = [
    (
        "Moving field crews to mobile work orders",
        "mini",
        "draft",
        40,
        "organisation",
        "Field crews still print work orders. We plan to move 300 technicians to tablets in "
        "spring and want to learn from teams who changed how crews receive their work.",
    ),
    (
        "Onboarding 40 new smart-meter suppliers",
        "standard",
        "planned",
        21,
        "organisation",
        "The Digital Metering Programme will onboard 40 suppliers next year. Today onboarding "
        "takes 90 days; the rollout plan needs 30. We plan a single onboarding portal.",
    ),
    (
        "Commissioning the Riverside treatment works upgrade",
        "extended",
        "invited",
        12,
        "participants",
        "Riverside's upgrade is commissioned in March while the works stay in service. We plan a "
        "phased handover and want to hear from anyone who commissioned a live plant.",
    ),
    (
        "Flood-season messages for vulnerable customers",
        "four_part",
        "live",
        0,
        "organisation",
        "Last winter our flood warnings reached vulnerable customers late. We are redesigning "
        "the messages and channels before the next season.",
    ),
    (
        "Finding leaks with acoustic loggers",
        "mini",
        "concluded",
        -10,
        "organisation",
        "Network Maintenance starts an acoustic logger pilot on 200 km of mains and wants to "
        "avoid the mistakes others made placing and reading loggers.",
    ),
    (
        "A framework contract for asset data services",
        "standard",
        "written_up",
        -35,
        "published",
        "Procurement is tendering a four-year framework for asset data services. We want to "
        "write requirements that suppliers can meet and that still hold in year four.",
    ),
    (
        "Designing the graduate engineers' first year",
        "four_part",
        "followed_up",
        -80,
        "published",
        "People & Culture redesigns the first year of 25 graduate engineers: rotations, mentors "
        "and the projects they own.",
    ),
]


def _assists(org: Organisation, rng: random.Random) -> None:
    """Assists in every status and several formats, with home teams, facilitators and peers."""
    people = list(Person.objects.filter(organisation=org, is_external=False).select_related("unit"))
    organiser = User.objects.get(email="organiser@meridian.example")
    today = dj_timezone.localdate()
    for index, (title, kind, status, days, visibility, challenge) in enumerate(ASSISTS):
        if PeerAssist.objects.filter(organisation=org, title=title).exists():
            continue
        chosen = Format.objects.get(organisation=None, kind=kind)
        starts = datetime.combine(
            today + timedelta(days=days), time(9, 30), tzinfo=dj_timezone.get_current_timezone()
        )
        minutes = sum(s.duration_minutes for s in chosen.steps.filter(phase="during"))
        assist = PeerAssist.objects.create(
            organisation=org,
            title=title,
            format=chosen,
            status=status,
            visibility=visibility,
            business_context=f"{title}: part of Meridian Water's 2027 plan.",
            challenge=challenge,
            planned_approach="We have a first plan and a budget; nothing is contracted yet.",
            desired_outcome="Options and insights to change the plan before we commit.",
            focus_questions=[
                "What would you do differently if you started again?",
                "What did you underestimate?",
            ],
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            decision_date=starts.date() + timedelta(days=21),
            brief_send_on=starts.date() - timedelta(days=10),
            mode=["in_person", "virtual", "hybrid"][index % 3],
            place="Head office, room 4.2" if index % 3 != 1 else "",
            video_link="https://meet.example.org/meridian-" + str(index) if index % 3 else "",
            created_by=organiser,
        )
        assist.languages.set(["en"])
        _copy_steps(chosen, assist)
        home_unit = people[index * 5 % len(people)].unit_id
        home = [p for p in people if p.unit_id == home_unit][:2]
        others = [p for p in people if p.unit_id != home_unit and p not in home]
        rng.shuffle(others)
        facilitator, *visiting = others[:6]
        rows = [Participation(assist=assist, person=p, role=AssistRole.HOME_PEER) for p in home]
        if status != "draft":
            rows.append(
                Participation(assist=assist, person=facilitator, role=AssistRole.FACILITATOR)
            )
            rows += [
                Participation(assist=assist, person=p, role=AssistRole.VISITING_PEER)
                for p in visiting
            ]
        Participation.objects.bulk_create(rows)


def _participant_logins(org: Organisation) -> None:
    """One login per part in the live assist, linked to a person who plays it there."""
    assist = (
        PeerAssist.objects.filter(organisation=org, status="live").order_by("pk").first()
        or PeerAssist.objects.filter(organisation=org)
        .exclude(status="draft")
        .order_by("pk")
        .first()
    )
    if assist is None:
        return
    for login in DEMO_PARTICIPANT_LOGINS:
        if User.objects.filter(email=login.email).exists():
            continue
        taken = Participation.objects.filter(assist=assist, person__user__isnull=False)
        participation = (
            Participation.objects.taking_part()
            .filter(assist=assist, role=login.role, person__user__isnull=True)
            .exclude(pk__in=taken)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        if participation is None:  # e.g. no note-taker yet: the next free colleague takes notes
            busy = Participation.objects.filter(assist=assist).values("person_id")
            person = (
                Person.objects.filter(organisation=org, is_external=False, user__isnull=True)
                .exclude(pk__in=busy)
                .order_by("name")
                .first()
            )
            if person is None:
                continue
            participation = Participation.objects.create(
                assist=assist, person=person, role=login.role
            )
        person = participation.person
        first, _sep, last = person.name.partition(" ")
        user = demo_user(login.email, first, last)
        Membership.objects.get_or_create(
            user=user, organisation=org, defaults={"role": Role.MEMBER}
        )
        person.user = user
        person.save(update_fields=["user"])
