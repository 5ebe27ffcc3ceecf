"""The passages a card quotes: the part of the evidence that matched, as plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from peerassist.search.recommender.evidence import Evidence
from peerassist.search.recommender.index import best_snippets
from peerassist.search.text import plain_text

SNIPPETS_PER_PERSON = 3


@dataclass(frozen=True)
class Snippet:
    """The passage that matched, as plain text, and where it comes from."""

    source: str
    label: str
    text: str
    assist_id: int | None
    when: datetime | None = None


def passages(text: str) -> list[str]:
    """A text as plain-text paragraphs (Markdown markup and list bullets dropped)."""
    found = []
    for block in re.split(r"\n\s*\n", plain_text(text)):
        lines = [
            re.sub(r"^\s*(?:[-+]|\d+[.)])\s+", "", line).strip() for line in block.splitlines()
        ]
        flat = " ".join(line for line in lines if line)
        if flat:
            found.append(flat)
    return found


def snippets_for(query: str, evidence: list[Evidence]) -> list[Snippet]:
    """The passages that matched the brief best, one per piece of evidence, with their
    source: a write-up shows the paragraph that matched, not its first lines."""
    ordered = sorted(evidence, key=lambda e: -e.weight)
    texts: list[str] = []
    owner: list[Evidence] = []
    for e in ordered:
        for passage in passages(f"{e.title}\n\n{e.text}" if e.source == "give" else e.text):
            texts.append(passage)
            owner.append(e)
    picked = best_snippets(query, texts, n=len(texts))
    seen: set[int] = set()
    found = []
    for i, text, _terms in picked:
        e = owner[i]
        if id(e) in seen:
            continue
        seen.add(id(e))
        found.append(Snippet(e.source, e.label, text, e.assist_id, e.when))
        if len(found) == SNIPPETS_PER_PERSON:
            break
    return found
