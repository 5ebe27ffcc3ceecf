"""What the organisation's record says about each person, as weighted pieces of evidence.

Evidence comes only from assists the viewer may see (`assists.selectors.assist_list`), so
neither a snippet nor a ranking reveals what a private assist said.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from peerassist.assists.models import Participation, PeerAssist, Role, Status
from peerassist.assists.selectors import assist_list
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.search.recommender import rules
from peerassist.search.recommender.index import titled
from peerassist.search.text import plain_text

#: Evidence from having taken part in a past assist: ranked by the history signal.
HISTORY_SOURCES = frozenset({"led", "visited"})
#: Assists that happened: their home team and visiting peers are evidence (issue 22).
DONE_STATUSES = (Status.CONCLUDED, Status.WRITTEN_UP, Status.FOLLOWED_UP)
WRITEUP_CHARS = 4000


@dataclass(frozen=True)
class Evidence:
    """One piece of what someone did or knows, with where it comes from."""

    source: str  # led | visited | contribution | writeup | tag | give | profile
    text: str
    weight: float
    assist_id: int | None = None
    assist_title: str = ""
    starred: bool = False
    in_action: bool = False
    when: datetime | None = None
    #: A title field (BM25F: counts index.TITLE_WEIGHT times the text).
    title: str = ""

    @property
    def fields(self) -> list[tuple[str, float]]:
        return (
            titled(self.title, self.text, self.weight) if self.title else [(self.text, self.weight)]
        )

    @property
    def label(self) -> str:
        month = date_format(timezone.localtime(self.when), "F Y") if self.when else ""
        if self.source == "led":
            if month:
                return _("Home team of “%(assist)s” (held %(when)s)") % {
                    "assist": self.assist_title,
                    "when": month,
                }
            return _("Home team of “%(assist)s”") % {"assist": self.assist_title}
        if self.source == "visited":
            if month:
                return _("Visiting peer in “%(assist)s” (held %(when)s)") % {
                    "assist": self.assist_title,
                    "when": month,
                }
            return _("Visiting peer in “%(assist)s”") % {"assist": self.assist_title}
        if self.source == "contribution":
            if self.in_action:
                return _("Note that became an action in “%(assist)s”") % {
                    "assist": self.assist_title
                }
            if self.starred:
                return _("Starred note in “%(assist)s”") % {"assist": self.assist_title}
            return _("Note in “%(assist)s”") % {"assist": self.assist_title}
        if self.source == "writeup":
            return _("Write-up of “%(assist)s”, where they took part") % {
                "assist": self.assist_title
            }
        if self.source == "tag":
            return _("Expertise tag")
        if self.source == "give":
            return _("Give")
        return _("Profile")


def _visible_assists(viewer: Viewer) -> Any:
    return assist_list(viewer=viewer).order_by().values("pk")


def gather(viewer: Viewer, now: datetime) -> tuple[dict[int, list[Evidence]], dict[int, Person]]:
    from peerassist.live.models import Contribution
    from peerassist.writeups.models import Action, WriteUp, WriteUpStatus

    org = viewer.organisation
    visible = _visible_assists(viewer)
    people = {
        p.pk: p
        for p in Person.objects.filter(organisation=org)
        .select_related("unit")
        .prefetch_related("languages", "expertise")
    }
    evidence: dict[int, list[Evidence]] = defaultdict(list)

    def age(when: datetime | None) -> float:
        return (now - when).total_seconds() / 86400 if when else 0.0

    in_action = set(
        Action.contributions.through.objects.filter(contribution__assist__in=visible).values_list(
            "contribution_id", flat=True
        )
    )
    notes = Contribution.objects.filter(
        assist__in=visible, deleted_at__isnull=True, anonymous=False, author_id__in=people.keys()
    ).values_list("pk", "author_id", "text", "starred", "created_at", "assist_id", "assist__title")
    for pk, author_id, text, starred, created, assist_id, title in notes:
        acted = pk in in_action
        weight = rules.evidence_weight("contribution", starred=starred, in_action=acted)
        evidence[author_id].append(
            Evidence(
                "contribution",
                text,
                weight * rules.recency_factor(age(created)),
                assist_id,
                title,
                starred,
                acted,
                when=created,
            )
        )
    writeups = WriteUp.objects.filter(
        assist__in=visible, status=WriteUpStatus.PUBLISHED
    ).values_list("assist_id", "assist__title", "body", "published_at")
    bodies = {a: (title, body[:WRITEUP_CHARS], when) for a, title, body, when in writeups}
    # Only those who took part: not people who declined, were withdrawn or did not come.
    for assist_id, person_id in (
        Participation.objects.attended()
        .filter(assist_id__in=bodies.keys())
        .values_list("assist_id", "person_id")
    ):
        title, body, when = bodies[assist_id]
        weight = rules.evidence_weight("writeup") * rules.recency_factor(age(when))
        evidence[person_id].append(
            Evidence("writeup", plain_text(body), weight, assist_id, title, when=when, title=title)
        )
    _past_assists(visible, evidence, age)
    for person in people.values():
        for tag in person.expertise.all():
            evidence[person.pk].append(Evidence("tag", tag.name, rules.evidence_weight("tag")))
        profile = " ".join(t for t in (person.job_title, person.bio) if t)
        if profile:
            evidence[person.pk].append(
                Evidence("profile", profile, rules.evidence_weight("profile"))
            )
    for person_id, title, text, created in _gives(org):
        weight = rules.evidence_weight("give") * rules.recency_factor(age(created))
        evidence[person_id].append(Evidence("give", text, weight, when=created, title=title))
    return evidence, people


def _past_assists(visible: Any, evidence: dict[int, list[Evidence]], age: Any) -> None:
    """The home team and visiting peers of assists that were held are evidence of what
    the assist was about (issue 22): the home team lived it, so counts most."""
    held = {
        a.pk: a
        for a in PeerAssist.objects.filter(pk__in=visible, status__in=DONE_STATUSES).only(
            "pk",
            "title",
            "business_context",
            "challenge",
            "planned_approach",
            "desired_outcome",
            "focus_questions",
            "starts_at",
            "created_at",
        )
    }
    if not held:
        return
    roles: dict[str, str] = {Role.HOME_PEER: "led", Role.VISITING_PEER: "visited"}
    # Those who took part (issue 22 part 1): not who declined, was withdrawn or did not come.
    rows = (
        Participation.objects.attended()
        .filter(assist_id__in=held.keys(), role__in=roles)
        .values_list("assist_id", "person_id", "role")
    )
    for assist_id, person_id, role in rows:
        assist = held[assist_id]
        when = assist.starts_at or assist.created_at
        source = roles[role]
        # One passage per part of the brief, so the card quotes the part that matched.
        body = "\n\n".join(
            part.strip()
            for part in assist_text(assist).removeprefix(assist.title).split("\n")
            if part.strip()
        )
        weight = rules.evidence_weight(source) * rules.recency_factor(age(when))
        evidence[person_id].append(
            Evidence(source, body, weight, assist_id, assist.title, when=when, title=assist.title)
        )


def _gives(org: Any) -> list[tuple[int, str, str, datetime]]:
    """Gives (communities) if that app provides them; nothing otherwise."""
    try:
        give = apps.get_model("communities", "Give")
    except LookupError:
        return []
    return list(
        give.objects.filter(person__organisation=org).values_list(
            "person_id", "title", "text", "created_at"
        )
    )


def assist_text(assist: PeerAssist) -> str:
    """The brief as one text: what the peers are asked to help with."""
    return "\n".join(
        [
            assist.title,
            assist.business_context,
            assist.challenge,
            assist.planned_approach,
            assist.desired_outcome,
            *[str(q) for q in assist.focus_questions],
        ]
    )
