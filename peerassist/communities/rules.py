"""The four selection criteria of a mini Peer Assist topic, as pure functions.

A topic works best when it is about to happen (not maybe), real planning has begun, relevant
experience exists among the members, and it matters to several of them. A topic failing a
criterion can still go ahead: the failure is a warning with its reason, never a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from peerassist.core.findings import Finding, Level

#: "Soon": the decision or start is at most this many days ahead.
SOON_DAYS = 90
#: Words that make a topic a possibility rather than a plan.
HEDGES = re.compile(
    r"\b(maybe|might|perhaps|possibly|someday|some day|one day|eventually|if ever|"
    r"could consider|thinking about)\b",
    re.IGNORECASE,
)
#: How many described words of planning count as "real planning has begun".
PLANNING_WORDS = 5
#: How many people with relevant experience make a topic worth a session.
EXPERIENCE_MIN = 2
#: How many votes make a topic relevant to several members.
VOTES_MIN = 3

CRITERIA = {
    "about_to_happen": gettext_lazy("About to happen, not maybe"),
    "planning_begun": gettext_lazy("Real planning has begun"),
    "experience_exists": gettext_lazy("Relevant experience exists among members"),
    "several_members": gettext_lazy("Relevant to several members"),
}


@dataclass(frozen=True)
class TopicFacts:
    """What the screen looks at, gathered by `selectors.topic_facts`."""

    title: str
    description: str
    decision_on: date | None
    today: date
    planning_started: bool
    planning_notes: str
    experienced: int
    votes: int


@dataclass(frozen=True)
class Criterion:
    code: str
    met: bool
    reason: str

    @property
    def label(self) -> str:
        return str(CRITERIA[self.code])


def about_to_happen(facts: TopicFacts) -> Criterion:
    hedge = HEDGES.search(f"{facts.title} {facts.description}")
    if hedge:
        return Criterion(
            "about_to_happen",
            False,
            _("It is phrased as a possibility (“%(word)s”), not as something that will happen.")
            % {"word": hedge.group(0)},
        )
    if facts.decision_on is None:
        return Criterion("about_to_happen", False, _("There is no decision or start date yet."))
    days = (facts.decision_on - facts.today).days
    if days < 0:
        return Criterion(
            "about_to_happen", False, _("The decision date has passed: it is too late to help.")
        )
    if days > SOON_DAYS:
        return Criterion(
            "about_to_happen",
            False,
            _("The decision is %(days)d days away; more than %(soon)d days is not “about to”.")
            % {"days": days, "soon": SOON_DAYS},
        )
    return Criterion(
        "about_to_happen",
        True,
        ngettext(
            "The decision or start is %(days)d day away.",
            "The decision or start is %(days)d days away.",
            days,
        )
        % {"days": days},
    )


def planning_begun(facts: TopicFacts) -> Criterion:
    described = len(facts.planning_notes.split()) >= PLANNING_WORDS
    if facts.planning_started or described:
        reason = (
            _("The requester has described the planning done so far.")
            if described
            else _("The requester says planning has begun.")
        )
        return Criterion("planning_begun", True, reason)
    return Criterion(
        "planning_begun",
        False,
        _("Nobody has said that planning has begun; a Peer Assist helps most once it has."),
    )


def experience_exists(facts: TopicFacts) -> Criterion:
    met = facts.experienced >= EXPERIENCE_MIN
    reason = ngettext(
        "%(n)d person has matching expertise or Gives.",
        "%(n)d people have matching expertise or Gives.",
        facts.experienced,
    ) % {"n": facts.experienced}
    if not met:
        reason += " " + _("At least %(min)d are needed to share experience.") % {
            "min": EXPERIENCE_MIN
        }
    return Criterion("experience_exists", met, reason)


def several_members(facts: TopicFacts) -> Criterion:
    met = facts.votes >= VOTES_MIN
    reason = ngettext(
        "%(n)d member has voted for it.", "%(n)d members have voted for it.", facts.votes
    ) % {"n": facts.votes}
    if not met:
        reason += " " + _("%(min)d votes show it matters to several members.") % {"min": VOTES_MIN}
    return Criterion("several_members", met, reason)


def screen(facts: TopicFacts) -> list[Criterion]:
    """The four criteria, in the method's order, each met or not with its reason."""
    return [
        about_to_happen(facts),
        planning_begun(facts),
        experience_exists(facts),
        several_members(facts),
    ]


def screen_findings(criteria: list[Criterion]) -> list[Finding]:
    """A warning for each criterion the topic does not meet (it may still go ahead)."""
    return [Finding(Level.WARNING, c.code, f"{c.label}: {c.reason}") for c in criteria if not c.met]


# --- Follow-ups on meetings' agendas ---------------------------------------------------------


def meeting_over(starts_at: datetime, ends_at: datetime | None, now: datetime) -> bool:
    """A meeting is over once it has ended (without an end time: the day after it started)."""
    if ends_at is not None:
        return ends_at <= now
    return now.date() > starts_at.date()


def followup_meeting[K](
    meetings: Sequence[tuple[K, datetime, datetime | None]],
    *,
    held_at: datetime,
    due_on: date | None,
    now: datetime,
) -> K | None:
    """The one meeting whose agenda holds a mini assist's unanswered follow-up.

    The meetings are the community's (key, starts_at, ends_at). The follow-up belongs on the
    first meeting after the session and on or after the day it is due ("at the next
    meeting" is due on that meeting's day). It moves to the following meeting only once that
    meeting is over and the follow-up still unanswered, so it is on one agenda at a time.
    """
    candidates = sorted(
        (m for m in meetings if m[1] > held_at and (due_on is None or m[1].date() >= due_on)),
        key=lambda m: m[1],
    )
    for key, starts_at, ends_at in candidates:
        if not meeting_over(starts_at, ends_at, now):
            return key
    return candidates[-1][0] if candidates else None
