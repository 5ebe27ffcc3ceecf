"""The organisation's history: past assists like this one, and who took part in them."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from peerassist.assists.models import PeerAssist, Status
from peerassist.assists.selectors import assist_list
from peerassist.core.scoping import Viewer
from peerassist.search.recommender import rules
from peerassist.search.recommender.corpus import Corpus
from peerassist.search.recommender.evidence import DONE_STATUSES, assist_text
from peerassist.search.recommender.index import EvidenceIndex, titled

SIMILAR_STATUSES = (Status.DRAFT, Status.PLANNED, Status.INVITED, Status.LIVE)
SIMILAR_LIMIT = 5
#: A similar assist must share at least this BM25 score with the brief, and at least this
#: share of the best one's: an assist that shares a common word or two is left out.
SIMILAR_MIN_SCORE = 1.0
SIMILAR_MIN_SHARE = 0.35

#: The index of the assists a viewer may see (less the one asked about), for the last few
#: such sets; rebuilt only when one of them is added, edited or changes status (each save
#: bumps its `updated_at`).
_similar_cache: OrderedDict[int, EvidenceIndex] = OrderedDict()
_SIMILAR_CACHE_SIZE = 32


@dataclass(frozen=True)
class SimilarAssist:
    assist: PeerAssist
    score: float
    #: The published write-up's assist id when the viewer may read it, else None.
    writeup: bool = False

    @property
    def done(self) -> bool:
        return self.assist.status in DONE_STATUSES


def _past_index(others: Any) -> EvidenceIndex | None:
    """The viewer's visible past and current assists indexed by their brief, from the cache
    while none of them changed."""
    stamp = tuple(others.order_by("pk").values_list("pk", "updated_at", "status"))
    if not stamp:
        return None
    key = hash(stamp)
    index = _similar_cache.get(key)
    if index is not None:
        _similar_cache.move_to_end(key)
        return index
    index = EvidenceIndex(
        (a.pk, titled(a.title, assist_text(a).removeprefix(a.title))) for a in others
    )
    _similar_cache[key] = index
    while len(_similar_cache) > _SIMILAR_CACHE_SIZE:
        _similar_cache.popitem(last=False)
    return index


def history_for(corpus: Corpus, query: str, assist: PeerAssist) -> dict[int, float]:
    """Who took part in the past assists most similar to the brief (not this one), each
    assist counting its similarity times its recency."""
    if corpus.past is None:
        return {}
    hits = corpus.past.top(
        query, rules.HISTORY_NEIGHBOURS + 1, rules.HISTORY_QUERY_TERMS, rules.HISTORY_MAX_DF_SHARE
    )
    neighbours = [
        (h.score * corpus.took_part[h.key][1], corpus.took_part[h.key][0])
        for h in hits
        if h.key != assist.pk
    ]
    return rules.history_scores(neighbours)


def similar_assists(
    *, viewer: Viewer, assist: PeerAssist | None, text: str, limit: int = SIMILAR_LIMIT
) -> list[SimilarAssist]:
    """Other assists visible to the viewer on a similar problem: those already held (with
    their write-up) first, then those being planned or run now; an assist whose score is
    under SIMILAR_MIN_SCORE or SIMILAR_MIN_SHARE of the best one's is left out."""
    from peerassist.writeups.models import WriteUp, WriteUpStatus

    others = assist_list(viewer=viewer).filter(status__in=(*DONE_STATUSES, *SIMILAR_STATUSES))
    if assist is not None:
        others = others.exclude(pk=assist.pk)
    index = _past_index(others)
    if index is None:
        return []
    hits = index.top(text, index.size)
    if not hits:
        return []
    floor = max(SIMILAR_MIN_SCORE, SIMILAR_MIN_SHARE * hits[0].score)
    kept = [h for h in hits if h.score >= floor]
    # Fetched again through the viewer's scope: the index only says which ones matched.
    found = others.in_bulk([h.key for h in kept])
    kept = [h for h in kept if h.key in found]
    published = set(
        WriteUp.objects.filter(
            assist_id__in=[h.key for h in kept], status=WriteUpStatus.PUBLISHED
        ).values_list("assist_id", flat=True)
    )
    similar = [
        SimilarAssist(found[h.key], round(h.score, 4), writeup=h.key in published) for h in kept
    ]
    similar.sort(key=lambda s: (not s.done, -s.score))
    return similar[:limit]
