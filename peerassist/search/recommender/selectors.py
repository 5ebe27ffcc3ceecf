"""Gather the evidence about people and rank them for an assist, seen by one viewer.

Evidence comes only from assists the viewer may see (`assists.selectors.assist_list`),
so neither a snippet nor a ranking reveals what a private assist said. Visits and busy
times are counted organisation-wide: they are availability, shown only as a number.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerassist.assists.models import Participation, PeerAssist, Role, Status
from peerassist.assists.selectors import assist_list
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.search.recommender import rules
from peerassist.search.recommender.index import EvidenceIndex, best_snippets, titled
from peerassist.search.text import plain_text

#: Evidence from having taken part in a past assist: ranked by the history signal.
HISTORY_SOURCES = frozenset({"led", "visited"})
SIMILAR_STATUSES = (Status.DRAFT, Status.PLANNED, Status.INVITED, Status.LIVE)
#: Assists that happened: their home team and visiting peers are evidence (issue 22).
DONE_STATUSES = (Status.CONCLUDED, Status.WRITTEN_UP, Status.FOLLOWED_UP)
WRITEUP_CHARS = 4000
SNIPPETS_PER_PERSON = 3
SIMILAR_LIMIT = 5
#: A similar assist must share at least this BM25 score with the brief, and at least this
#: share of the best one's: an assist that shares a common word or two is left out.
SIMILAR_MIN_SCORE = 1.0
SIMILAR_MIN_SHARE = 0.35
_CACHE_SIZE = 8


@dataclass(frozen=True)
class Evidence:
    """One piece of what someone did or knows, with where it comes from."""

    source: str  # led | visited | contribution | writeup | tag | give | profile
    text: str
    weight: float
    assist_id: int | None = None
    assist_title: str = ""
    starred: bool = False
    in_action: bool = False
    when: datetime | None = None
    #: A title field (BM25F: counts index.TITLE_WEIGHT times the text).
    title: str = ""

    @property
    def fields(self) -> list[tuple[str, float]]:
        return (
            titled(self.title, self.text, self.weight) if self.title else [(self.text, self.weight)]
        )

    @property
    def label(self) -> str:
        month = date_format(timezone.localtime(self.when), "F Y") if self.when else ""
        if self.source == "led":
            if month:
                return _("Home team of “%(assist)s” (held %(when)s)") % {
                    "assist": self.assist_title,
                    "when": month,
                }
            return _("Home team of “%(assist)s”") % {"assist": self.assist_title}
        if self.source == "visited":
            if month:
                return _("Visiting peer in “%(assist)s” (held %(when)s)") % {
                    "assist": self.assist_title,
                    "when": month,
                }
            return _("Visiting peer in “%(assist)s”") % {"assist": self.assist_title}
        if self.source == "contribution":
            if self.in_action:
                return _("Note that became an action in “%(assist)s”") % {
                    "assist": self.assist_title
                }
            if self.starred:
                return _("Starred note in “%(assist)s”") % {"assist": self.assist_title}
            return _("Note in “%(assist)s”") % {"assist": self.assist_title}
        if self.source == "writeup":
            return _("Write-up of “%(assist)s”, where they took part") % {
                "assist": self.assist_title
            }
        if self.source == "tag":
            return _("Expertise tag")
        if self.source == "give":
            return _("Give")
        return _("Profile")


@dataclass(frozen=True)
class Snippet:
    """The passage that matched, as plain text, and where it comes from."""

    source: str
    label: str
    text: str
    assist_id: int | None
    when: datetime | None = None


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


@dataclass(frozen=True)
class SimilarAssist:
    assist: PeerAssist
    score: float
    #: The published write-up's assist id when the viewer may read it, else None.
    writeup: bool = False

    @property
    def done(self) -> bool:
        return self.assist.status in DONE_STATUSES


@dataclass
class Recommendations:
    suggestions: list[Suggestion]
    similar: list[SimilarAssist]
    excluded: dict[str, int] = field(default_factory=dict)


@dataclass
class _Corpus:
    """Everything needed to rank the organisation's people for one viewer."""

    index: EvidenceIndex
    evidence: dict[int, list[Evidence]]
    people: dict[int, rules.Candidate]
    #: Assists that were held, indexed by their brief, and who took part in each (with the
    #: recency factor of when it was held): "who helped on similar past assists".
    past: EvidenceIndex | None = None
    took_part: dict[int, tuple[dict[int, float], float]] = field(default_factory=dict)


_cache: OrderedDict[tuple[Any, ...], _Corpus] = OrderedDict()


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


def _visible_assists(viewer: Viewer) -> Any:
    return assist_list(viewer=viewer).order_by().values("pk")


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


def _gather(viewer: Viewer, now: datetime) -> tuple[dict[int, list[Evidence]], dict[int, Person]]:
    from peerassist.live.models import Contribution
    from peerassist.writeups.models import Action, WriteUp, WriteUpStatus

    org = viewer.organisation
    visible = _visible_assists(viewer)
    people = {
        p.pk: p
        for p in Person.objects.filter(organisation=org)
        .select_related("unit")
        .prefetch_related("languages", "expertise")
    }
    evidence: dict[int, list[Evidence]] = defaultdict(list)

    def age(when: datetime | None) -> float:
        return (now - when).total_seconds() / 86400 if when else 0.0

    in_action = set(
        Action.contributions.through.objects.filter(contribution__assist__in=visible).values_list(
            "contribution_id", flat=True
        )
    )
    notes = Contribution.objects.filter(
        assist__in=visible, deleted_at__isnull=True, author_id__in=people.keys()
    ).values_list("pk", "author_id", "text", "starred", "created_at", "assist_id", "assist__title")
    for pk, author_id, text, starred, created, assist_id, title in notes:
        acted = pk in in_action
        weight = rules.evidence_weight("contribution", starred=starred, in_action=acted)
        evidence[author_id].append(
            Evidence(
                "contribution",
                text,
                weight * rules.recency_factor(age(created)),
                assist_id,
                title,
                starred,
                acted,
                when=created,
            )
        )
    writeups = WriteUp.objects.filter(
        assist__in=visible, status=WriteUpStatus.PUBLISHED
    ).values_list("assist_id", "assist__title", "body", "published_at")
    bodies = {a: (title, body[:WRITEUP_CHARS], when) for a, title, body, when in writeups}
    # Only those who took part: not people who declined, were withdrawn or did not come.
    for assist_id, person_id in (
        Participation.objects.attended()
        .filter(assist_id__in=bodies.keys())
        .values_list("assist_id", "person_id")
    ):
        title, body, when = bodies[assist_id]
        weight = rules.evidence_weight("writeup") * rules.recency_factor(age(when))
        evidence[person_id].append(
            Evidence("writeup", plain_text(body), weight, assist_id, title, when=when, title=title)
        )
    _past_assists(visible, evidence, age)
    for person in people.values():
        for tag in person.expertise.all():
            evidence[person.pk].append(Evidence("tag", tag.name, rules.evidence_weight("tag")))
        profile = " ".join(t for t in (person.job_title, person.bio) if t)
        if profile:
            evidence[person.pk].append(
                Evidence("profile", profile, rules.evidence_weight("profile"))
            )
    for person_id, title, text, created in _gives(org):
        weight = rules.evidence_weight("give") * rules.recency_factor(age(created))
        evidence[person_id].append(Evidence("give", text, weight, when=created, title=title))
    return evidence, people


def _past_assists(visible: Any, evidence: dict[int, list[Evidence]], age: Any) -> None:
    """The home team and visiting peers of assists that were held are evidence of what
    the assist was about (issue 22): the home team lived it, so counts most."""
    held = {
        a.pk: a
        for a in PeerAssist.objects.filter(pk__in=visible, status__in=DONE_STATUSES).only(
            "pk",
            "title",
            "business_context",
            "challenge",
            "planned_approach",
            "desired_outcome",
            "focus_questions",
            "starts_at",
            "created_at",
        )
    }
    if not held:
        return
    roles: dict[str, str] = {Role.HOME_PEER: "led", Role.VISITING_PEER: "visited"}
    # Those who took part (issue 22 part 1): not who declined, was withdrawn or did not come.
    rows = (
        Participation.objects.attended()
        .filter(assist_id__in=held.keys(), role__in=roles)
        .values_list("assist_id", "person_id", "role")
    )
    for assist_id, person_id, role in rows:
        assist = held[assist_id]
        when = assist.starts_at or assist.created_at
        source = roles[role]
        # One passage per part of the brief, so the card quotes the part that matched.
        body = "\n\n".join(
            part.strip()
            for part in assist_text(assist).removeprefix(assist.title).split("\n")
            if part.strip()
        )
        weight = rules.evidence_weight(source) * rules.recency_factor(age(when))
        evidence[person_id].append(
            Evidence(source, body, weight, assist_id, assist.title, when=when, title=assist.title)
        )


def _gives(org: Any) -> list[tuple[int, str, str, datetime]]:
    """Gives (communities) if that app provides them; nothing otherwise."""
    try:
        give = apps.get_model("communities", "Give")
    except LookupError:
        return []
    return list(
        give.objects.filter(person__organisation=org).values_list(
            "person_id", "title", "text", "created_at"
        )
    )


def _corpus(viewer: Viewer, now: datetime) -> _Corpus:
    key = (*_fingerprint(viewer), now.date())
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    evidence, people = _gather(viewer, now)
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
    corpus = _Corpus(
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


def assist_text(assist: PeerAssist) -> str:
    """The brief as one text: what the peers are asked to help with."""
    return "\n".join(
        [
            assist.title,
            assist.business_context,
            assist.challenge,
            assist.planned_approach,
            assist.desired_outcome,
            *[str(q) for q in assist.focus_questions],
        ]
    )


def assist_facts(*, assist: PeerAssist) -> rules.AssistFacts:
    """Who is already in, the home team's units and the assist's languages."""
    rows = list(
        Participation.objects.filter(assist=assist).values_list("person_id", "role", "person__unit")
    )
    return rules.AssistFacts(
        home_ids=frozenset(p for p, role, _u in rows if role == Role.HOME_PEER),
        participant_ids=frozenset(p for p, _r, _u in rows),
        home_unit_ids=frozenset(u for _p, role, u in rows if role == Role.HOME_PEER and u),
        languages=frozenset(assist.languages.values_list("code", flat=True)),
    )


def visits_last_year(*, organisation: Any, now: datetime) -> dict[int, int]:
    """How often each person was a visiting peer in assists of the last 365 days."""
    rows = (
        Participation.objects.filter(
            assist__organisation=organisation,
            role=Role.VISITING_PEER,
            assist__starts_at__gte=now - timedelta(days=365),
            assist__starts_at__lte=now,
        )
        .values("person_id")
        .annotate(n=Count("pk"))
    )
    return {r["person_id"]: r["n"] for r in rows}


def busy_people(*, assist: PeerAssist) -> set[int]:
    """People taking part in another assist overlapping this one's time."""
    if assist.starts_at is None:
        return set()
    ends = assist.ends_at or assist.starts_at + timedelta(hours=2)
    overlapping = (
        PeerAssist.objects.filter(organisation=assist.organisation, starts_at__lt=ends)
        .filter(
            Q(ends_at__gt=assist.starts_at)
            | Q(ends_at__isnull=True, starts_at__gte=assist.starts_at)
        )
        .exclude(pk=assist.pk)
    )
    return set(
        Participation.objects.filter(assist__in=overlapping).values_list("person_id", flat=True)
    )


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
    corpus = _corpus(viewer, now)
    facts = assist_facts(assist=assist)
    visits = visits_last_year(organisation=viewer.organisation, now=now)
    busy = busy_people(assist=assist)
    scores = rules.blend(corpus.index.scores(query), _history(corpus, query, assist))
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
            evidence=_snippets(query, corpus.evidence.get(r.candidate.person_id, [])),
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


def _history(corpus: _Corpus, query: str, assist: PeerAssist) -> dict[int, float]:
    """Who took part in the past assists most similar to the brief (not this one), each
    assist counting its similarity times its recency."""
    if corpus.past is None:
        return {}
    hits = corpus.past.top(query, rules.HISTORY_NEIGHBOURS + 1, rules.HISTORY_QUERY_TERMS)
    neighbours = [
        (h.score * corpus.took_part[h.key][1], corpus.took_part[h.key][0])
        for h in hits
        if h.key != assist.pk
    ]
    return rules.history_scores(neighbours)


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


def _snippets(query: str, evidence: list[Evidence]) -> list[Snippet]:
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
    found = {a.pk: a for a in others}
    if not found:
        return []
    index = EvidenceIndex(
        (pk, titled(a.title, assist_text(a).removeprefix(a.title))) for pk, a in found.items()
    )
    hits = index.top(text, len(found))
    if not hits:
        return []
    floor = max(SIMILAR_MIN_SCORE, SIMILAR_MIN_SHARE * hits[0].score)
    kept = [h for h in hits if h.score >= floor]
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
