"""The method's rules for choosing visiting peers, as pure functions on plain values.

"Look across, not up", "avoid the usual suspects", "people who will challenge your
thinking" (shared/seeds): each rule here is a small function that the page, the API,
the evaluation and the benchmark all call, so a suggestion is ranked the same way
everywhere. Nothing here touches the database.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Evidence loses half its weight every HALF_LIFE_DAYS: recent practice counts most.
HALF_LIFE_DAYS = 540.0
#: How much each kind of evidence counts, relative to a plain note in a session.
SOURCE_WEIGHTS: dict[str, float] = {
    # Past assists on a similar problem (issue 22): the home team lived it, the visiting
    # peers brought what they knew to it.
    "led": 2.0,
    "visited": 1.2,
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
#: Visits as a visiting peer in the last 12 months from which someone is "often asked".
OFTEN_ASKED_VISITS = 2
#: "Avoid the usual suspects" as a quota, not a penalty: at most this share of a list is
#: people who are often asked (3 in a top 10); the most relevant person is always shown.
OFTEN_ASKED_SHARE = 0.3
#: "Look across" as a quota: a top 10 spans at least this many units other than the home
#: team's, when the candidates allow it.
MIN_UNITS = 7
#: How far down the ranking the quotas may reach to fill the list.
POOL_FACTOR = 5
#: "Who helped on similar past assists" (issue 17): the people who took part in the
#: HISTORY_NEIGHBOURS past assists most like this one, each credited with that assist's
#: similarity. Neighbours are a k-nearest-neighbours vote, k as in a top 10.
HISTORY_NEIGHBOURS = 10
#: Similar past assists are found by the brief's most telling terms only (by idf × count):
#: a long brief's common words find every assist and cost time (bench/README.md).
HISTORY_QUERY_TERMS = 10
#: ... and, in a record of index.MIN_SIZE_FOR_DF_CUT past assists or more, only by terms
#: found in at most this share of them (the people index cuts at index.MAX_DF_SHARE): an
#: assist that shares only words found in a third of all briefs is not a similar one, and
#: looking those words up touched most of the record on every query (bench/README.md).
HISTORY_MAX_DF_SHARE = 0.3
#: The two signals are each scaled to their best (1.0) and added with equal weight: no
#: weight was tuned (bench/README.md reports what was tried).
HISTORY_WEIGHT = 1.0
#: Someone whose languages are not recorded may still speak the assist's language.
UNKNOWN_LANGUAGE_FACTOR = 0.85
#: How alike two people are for diversity: same unit, overlapping skills.
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


# --- Relevance: own evidence and the organisation's history -----------------------------------


def history_scores(
    neighbours: Iterable[tuple[float, Iterable[int] | Mapping[int, float]]],
    k: int = HISTORY_NEIGHBOURS,
) -> dict[int, float]:
    """Who took part in the k most similar past assists, each credited with the similarity
    of every such assist they took part in. `neighbours` is (similarity, people) per past
    assist; people are ids (each counting 1) or ids with the weight of the part they
    played — the home team lived the problem, so it counts more than a visiting peer
    (`role_weight`). Non-positive similarities say nothing and are skipped."""
    best = sorted((n for n in neighbours if n[0] > 0), key=lambda n: -n[0])[: max(k, 0)]
    found: dict[int, float] = {}
    for sim, people in best:
        weights = people if isinstance(people, Mapping) else dict.fromkeys(people, 1.0)
        for person, weight in weights.items():
            found[person] = found.get(person, 0.0) + sim * weight
    return found


def role_weight(home: Iterable[int], helped: Iterable[int]) -> dict[int, float]:
    """The people of one past assist with the weight of their part, as evidence counts them:
    the home team ("led") above the visiting peers ("visited"); the higher if both."""
    weights = dict.fromkeys(helped, SOURCE_WEIGHTS["visited"])
    for person in home:
        weights[person] = SOURCE_WEIGHTS["led"]
    return weights


def blend(
    evidence: dict[int, float], history: dict[int, float], weight: float = HISTORY_WEIGHT
) -> dict[int, float]:
    """Relevance from both signals: each scaled so its best is 1, then added (CombSUM).
    Scaling makes the sum independent of how long the brief is or how big the archive."""
    top_e = max(evidence.values(), default=0.0)
    top_h = max(history.values(), default=0.0)
    found: dict[int, float] = {}
    for person, score in evidence.items():
        if score > 0 and top_e > 0:
            found[person] = score / top_e
    for person, score in history.items():
        if score > 0 and top_h > 0:
            found[person] = found.get(person, 0.0) + weight * score / top_h
    return found


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
            _("From your own unit: they may know what the team knows already."),
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
        _("Senior: look across, not up — seniority earns no extra credit."),
    )


def often_asked(visits_last_year: int) -> bool:
    """Someone who was a visiting peer often in the last 12 months (a "usual suspect")."""
    return visits_last_year >= OFTEN_ASKED_VISITS


def usual_suspect_adjustment(visits_last_year: int) -> Adjustment | None:
    """Avoid the usual suspects — a mark, not a penalty: someone asked often lately keeps
    their score (they may be the one person who knows), and `fill` limits how many such
    people fill a list."""
    if not often_asked(visits_last_year):
        return None
    return Adjustment(
        "usual_suspect",
        1.0,
        ngettext(
            "Often asked lately — %(n)d time in the last 12 months.",
            "Often asked lately — %(n)d times in the last 12 months.",
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


def _order(r: Ranked) -> tuple[float, int, int]:
    # With equal evidence a newcomer comes before someone asked often lately.
    return (-r.score, r.candidate.visits_last_year, r.candidate.person_id)


def score_candidates(
    scored: Iterable[tuple[Candidate, float]], facts: AssistFacts, limit: int | None = None
) -> list[Ranked]:
    """Drop the excluded and those without evidence; apply the rules; best first.

    With `limit`, only the best `limit` are returned — exactly those of the whole ranking —
    and people are scored in order of relevance until nobody left can reach them: no rule
    raises a score, so someone whose relevance is below the limit-th score cannot."""
    if limit is not None and limit <= 0:
        return []
    pool = [(c, r) for c, r in scored if r > 0]
    if limit is not None:
        pool.sort(key=lambda cr: -cr[1])
    ranked: list[Ranked] = []
    kept: list[float] = []  # the best `limit` scores so far, a min-heap
    for candidate, relevance in pool:
        if limit is not None and len(kept) >= limit and relevance < kept[0]:
            break
        if exclusion(candidate, facts) is not None:
            continue
        applied = adjustments(candidate, facts)
        score = adjusted_score(relevance, applied)
        ranked.append(Ranked(candidate, relevance, score, tuple(applied)))
        if limit is not None:
            if len(kept) < limit:
                heapq.heappush(kept, score)
            elif score > kept[0]:
                heapq.heapreplace(kept, score)
    ranked.sort(key=_order)
    return ranked if limit is None else ranked[: max(limit, 0)]


# --- Diversity ----------------------------------------------------------------------------------


def similarity(a: Candidate, b: Candidate) -> float:
    """How alike two suggestions are for diversity: same unit, overlapping skills."""
    same_unit = a.unit_id is not None and a.unit_id == b.unit_id
    union = a.skills | b.skills
    skills = len(a.skills & b.skills) / len(union) if union else 0.0
    return UNIT_SIMILARITY * same_unit + SKILL_SIMILARITY * skills


def diversify(ranked: Sequence[Ranked], k: int, lam: float = 0.7) -> list[Ranked]:
    """Maximal marginal relevance: pick k, each time the best trade-off between score and
    unlikeness to those already picked. Kept for comparison (bench/recommender_eval.py);
    the method itself uses the quotas of `fill`."""
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


def often_asked_limit(k: int) -> int:
    """How many often-asked people a list of k may hold (at least one)."""
    return max(1, math.floor(k * OFTEN_ASKED_SHARE + 1e-9))


def fill(
    ranked: Sequence[Ranked],
    facts: AssistFacts,
    k: int,
    *,
    min_units: int = MIN_UNITS,
) -> list[Ranked]:
    """Fill a list of k from the ranking (best first) under the method's quotas, keeping
    the ranking's order:

    - the most relevant person is always first, whoever they are;
    - at most `often_asked_limit(k)` people who are often asked ("avoid the usual suspects");
    - at least `min_units` units other than the home team's when the candidates allow it
      ("look across"): a person from a unit already listed waits while the remaining
      places are needed for new units. People from the home team's own unit never count
      as a new unit.

    Nobody is erased: those the quotas pass over only wait for a later place."""
    if k <= 0 or not ranked:
        return []
    home_units = facts.home_unit_ids
    limit = often_asked_limit(k)

    def new_unit(r: Ranked, seen: set[int]) -> bool:
        unit = r.candidate.unit_id
        return unit is not None and unit not in home_units and unit not in seen

    available = {
        r.candidate.unit_id
        for r in ranked
        if r.candidate.unit_id is not None
        and r.candidate.unit_id not in home_units
        and not often_asked(r.candidate.visits_last_year)
    }
    wanted = min(min_units, k, len(available))
    chosen: list[Ranked] = [ranked[0]]
    seen: set[int] = set()
    if new_unit(ranked[0], seen):
        seen.add(ranked[0].candidate.unit_id or 0)
    asked = int(often_asked(ranked[0].candidate.visits_last_year))
    waiting: list[Ranked] = []
    for r in ranked[1:]:
        if len(chosen) >= k:
            break
        frequent = often_asked(r.candidate.visits_last_year)
        if frequent and asked >= limit:
            continue
        fresh = new_unit(r, seen)
        if not fresh and k - len(chosen) - 1 < wanted - len(seen):
            waiting.append(r)
            continue
        chosen.append(r)
        asked += frequent
        if fresh:
            seen.add(r.candidate.unit_id or 0)
    for r in waiting:  # not enough new units further down: the best of the rest
        if len(chosen) >= k:
            break
        chosen.append(r)
    order = {id(r): i for i, r in enumerate(ranked)}
    return sorted(chosen, key=lambda r: order[id(r)])


def recommend(
    scored: Iterable[tuple[Candidate, float]],
    facts: AssistFacts,
    k: int = 10,
    *,
    min_units: int = MIN_UNITS,
) -> list[Ranked]:
    """The whole method: exclusions, the score rules (none raises a score), then the
    quotas of `fill` over the best POOL_FACTOR × k."""
    pool = score_candidates(scored, facts, limit=max(POOL_FACTOR * k, k))
    return fill(pool, facts, k, min_units=min_units)
