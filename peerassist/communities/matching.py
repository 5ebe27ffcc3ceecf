"""Match each Take to the Gives that could answer it: TF-IDF cosine over stemmed words, with
a small boost for words that mean the same thing ("grow" and "growth", "member" and
"membership"). Pure functions: plain strings in, ranked matches with their reasons out."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import Stemmer
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

WORD = re.compile(r"[^\W\d_]+")
#: How much a synonym group counts, next to the word itself (1.0).
SYNONYM_WEIGHT = 0.6
#: Below this cosine a Give is not suggested at all.
MIN_SCORE = 0.05

_STOPWORDS_TEXT = (
    "a about all also am an and any are as at be been but by can could do does for from get "
    "had has have how i if in into is it its just me more my need new not of on one or our "
    "out over so some such than that the their them then there these they this those to up "
    "us was we were what when where which who why will with would you your"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

#: Words that point to the same need. Each group becomes one extra feature.
SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset(
        {"grow", "grew", "growth", "increase", "expand", "scale", "boost", "attract", "recruit"}
    ),
    frozenset({"member", "membership", "participant", "participation", "audience", "user"}),
    frozenset({"community", "network", "forum", "group", "communities"}),
    frozenset({"online", "digital", "virtual", "web", "remote"}),
    frozenset({"engage", "engagement", "involve", "involvement", "active", "activity"}),
    frozenset({"train", "training", "teach", "coach", "coaching", "onboard", "onboarding"}),
    frozenset({"budget", "cost", "costs", "funding", "finance", "money"}),
    frozenset({"customer", "client", "clients", "customers"}),
    frozenset({"plan", "planning", "roadmap", "strategy"}),
)


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


@functools.cache
def _synonym_of() -> dict[str, int]:
    return {stem(word): index for index, group in enumerate(SYNONYMS) for word in group}


@dataclass(frozen=True)
class Terms:
    """A text's features: stem counts, synonym groups, and a stem's first spelling."""

    stems: Counter[str]
    groups: Counter[int]
    spelling: dict[str, str]


def terms(text: str) -> Terms:
    """The text's stems without stop words, and the synonym groups they fall in."""
    stems: Counter[str] = Counter()
    groups: Counter[int] = Counter()
    spelling: dict[str, str] = {}
    synonym_of = _synonym_of()
    for word in WORD.findall(text):
        lower = word.lower()
        if lower in STOPWORDS or len(lower) < 2:
            continue
        root = stem(lower)
        stems[root] += 1
        spelling.setdefault(root, lower)
        if root in synonym_of:
            groups[synonym_of[root]] += 1
    return Terms(stems, groups, spelling)


def _features(t: Terms) -> Counter[str]:
    features: Counter[str] = Counter(t.stems)
    for group, count in t.groups.items():
        features[f"~{group}"] += count
    return features


def _weights(features: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {}
    for feature, count in features.items():
        boost = SYNONYM_WEIGHT if feature.startswith("~") else 1.0
        weights[feature] = (1 + math.log(count)) * idf.get(feature, 1.0) * boost
    return weights


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b[f] for f, weight in a.items() if f in b)
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm


@dataclass(frozen=True)
class Match:
    """A Give suggested for a Take: how well it fits and the words they share."""

    give_id: int
    score: float
    shared: tuple[str, ...]
    related: tuple[str, ...] = ()

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def reason(self) -> str:
        """Why the Give is suggested, in words: what both texts say and what is related."""
        # One whole sentence per case, so a translator can order it.
        words = {"shared": _quoted(self.shared), "related": _quoted(self.related)}
        if self.shared and self.related:
            return _("both say %(shared)s; related: %(related)s") % words
        if self.shared:
            return _("both say %(shared)s") % words
        if self.related:
            return _("related: %(related)s") % words
        return ""


def _quoted(words: Sequence[str]) -> str:
    # The quotation marks are the language's own (« » in French).
    return ", ".join(pgettext("a word quoted", "“%(word)s”") % {"word": word} for word in words)


def match_take(
    take: str,
    gives: Sequence[tuple[int, str]],
    *,
    limit: int = 5,
    min_score: float = MIN_SCORE,
) -> list[Match]:
    """The Gives (id, text) that best answer the Take, best first, each with the words they
    share (the Take's spelling) and the related words that matched through a synonym."""
    return match_all([(0, take)], gives, limit=limit, min_score=min_score).get(0, [])


def match_all(
    takes: Sequence[tuple[int, str]],
    gives: Sequence[tuple[int, str]],
    *,
    limit: int = 5,
    min_score: float = MIN_SCORE,
) -> dict[int, list[Match]]:
    """Every Take's matches among the Gives; document frequencies come from all texts."""
    take_terms = [(i, terms(text)) for i, text in takes]
    give_terms = [(i, terms(text)) for i, text in gives]
    idf = _idf(_features(t) for _, t in [*take_terms, *give_terms])
    give_vectors = [(i, t, _weights(_features(t), idf)) for i, t in give_terms]
    result: dict[int, list[Match]] = {}
    for take_id, take_t in take_terms:
        vector = _weights(_features(take_t), idf)
        found = []
        for give_id, give_t, give_vector in give_vectors:
            score = _cosine(vector, give_vector)
            if score < min_score:
                continue
            shared = [take_t.spelling[s] for s in take_t.stems if s in give_t.stems]
            related = [
                take_t.spelling[s]
                for s in take_t.stems
                if s not in give_t.stems and _synonym_of().get(s) in give_t.groups
            ]
            found.append(Match(give_id, round(score, 4), tuple(shared), tuple(related)))
        found.sort(key=lambda m: (-m.score, m.give_id))
        result[take_id] = found[:limit]
    return result


def _idf(documents: Iterable[Counter[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    total = 0
    for features in documents:
        total += 1
        df.update(features.keys())
    return {f: math.log((1 + total) / (1 + n)) + 1 for f, n in df.items()}
