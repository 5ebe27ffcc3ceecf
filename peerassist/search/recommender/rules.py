"""The method's rules for choosing visiting peers, as pure functions on plain values.

"Look across, not up", "avoid the usual suspects", "people who will challenge your
thinking" (shared/seeds): each rule here is a small function that the page, the API,
the evaluation and the benchmark all call, so a suggestion is ranked the same way
everywhere. Nothing here touches the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Evidence loses half its weight every HALF_LIFE_DAYS: recent practice counts most.
HALF_LIFE_DAYS = 540.0
#: How much each kind of evidence counts, relative to a plain note in a session.
SOURCE_WEIGHTS: dict[str, float] = {
    "contribution": 1.0,
    "writeup": 0.8,
    "tag": 1.5,
    "give": 1.5,
    "profile": 0.6,
}
STARRED_BONUS = 1.0
ACTION_BONUS = 1.5
#: A person from one of the home team's units keeps this share of their score.
SAME_UNIT_FACTOR = 0.6
#: Looking up, not across, is discouraged: senior levels keep this share (never more than 1).
SENIORITY_FACTORS: dict[str, float] = {"manager": 0.95, "executive": 0.9}
#: Visits as a visiting peer in the last 12 months beyond which someone is a "usual suspect".
FREE_VISITS = 1
VISIT_PENALTY = 0.35
#: Someone whose languages are not recorded may still speak the assist's language.
UNKNOWN_LANGUAGE_FACTOR = 0.85
#: MMR trade-off between relevance (1.0) and diversity (0.0).
MMR_LAMBDA = 0.7
UNIT_SIMILARITY = 0.6
SKILL_SIMILARITY = 0.4


@dataclass(frozen=True)
class Candidate:
    """What the rules know about one person."""

    person_id: int
    unit_id: int | None = None
    level: str = "professional"
    languages: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    visits_last_year: int = 0
    busy: bool = False


@dataclass(frozen=True)
class AssistFacts:
    """What the rules know about the assist the peers are for."""

    home_ids: frozenset[int] = frozenset()
    participant_ids: frozenset[int] = frozenset()
    home_unit_ids: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Adjustment:
    """A multiplier a rule applied to someone's score, with the reason in words."""

    code: str
    factor: float
    message: str


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    relevance: float
    score: float
    adjustments: tuple[Adjustment, ...] = field(default_factory=tuple)


# --- Evidence ---------------------------------------------------------------------------------


def evidence_weight(source: str, *, starred: bool = False, in_action: bool = False) -> float:
    """How much one piece of evidence counts: a starred note or one that became an action
    shows experience the home team valued."""
    weight = SOURCE_WEIGHTS.get(source, 0.5)
    if starred:
        weight += STARRED_BONUS
    if in_action:
        weight += ACTION_BONUS
    return weight


def recency_factor(age_days: float, half_life_days: float = HALF_LIFE_DAYS) -> float:
    """Exponential decay; evidence from the future (clock skew) counts as new."""
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


# --- Who may be suggested at all --------------------------------------------------------------


def exclusion(candidate: Candidate, facts: AssistFacts) -> str | None:
    """Why this person cannot be suggested (a code), or None.

    Languages: someone who shares NONE of the assist's languages is excluded, not merely
    penalised — a visiting peer who cannot follow the conversation cannot help."""
    if candidate.person_id in facts.home_ids:
        return "home_team"
    if candidate.person_id in facts.participant_ids:
        return "already_taking_part"
    if candidate.busy:
        return "busy"
    if facts.languages and candidate.languages and not (candidate.languages & facts.languages):
        return "no_shared_language"
    return None


# --- Multipliers (each one at most 1: no rule ever raises a score) ------------------------------


def unit_adjustment(unit_id: int | None, home_unit_ids: Iterable[int]) -> Adjustment | None:
    """Look across the organisation: a person from the home team's own unit counts less."""
    if unit_id is not None and unit_id in set(home_unit_ids):
        return Adjustment(
            "same_unit",
            SAME_UNIT_FACTOR,
            _("Same unit as the home team: look across the organisation first."),
        )
    return None


def seniority_adjustment(level: str) -> Adjustment | None:
    """Look across, not up: seniority never raises a score; the top levels count slightly less."""
    factor = min(1.0, SENIORITY_FACTORS.get(level, 1.0))
    if factor >= 1.0:
        return None
    return Adjustment(
        "across_not_up",
        factor,
        _("Senior level: look across, not up — seniority earns no bonus."),
    )


def usual_suspect_adjustment(visits_last_year: int) -> Adjustment | None:
    """Avoid the usual suspects: each visit beyond the first in 12 months lowers the score."""
    extra = visits_last_year - FREE_VISITS
    if extra <= 0:
        return None
    factor = 1.0 / (1.0 + VISIT_PENALTY * extra)
    return Adjustment(
        "usual_suspect",
        factor,
        ngettext(
            "Visiting peer %(n)d time in the last 12 months: give others a turn.",
            "Visiting peer %(n)d times in the last 12 months: give others a turn.",
            visits_last_year,
        )
        % {"n": visits_last_year},
    )


def language_adjustment(
    languages: frozenset[str], assist_languages: frozenset[str]
) -> Adjustment | None:
    """Someone with no recorded language might not speak the assist's: a small penalty."""
    if assist_languages and not languages:
        return Adjustment(
            "language_unknown",
            UNKNOWN_LANGUAGE_FACTOR,
            _("Languages not recorded: check they can work in the assist's language."),
        )
    return None


def adjustments(candidate: Candidate, facts: AssistFacts) -> list[Adjustment]:
    """Every multiplier that applies to this person for this assist."""
    found = [
        unit_adjustment(candidate.unit_id, facts.home_unit_ids),
        seniority_adjustment(candidate.level),
        usual_suspect_adjustment(candidate.visits_last_year),
        language_adjustment(candidate.languages, facts.languages),
    ]
    return [a for a in found if a is not None]


def adjusted_score(relevance: float, applied: Iterable[Adjustment]) -> float:
    """Relevance times every multiplier (each capped at 1)."""
    return relevance * math.prod(min(1.0, a.factor) for a in applied)


def score_candidates(scored: Iterable[tuple[Candidate, float]], facts: AssistFacts) -> list[Ranked]:
    """Drop the excluded and those without evidence; apply the rules; best first."""
    ranked = []
    for candidate, relevance in scored:
        if relevance <= 0 or exclusion(candidate, facts) is not None:
            continue
        applied = adjustments(candidate, facts)
        ranked.append(
            Ranked(candidate, relevance, adjusted_score(relevance, applied), tuple(applied))
        )
    ranked.sort(key=lambda r: (-r.score, r.candidate.person_id))
    return ranked


# --- Diversity ----------------------------------------------------------------------------------


def similarity(a: Candidate, b: Candidate) -> float:
    """How alike two suggestions are for diversity: same unit, overlapping skills."""
    same_unit = a.unit_id is not None and a.unit_id == b.unit_id
    union = a.skills | b.skills
    skills = len(a.skills & b.skills) / len(union) if union else 0.0
    return UNIT_SIMILARITY * same_unit + SKILL_SIMILARITY * skills


def diversify(ranked: Sequence[Ranked], k: int, lam: float = MMR_LAMBDA) -> list[Ranked]:
    """Maximal marginal relevance: pick k, each time the best trade-off between score and
    unlikeness to those already picked, so the top 10 spans units and skills."""
    pool = list(ranked)
    if not pool or k <= 0:
        return []
    top = max(r.score for r in pool) or 1.0
    chosen: list[Ranked] = []
    closest = [0.0] * len(pool)
    while pool and len(chosen) < k:
        best = max(
            range(len(pool)),
            key=lambda i: (lam * pool[i].score / top - (1 - lam) * closest[i], -i),
        )
        picked = pool.pop(best)
        closest.pop(best)
        chosen.append(picked)
        for i, other in enumerate(pool):
            closest[i] = max(closest[i], similarity(picked.candidate, other.candidate))
    return chosen


def recommend(
    scored: Iterable[tuple[Candidate, float]],
    facts: AssistFacts,
    k: int = 10,
    *,
    pool: int = 50,
) -> list[Ranked]:
    """The whole method: exclusions, multipliers, then MMR over the best `pool`."""
    ranked = score_candidates(scored, facts)
    return diversify(ranked[: max(pool, k)], k)
