"""Gather the evidence about people and rank them for an assist, seen by one viewer.

Evidence comes only from assists the viewer may see (`assists.selectors.assist_list`),
so neither a snippet nor a ranking reveals what a private assist said. Visits and busy
times are counted organisation-wide: they are availability, shown only as a number.

The selectors are split by concern: `evidence` (gathering), `corpus` (the cached index),
`candidates` (facts the rules need), `history` (similar past assists), `snippets` (what a
card quotes). Their public names are importable from here as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerassist.assists.models import PeerAssist
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.search.recommender import rules
from peerassist.search.recommender.candidates import assist_facts, busy_people, visits_last_year
from peerassist.search.recommender.corpus import Corpus, corpus_for
from peerassist.search.recommender.evidence import (
    DONE_STATUSES,
    HISTORY_SOURCES,
    WRITEUP_CHARS,
    Evidence,
    assist_text,
)
from peerassist.search.recommender.history import (
    SIMILAR_LIMIT,
    SIMILAR_MIN_SCORE,
    SIMILAR_MIN_SHARE,
    SIMILAR_STATUSES,
    SimilarAssist,
    history_for,
    similar_assists,
)
from peerassist.search.recommender.snippets import (
    SNIPPETS_PER_PERSON,
    Snippet,
    passages,
    snippets_for,
)

__all__ = [
    "DONE_STATUSES",
    "HISTORY_SOURCES",
    "SIMILAR_LIMIT",
    "SIMILAR_MIN_SCORE",
    "SIMILAR_MIN_SHARE",
    "SIMILAR_STATUSES",
    "SNIPPETS_PER_PERSON",
    "WRITEUP_CHARS",
    "Corpus",
    "Evidence",
    "Recommendations",
    "SimilarAssist",
    "Snippet",
    "Suggestion",
    "assist_facts",
    "assist_text",
    "busy_people",
    "excluded_summary",
    "explain",
    "passages",
    "recommend_for_assist",
    "similar_assists",
    "visits_last_year",
]


@dataclass
class Suggestion:
    person: Person
    score: float
    relevance: float
    evidence: list[Snippet]
    adjustments: list[rules.Adjustment]
    #: Times a visiting peer in the last 12 months (availability, organisation-wide).
    visits_last_year: int = 0

    @property
    def often_asked(self) -> bool:
        return rules.often_asked(self.visits_last_year)

    @property
    def unit_name(self) -> str:
        return self.person.unit.name if self.person.unit else ""

    @property
    def explanation(self) -> str:
        return explain(self)

    @property
    def reasons(self) -> list[str]:
        """What the rules noticed, in plain words (no multipliers)."""
        return [a.message for a in self.adjustments]


@dataclass
class Recommendations:
    suggestions: list[Suggestion]
    similar: list[SimilarAssist]
    excluded: dict[str, int] = field(default_factory=dict)


def explain(suggestion: Suggestion) -> str:
    """The suggestion in one or two sentences a person can check."""
    parts = []
    if suggestion.evidence:
        parts.append(
            _("Relevant experience: %(what)s.")
            % {"what": "; ".join(f"{s.label}: “{s.text}”" for s in suggestion.evidence)}
        )
    parts.append(
        _("Unit: %(unit)s.") % {"unit": suggestion.unit_name}
        if suggestion.unit_name
        else _("No unit recorded.")
    )
    parts.extend(suggestion.reasons)
    return " ".join(parts)


def recommend_for_assist(
    *,
    viewer: Viewer,
    assist: PeerAssist,
    text: str | None = None,
    limit: int = 10,
    now: datetime | None = None,
) -> Recommendations:
    """Visiting peers for an assist the viewer may see, best first, each with its evidence
    and the rules applied; plus assists being planned or run now on a similar problem."""
    now = now or timezone.now()
    query = text if text and text.strip() else assist_text(assist)
    corpus = corpus_for(viewer, now)
    facts = assist_facts(assist=assist)
    visits = visits_last_year(organisation=viewer.organisation, now=now)
    busy = busy_people(assist=assist)
    scores = rules.blend(corpus.index.scores(query), history_for(corpus, query, assist))
    scored = []
    excluded: dict[str, int] = defaultdict(int)
    for pid, relevance in scores.items():
        base = corpus.people.get(pid)
        if base is None:
            continue
        candidate = rules.Candidate(
            person_id=pid,
            unit_id=base.unit_id,
            level=base.level,
            languages=base.languages,
            skills=base.skills,
            visits_last_year=visits.get(pid, 0),
            busy=pid in busy,
        )
        reason = rules.exclusion(candidate, facts)
        if reason:
            excluded[reason] += 1
        scored.append((candidate, relevance))
    ranked = rules.recommend(scored, facts, k=limit)
    people = Person.objects.select_related("unit").in_bulk([r.candidate.person_id for r in ranked])
    suggestions = [
        Suggestion(
            person=people[r.candidate.person_id],
            score=round(r.score, 4),
            relevance=round(r.relevance, 4),
            evidence=snippets_for(query, corpus.evidence.get(r.candidate.person_id, [])),
            adjustments=list(r.adjustments),
            visits_last_year=r.candidate.visits_last_year,
        )
        for r in ranked
    ]
    return Recommendations(
        suggestions=suggestions,
        similar=similar_assists(viewer=viewer, assist=assist, text=query),
        excluded=dict(excluded),
    )


def excluded_summary(excluded: dict[str, int]) -> list[str]:
    """The exclusions in words, for the page."""
    words = {
        "home_team": lambda n: ngettext(
            "%(n)d home-team member left out.", "%(n)d home-team members left out.", n
        ),
        "already_taking_part": lambda n: ngettext(
            "%(n)d person already taking part.", "%(n)d people already taking part.", n
        ),
        "busy": lambda n: ngettext(
            "%(n)d person busy in another assist at that time.",
            "%(n)d people busy in another assist at that time.",
            n,
        ),
        "no_shared_language": lambda n: ngettext(
            "%(n)d person sharing none of the assist's languages.",
            "%(n)d people sharing none of the assist's languages.",
            n,
        ),
    }
    return [words[code](n) % {"n": n} for code, n in sorted(excluded.items()) if code in words]
