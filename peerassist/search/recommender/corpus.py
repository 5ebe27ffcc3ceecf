"""The organisation's evidence indexed for one viewer, cached until something it uses changes."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max

from peerassist.assists.models import Participation
from peerassist.assists.selectors import assist_list
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.search.recommender import rules
from peerassist.search.recommender.evidence import HISTORY_SOURCES, Evidence, gather
from peerassist.search.recommender.index import EvidenceIndex, titled

_CACHE_SIZE = 8


@dataclass
class Corpus:
    """Everything needed to rank the organisation's people for one viewer."""

    index: EvidenceIndex
    evidence: dict[int, list[Evidence]]
    people: dict[int, rules.Candidate]
    #: Assists that were held, indexed by their brief, and who took part in each (with the
    #: recency factor of when it was held): "who helped on similar past assists".
    past: EvidenceIndex | None = None
    took_part: dict[int, tuple[dict[int, float], float]] = field(default_factory=dict)


_cache: OrderedDict[tuple[Any, ...], Corpus] = OrderedDict()


def _fingerprint(viewer: Viewer) -> tuple[Any, ...]:
    """Changes whenever evidence the ranking uses may have changed."""
    org = viewer.organisation
    from peerassist.live.models import Contribution
    from peerassist.writeups.models import WriteUp

    people = Person.objects.filter(organisation=org).aggregate(n=Count("pk"), t=Max("updated_at"))
    notes = Contribution.objects.filter(assist__organisation=org).aggregate(
        n=Count("pk"), t=Max("updated_at")
    )
    writeups = WriteUp.objects.filter(assist__organisation=org).aggregate(
        n=Count("pk"), t=Max("updated_at")
    )
    visible = tuple(sorted(assist_list(viewer=viewer).values_list("pk", flat=True)))
    return (
        org.pk,
        hash(visible),
        tuple(people.values()),
        tuple(notes.values()),
        tuple(writeups.values()),
        # Answers change who took part without changing how many rows there are.
        Participation.objects.attended().filter(assist__organisation=org).count(),
    )


def corpus_for(viewer: Viewer, now: datetime) -> Corpus:
    key = (*_fingerprint(viewer), now.date())
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    evidence, people = gather(viewer, now)
    # Past assists count through the history signal (rules.history_scores), not also as
    # words in the profile: they stay in `evidence` for the passages a card quotes.
    index = EvidenceIndex(
        (pid, [f for e in items if e.source not in HISTORY_SOURCES for f in e.fields])
        for pid, items in evidence.items()
    )
    briefs: dict[int, list[tuple[str, float]]] = {}
    took_part: dict[int, tuple[dict[int, float], float]] = {}
    for pid, items in evidence.items():
        for e in items:
            if e.source in HISTORY_SOURCES and e.assist_id is not None:
                briefs.setdefault(e.assist_id, titled(e.assist_title, e.text))
                when = e.when
                age = (now - when).total_seconds() / 86400 if when else 0.0
                who = took_part.setdefault(e.assist_id, ({}, rules.recency_factor(age)))[0]
                # The part they played: the home team counts above a visiting peer.
                who[pid] = max(who.get(pid, 0.0), rules.evidence_weight(e.source))
    candidates = {
        p.pk: rules.Candidate(
            person_id=p.pk,
            unit_id=p.unit_id,
            level=p.level,
            languages=frozenset(lang.code for lang in p.languages.all()),
            skills=frozenset(t.name.lower() for t in p.expertise.all()),
        )
        for p in people.values()
    }
    corpus = Corpus(
        index,
        dict(evidence),
        candidates,
        EvidenceIndex(briefs.items()) if briefs else None,
        took_part,
    )
    _cache[key] = corpus
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return corpus
