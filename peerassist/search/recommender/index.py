"""An in-memory BM25 index over each person's evidence, in pure Python.

Each person is one document whose term frequencies are weighted by the evidence they
come from (a starred note counts more than a bio line, an old note less than a new
one). Postings hold the BM25-saturated term weight per person in compact arrays, so a
query over 50,000 people is a few hundred thousand additions, not a scan.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

K1 = 1.2
#: Length normalisation, learnt on the development set (bench/README.md): 0.5 rather than
#: the textbook 0.75, since someone with a long record is not less expert for it.
B = 0.5
#: Field weight of a title (a write-up's or a Give's title, the first line of a commit
#: message) relative to body text: BM25F-style, a term in a title counts this many times.
TITLE_WEIGHT = 3.0
#: In a large organisation, terms in more than this share of people say nothing about who
#: knows what, and skipping them keeps queries fast; small ones keep every term.
MAX_DF_SHARE = 0.5
MIN_SIZE_FOR_DF_CUT = 500
#: Only the most telling query terms are looked up: a long brief stays fast.
MAX_QUERY_TERMS = 40

_WORD = re.compile(r"[^\W\d_]{2,}")
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be
    because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours our us get got one two new use used using need
    le la les un une des du de et en au aux ce ces dans est pour par pas plus sur qui que
    sont avec son sa ses nous vous ils elle leur leurs ou mais donc
    el los las del y por con para una uno es su sus lo al se como mas pero sin sobre"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_stemmer = Stemmer.Stemmer("english")


def _fold(text: str) -> str:
    """Lower case without accents, so "équipe" and "equipe" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def tokens(text: str) -> list[str]:
    """Words of a text as index terms: folded, stop words dropped, stemmed."""
    return [_stem(w) for w in _WORD.findall(_fold(text)) if w not in _STOPWORDS]


@dataclass(frozen=True)
class Hit:
    key: int
    score: float


class EvidenceIndex:
    """BM25 over documents built from weighted texts; keys are caller ids (person ids)."""

    def __init__(
        self, documents: Iterable[tuple[int, Sequence[tuple[str, float]]]], *, b: float = B
    ) -> None:
        keys: list[int] = []
        term_freqs: list[dict[str, float]] = []
        lengths: list[float] = []
        for key, texts in documents:
            tf: dict[str, float] = defaultdict(float)
            length = 0.0
            for text, weight in texts:
                if weight <= 0:
                    continue
                for term, n in Counter(tokens(text)).items():
                    tf[term] += n * weight
                    length += n * weight
            keys.append(key)
            term_freqs.append(tf)
            lengths.append(length)
        self.keys = keys
        self.size = len(keys)
        average = (sum(lengths) / self.size) if self.size else 1.0
        average = average or 1.0
        postings: dict[str, tuple[array[int], array[float]]] = {}
        for doc, (tf, length) in enumerate(zip(term_freqs, lengths, strict=True)):
            norm = K1 * (1 - b + b * length / average)
            for term, f in tf.items():
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = (array("i"), array("f"))
                entry[0].append(doc)
                entry[1].append(f * (K1 + 1) / (f + norm))
        self.postings = postings
        self.idf = {
            term: math.log(1 + (self.size - len(ids) + 0.5) / (len(ids) + 0.5))
            for term, (ids, _w) in postings.items()
        }

    def query_terms(
        self, text: str, max_terms: int | None = None, max_df_share: float | None = None
    ) -> dict[str, float]:
        """The query's known, telling terms with their weight (idf × count), cut to the
        `max_terms` (MAX_QUERY_TERMS) that weigh most. Terms in more than MAX_DF_SHARE of
        the documents (or `max_df_share`, when given) are left out from
        MIN_SIZE_FOR_DF_CUT documents on: in a small collection every term counts."""
        counts = Counter(tokens(text))
        common_cut = self.size >= MIN_SIZE_FOR_DF_CUT
        limit = self.size * (MAX_DF_SHARE if max_df_share is None else max_df_share)
        weighted = {
            term: self.idf[term] * n
            for term, n in counts.items()
            if term in self.postings and (not common_cut or len(self.postings[term][0]) <= limit)
        }
        cut = MAX_QUERY_TERMS if max_terms is None else max_terms
        best = heapq.nlargest(cut, weighted.items(), key=lambda kv: kv[1])
        return dict(best)

    def scores(
        self, text: str, max_terms: int | None = None, max_df_share: float | None = None
    ) -> dict[int, float]:
        """Every matching key with its BM25 score."""
        acc: dict[int, float] = defaultdict(float)
        for term, weight in self.query_terms(text, max_terms, max_df_share).items():
            ids, sats = self.postings[term]
            for doc, sat in zip(ids, sats, strict=True):
                acc[doc] += weight * sat
        keys = self.keys
        return {keys[doc]: score for doc, score in acc.items()}

    def top(
        self, text: str, k: int, max_terms: int | None = None, max_df_share: float | None = None
    ) -> list[Hit]:
        """The k best keys for the text."""
        found = self.scores(text, max_terms, max_df_share)
        best = heapq.nlargest(k, found.items(), key=lambda kv: (kv[1], -kv[0]))
        return [Hit(key, score) for key, score in best]


def best_snippets(
    query: str, texts: Sequence[str], n: int = 3, width: int = 180
) -> list[tuple[int, str, set[str]]]:
    """The n texts sharing most query terms, as (index, snippet around the first match,
    matched terms); texts with no shared term are left out."""
    wanted = set(tokens(query))
    if not wanted:
        return []
    ranked: list[tuple[float, int, set[str]]] = []
    for i, text in enumerate(texts):
        shared = wanted & set(tokens(text))
        if shared:
            ranked.append((len(shared), i, shared))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    return [(i, snippet(texts[i], shared, width), shared) for _n, i, shared in ranked[:n]]


def snippet(text: str, terms: set[str], width: int = 180) -> str:
    """A window of the text around the first word whose stem is one of the terms."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    start = 0
    for match in _WORD.finditer(flat):
        if _stem(_fold(match.group())) in terms:
            start = max(0, match.start() - width // 3)
            break
    end = min(len(flat), start + width)
    start = max(0, end - width)
    cut = flat[start:end].strip()
    return ("…" if start > 0 else "") + cut + ("…" if end < len(flat) else "")


def titled(title: str, body: str, weight: float = 1.0) -> list[tuple[str, float]]:
    """A piece of evidence as weighted fields: its title counts TITLE_WEIGHT times its body."""
    fields = [(title, weight * TITLE_WEIGHT)] if title.strip() else []
    if body.strip():
        fields.append((body, weight))
    return fields


def split_title(text: str) -> tuple[str, str]:
    """The first line of a text as its title, the rest as its body."""
    first, _newline, rest = text.strip().partition("\n")
    return first, rest
