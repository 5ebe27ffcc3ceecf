"""Text handling shared by the search backends: words, stems, accents, languages, queries,
and highlighted snippets built from the original text (the SQLite index holds stems)."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

import Stemmer
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Languages with a stemmer (and a PostgreSQL configuration); others are indexed as English.
LANGUAGES = ("en", "fr", "es")
_STEMMER_NAMES = {"en": "english", "fr": "french", "es": "spanish"}
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS = {
    "en": _wordset(
        "a an and are as at be but by for from has have how i in is it its of on or our that "
        "the their this to was we were what when which who will with you your"
    ),
    "fr": _wordset(
        "au aux avec ce ces dans de des du elle en est et il ils je la le les leur mais ne nous "
        "nos notre on ou par pas pour qu que qui sa se ses son sur un une vous à été être"
    ),
    "es": _wordset(
        "al como con de del el en es esta este la las lo los más no nos o para pero por que se "
        "su sus un una y ya él está"
    ),
}


def fold(word: str) -> str:
    """Lower case without accents: "Réunion" → "reunion"."""
    if word.isascii():  # most words: nothing to decompose (snippets fold every word shown)
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES.get(language, "english"))


def stem(word: str, language: str) -> str:
    """The folded Snowball stem of one word: stem first (the stemmers know accents), then fold."""
    return fold(_stemmer(language).stemWord(word.lower()))


def stems(text: str, language: str) -> str:
    """The text as space-separated stems, in order: what the SQLite index holds."""
    words = WORD.findall(text)
    stemmer = _stemmer(language)
    return " ".join(fold(s) for s in stemmer.stemWords([w.lower() for w in words]))


def normalise_language(code: str | None) -> str | None:
    base = (code or "").split("-")[0].lower()
    return base if base in LANGUAGES else None


def guess_language(text: str, hint: str | None = None) -> str:
    """English, French or Spanish by counting common words; a stated language (the hint)
    wins unless the text is clearly in another."""
    words = [w.lower() for w in WORD.findall(text[:4000])]
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    hinted = normalise_language(hint)
    best = max(LANGUAGES, key=lambda lang: scores[lang])
    if hinted and not (scores[best] >= 3 and scores[best] > 2 * scores[hinted]):
        return hinted  # the stated language wins unless the text is clearly another one
    return best if scores[best] else "en"


_MARKDOWN_NOISE = re.compile(r"(^|\s)#{1,6}\s|[*_`>|]+|!?\[([^\]]*)\]\([^)]*\)", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """Markdown without its markup, good enough for snippets."""
    return _MARKDOWN_NOISE.sub(lambda m: (m.group(1) or "") + (m.group(2) or ""), markdown)


# --- Queries ------------------------------------------------------------------------------

_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


@dataclass
class ParsedQuery:
    """What a person typed, reduced to plain words: no operator of either backend survives."""

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    #: Any of the words (and phrases) rather than all of them: the fallback when all
    #: together find little.
    any_word: bool = False

    @property
    def widenable(self) -> bool:
        """More than one word or phrase to look for, so "any of them" finds more. Not with
        -excluded words: websearch syntax binds "a or b -c" as "a or (b and not c)"."""
        return len(self.terms) + len(self.phrases) > 1 and not self.excluded

    def widened(self) -> ParsedQuery:
        return ParsedQuery(list(self.terms), list(self.phrases), list(self.excluded), True)

    @property
    def words(self) -> list[str]:
        """Every positive word, in the order typed (for the exact-phrase boost)."""
        return [*self.terms, *(w for phrase in self.phrases for w in phrase)]

    def websearch(self) -> str:
        """The query again in websearch syntax, rebuilt from clean words only."""
        parts = list(self.terms)
        parts += ['"' + " ".join(phrase) + '"' for phrase in self.phrases]
        wanted = (" or " if self.any_word else " ").join(parts)
        return " ".join([wanted, *("-" + word for word in self.excluded)])


def parse_query(text: str) -> ParsedQuery:
    """Words, "quoted phrases" and -excluded words; raises ValidationError with a message a
    person can act on when nothing is left to search for."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationError(
            _("The search is too long: use at most %(n)s characters.") % {"n": MAX_QUERY_CHARS},
            code="too_long",
        )
    query = ParsedQuery()
    for match in _PART.finditer(text):
        if match.group(2) is not None:
            words = WORD.findall(match.group(2))
            if match.group(1):
                query.excluded += words
            elif len(words) > 1:
                query.phrases.append(words)
            else:
                query.terms += words
        else:
            words = WORD.findall(match.group(4))
            if match.group(3) and words:
                query.excluded += words
            else:
                query.terms += words
    if not query.terms and not query.phrases:
        raise ValidationError(_("Type at least one word to search for."), code="empty")
    if len(query.words) + len(query.excluded) > MAX_QUERY_TERMS:
        raise ValidationError(
            _("The search has too many words: use at most %(n)s.") % {"n": MAX_QUERY_TERMS},
            code="too_many_words",
        )
    return query


def is_stopword(word: str) -> bool:
    """A very common word in any of the languages ("the", "de", "los")."""
    lowered = word.lower()
    return any(lowered in stop for stop in _STOPWORDS.values())


# --- Snippets ----------------------------------------------------------------------------

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


def marked_to_html(text: str) -> str:
    """Escape text whose highlights are wrapped in private-use markers, then mark them."""
    escaped = html.escape(text.replace("\x00", ""))
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


def snippet(
    text: str, language: str, wanted: set[str], *, words: int = 28, text_stems: str = ""
) -> str:
    """A window of `text` around the most matched stems, matches between markers.
    `text_stems` is `stems(text, language)` when the caller has it (the SQLite index stores
    it): the text is then not stemmed again, the most costly part of a snippet."""
    tokens = list(WORD.finditer(text))
    if not tokens:
        return ""
    token_stems = text_stems.split()
    if len(token_stems) != len(tokens):  # not given, or not from this text
        stemmer = _stemmer(language)
        token_stems = [fold(s) for s in stemmer.stemWords([t.group().lower() for t in tokens])]
    found = [s in wanted for s in token_stems]
    best_start, best_score = 0, 0
    for start in (i for i, hit in enumerate(found) if hit):
        window = range(start, min(start + words, len(tokens)))
        score = len({token_stems[i] for i in window if found[i]})
        if score > best_score:
            best_start, best_score = start, score
    best_start = max(0, best_start - 4) if best_start else 0
    end = min(best_start + words, len(tokens))
    out: list[str] = ["… "] if best_start else []
    position = tokens[best_start].start() if best_start else 0
    for i in range(best_start, end):
        token = tokens[i]
        out.append(text[position : token.start()])
        out.append(MARK_OPEN + token.group() + MARK_CLOSE if found[i] else token.group())
        position = token.end()
    if end < len(tokens):
        out.append(" …")
    else:  # the closing punctuation belongs to the text
        out.append(text[position:])
    return " ".join("".join(out).split())
