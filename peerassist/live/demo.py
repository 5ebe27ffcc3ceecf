"""Demo data: what visiting peers said in the sessions that have been held (or are running).

Idempotent: an assist that already has contributions is left as it is. Notes are created one by
one (not in bulk) so that the search index picks them up like any other note.
"""

from __future__ import annotations

import uuid

from peerassist.accounts.models import Organisation
from peerassist.assists.models import ContributionKind as Kind
from peerassist.assists.models import PeerAssist, Role
from peerassist.live.models import Contribution

#: When `peerassist demo` runs this loader (the demo's random stream is shared, so
#: the order is part of the demo): after assists: the notes of the sessions held.
ORDER = 20

#: (kind, focus question index, starred, text) per demo assist title.
NOTES: dict[str, list[tuple[str, int | None, bool, str]]] = {
    "Flood-season messages for vulnerable customers": [
        (Kind.QUESTION, 0, False, "Who decides which customers count as vulnerable this winter?"),
        (
            Kind.PRACTICE,
            0,
            True,
            "We texted first and called second: calls reached the people "
            "texts missed, and the call list was a third of the size.",
        ),
        (
            Kind.LESSON,
            1,
            True,
            "The register of vulnerable customers was two years out of date; "
            "check it with the care charities before the season, not during it.",
        ),
        (Kind.OPTION, None, False, "Ask the council's housing team to pass warnings on by hand."),
    ],
    "Finding leaks with acoustic loggers": [
        (
            Kind.PRACTICE,
            0,
            True,
            "Place loggers on hydrants at most 200 m apart on plastic mains; "
            "metal mains carry the sound further.",
        ),
        (
            Kind.LESSON,
            1,
            True,
            "We underestimated the night-time traffic noise near the ring road: "
            "half the alarms there were lorries.",
        ),
        (Kind.RECOMMENDATION, 0, False, "Read the loggers for two weeks before you dig anywhere."),
        (
            Kind.SURPRISE,
            None,
            False,
            "Field crews found more leaks by listening than the loggers "
            "did in the first month, then the loggers caught up.",
        ),
        (
            Kind.ACTION_IDEA,
            None,
            True,
            "Pair each logger patrol with a crew who knows the streets.",
        ),
        (Kind.SOURCE, None, False, "The 2024 pilot report of the Southern region, appendix C."),
    ],
    "A framework contract for asset data services": [
        (
            Kind.LESSON,
            0,
            True,
            "Our last framework fixed the data formats for four years; by year "
            "two nobody used them. Specify outcomes and let the formats change by agreement.",
        ),
        (
            Kind.PRACTICE,
            1,
            True,
            "Pay per validated asset record, not per survey day: quality "
            "went up and disputes went down.",
        ),
        (Kind.QUESTION, None, False, "Who owns the data if a supplier leaves mid-framework?"),
        (Kind.OPTION, 0, False, "A small lot for innovation, re-tendered every year."),
        (
            Kind.EXPECTED_NOT_HEARD,
            None,
            False,
            "Nobody mentioned data protection of customer addresses in the asset records.",
        ),
        (
            Kind.ACTION_IDEA,
            1,
            True,
            "Write a data-ownership and hand-back clause before the tender.",
        ),
    ],
    "Designing the graduate engineers' first year": [
        (
            Kind.PRACTICE,
            0,
            True,
            "Give each graduate one small project they own end to end in "
            "the first six months; rotations alone left them as spectators.",
        ),
        (
            Kind.LESSON,
            1,
            True,
            "Mentors need time in their objectives, or mentoring is the "
            "first thing dropped in a busy month.",
        ),
        (
            Kind.INSIGHT,
            None,
            False,
            "Graduates learned most from site visits with the night crews.",
        ),
        (Kind.RECOMMENDATION, 0, False, "Keep the cohort together for one week every quarter."),
        (
            Kind.ACTION_IDEA,
            1,
            True,
            "Put two hours a month of mentoring into every mentor's goals.",
        ),
    ],
}


def load(org: Organisation) -> None:
    for title, notes in NOTES.items():
        assist = PeerAssist.objects.filter(organisation=org, title=title).first()
        if assist is None or assist.contributions.exists():
            continue
        peers = list(
            assist.participations.filter(role=Role.VISITING_PEER)
            .select_related("person")
            .order_by("pk")
        )
        home = assist.participations.filter(role=Role.HOME_PEER).order_by("pk").first()
        authors = [p.person for p in peers] or ([home.person] if home else [])
        if not authors:
            continue
        for i, (kind, question, starred, text) in enumerate(notes):
            author = home.person if kind == Kind.QUESTION and home else authors[i % len(authors)]
            Contribution.objects.create(
                assist=assist,
                client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"peerassist-demo/{assist.pk}/{i}"),
                kind=kind,
                text=text,
                focus_question=question,
                author=author,
                starred=starred,
            )
