"""The whole plan at once: the facts gathered about it, its findings and the readiness checklist."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from peerassist.assists.rules.agenda import agenda_fits_slot, agenda_length
from peerassist.assists.rules.brief import (
    MAX_FOCUS_QUESTIONS,
    brief_lead_time,
    brief_length,
    decision_timing,
    focus_questions,
)
from peerassist.assists.rules.people import (
    can_invite,
    facilitator_outside_home_team,
    group_size,
    visiting_peers_across,
    visiting_peers_not_only_senior,
)
from peerassist.core.findings import Finding, Level


@dataclass(frozen=True)
class PlanFacts:
    """Plain facts about an assist's plan, gathered by the selector; no database here."""

    format_kind: str
    brief_words: int
    has_challenge: bool
    focus_questions: Sequence[str]
    starts_at: datetime | None
    ends_at: datetime | None
    session_date: date | None
    decision_date: date | None
    brief_date: date | None
    agenda_minutes: int
    mode: str
    place: str
    video_link: str
    home_ids: Sequence[int]
    home_unit_ids: Sequence[int | None]
    facilitator_ids: Sequence[int]
    visiting_unit_ids: Sequence[int | None] = field(default_factory=list)
    visiting_levels: Sequence[str] = field(default_factory=list)
    groups: int = 0


def plan_findings(facts: PlanFacts) -> list[Finding]:
    """Every rule applied to a plan, errors first."""
    findings = [
        *focus_questions(facts.focus_questions),
        *facilitator_outside_home_team(facts.facilitator_ids, facts.home_ids),
        *agenda_length(facts.format_kind, facts.agenda_minutes, facts.starts_at, facts.ends_at),
        *agenda_fits_slot(facts.agenda_minutes, facts.starts_at, facts.ends_at),
        *brief_length(facts.brief_words),
        *brief_lead_time(facts.brief_date, facts.session_date),
        *decision_timing(facts.session_date, facts.decision_date),
        *group_size(len(facts.home_ids) + len(facts.visiting_unit_ids), facts.groups),
        *visiting_peers_across(facts.home_unit_ids, facts.visiting_unit_ids),
        *visiting_peers_not_only_senior(facts.visiting_levels),
    ]
    order = {Level.ERROR: 0, Level.WARNING: 1, Level.NUDGE: 2}
    return sorted(findings, key=lambda f: order[f.level])


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str
    done: bool
    hint: str = ""


def readiness(facts: PlanFacts) -> list[CheckItem]:
    """What must be in place before invitations go out, each with whether it is."""
    where_done = bool(facts.place) if facts.mode == "in_person" else bool(facts.video_link)
    if facts.mode == "hybrid":
        where_done = bool(facts.place and facts.video_link)
    return [
        CheckItem(
            "brief",
            _("The brief states the challenge"),
            facts.has_challenge,
            _("Write the business context, the challenge and your planned approach."),
        ),
        CheckItem(
            "focus_questions",
            _("1 to 5 focus questions"),
            0 < len(facts.focus_questions) <= MAX_FOCUS_QUESTIONS,
            _("What exactly do you want to learn? One question per line."),
        ),
        CheckItem(
            "when",
            _("Date and time"),
            facts.starts_at is not None,
            _("Early enough to change the plan, and a week after the brief goes out."),
        ),
        CheckItem(
            "decision_date",
            _("The decision this assist feeds, and when it is taken"),
            facts.decision_date is not None,
            _("Stating it shows whether the session comes early enough."),
        ),
        CheckItem("where", _("Place or video link"), where_done, _("Where do people meet?")),
        CheckItem(
            "home_team",
            _("At least one home peer"),
            bool(facts.home_ids),
            _("Who owns the challenge?"),
        ),
        CheckItem(
            "facilitator",
            _("A facilitator from outside the home team"),
            bool(facts.facilitator_ids) and not set(facts.facilitator_ids) & set(facts.home_ids),
            _("Someone who can hold the balance between telling and listening."),
        ),
        CheckItem(
            "visiting_peers",
            _("At least one visiting peer"),
            bool(facts.visiting_unit_ids),
            _("People from elsewhere who have done something similar."),
        ),
    ]


def ready_to_invite(facts: PlanFacts) -> list[Finding]:
    """Errors that stop invitations: open checklist items and rule errors."""
    findings = [f for f in plan_findings(facts) if f.level == Level.ERROR]
    findings += can_invite(len(facts.visiting_unit_ids))
    for item in readiness(facts):
        if not item.done and item.code not in ("visiting_peers", "facilitator"):
            findings.append(
                Finding(
                    Level.ERROR, f"missing_{item.code}", f"{item.label}: {item.hint}", item.code
                )
            )
        elif not item.done and item.code == "facilitator" and not facts.facilitator_ids:
            findings.append(
                Finding(
                    Level.ERROR, "missing_facilitator", f"{item.label}: {item.hint}", "facilitator"
                )
            )
    return findings
