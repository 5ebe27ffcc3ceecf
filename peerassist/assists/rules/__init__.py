"""The method's rules as pure functions: plain values in, findings out.

Forms, pages, the API and the services all call these, so a rule reads the same
everywhere. Sources: the four guides in shared/seeds (BP / Collison & Parcell,
the World Bank and TCI guides, the mini Peer Assist guide).

By subject: `brief`, `people`, `agenda`, `status` and `plan` (the whole plan at once, built
on the others). Callers import from this package, which re-exports every name.
"""

from __future__ import annotations

from peerassist.assists.rules.agenda import (
    EXTENDED_MAX_MINUTES,
    EXTENDED_MIN_MINUTES,
    MAX_SPAN,
    RUNNABLE_PHASE,
    agenda_fits_slot,
    agenda_length,
    concluding_step,
    runnable_steps,
)
from peerassist.assists.rules.brief import (
    _WORD,
    DECISION_MARGIN_DAYS,
    MAX_FOCUS_QUESTIONS,
    MIN_LEAD_DAYS,
    WORDS_PER_PAGE,
    brief_lead_time,
    brief_length,
    brief_pages,
    decision_timing,
    focus_questions,
    word_count,
)
from peerassist.assists.rules.people import (
    GROUP_MAX,
    GROUP_MIN,
    ROOM_MAX,
    SENIOR_LEVELS,
    can_invite,
    facilitator_outside_home_team,
    group_size,
    visiting_peers_across,
    visiting_peers_not_only_senior,
)
from peerassist.assists.rules.plan import (
    CheckItem,
    PlanFacts,
    plan_findings,
    readiness,
    ready_to_invite,
)
from peerassist.assists.rules.status import (
    DELETABLE_STATUSES,
    TRANSITIONS,
    can_delete,
    transition_allowed,
)

__all__ = [
    "DECISION_MARGIN_DAYS",
    "DELETABLE_STATUSES",
    "EXTENDED_MAX_MINUTES",
    "EXTENDED_MIN_MINUTES",
    "GROUP_MAX",
    "GROUP_MIN",
    "MAX_FOCUS_QUESTIONS",
    "MAX_SPAN",
    "MIN_LEAD_DAYS",
    "ROOM_MAX",
    "RUNNABLE_PHASE",
    "SENIOR_LEVELS",
    "TRANSITIONS",
    "WORDS_PER_PAGE",
    "_WORD",
    "CheckItem",
    "PlanFacts",
    "agenda_fits_slot",
    "agenda_length",
    "brief_lead_time",
    "brief_length",
    "brief_pages",
    "can_delete",
    "can_invite",
    "concluding_step",
    "decision_timing",
    "facilitator_outside_home_team",
    "focus_questions",
    "group_size",
    "plan_findings",
    "readiness",
    "ready_to_invite",
    "runnable_steps",
    "transition_allowed",
    "visiting_peers_across",
    "visiting_peers_not_only_senior",
    "word_count",
]
