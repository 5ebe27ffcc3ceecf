"""Breakout groups by the guide (the 90-minute variant, seeds/002): the rules a group should
meet, a proposal that meets them in their order, and a check of any grouping against them.

In order: everyone in a group shares its language (people must understand each other);
6–8 people a group where the numbers allow; at least one home peer and one person who may
record notes (a facilitator or note-taker) in each group; facilitators spread across groups.

Pure: people in, groups and findings out. The service saves the proposal; organisers move
people by hand, and the same check (`breakout_findings`) tells them what a move breaks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerassist.core.findings import Finding, Level

GROUP_MIN = 6
GROUP_MAX = 8

HOME_PEER = "home_peer"
VISITING_PEER = "visiting_peer"
FACILITATOR = "facilitator"
NOTE_TAKER = "note_taker"
RECORDERS = frozenset({FACILITATOR, NOTE_TAKER})


@dataclass(frozen=True)
class Member:
    id: int
    is_home: bool
    languages: tuple[str, ...]
    #: The role in the assist; without it, a home or visiting peer (from `is_home`).
    role: str = ""
    name: str = ""

    @property
    def kind(self) -> str:
        return self.role or (HOME_PEER if self.is_home else VISITING_PEER)

    @property
    def is_recorder(self) -> bool:
        """May record notes in the room for the group."""
        return self.kind in RECORDERS


@dataclass(frozen=True)
class ProposedGroup:
    member_ids: tuple[int, ...]
    language: str | None


def group_sizes(n: int, low: int = GROUP_MIN, high: int = GROUP_MAX) -> list[int]:
    """Sizes for n people: the fewest groups that keep every size in [low, high], if any does;
    otherwise the fewest groups of at most `high`, as even as possible."""
    if n <= 0:
        return []
    if n <= high:
        return [n]
    k = next((k for k in range(1, n + 1) if low * k <= n <= high * k), None)
    if k is None:
        k = -(-n // high)
    base, extra = divmod(n, k)
    return [base + 1] * extra + [base] * (k - extra)


#: A bucket smaller than this cannot hold a discussion on its own: its people join another
#: group if they speak its language.
TOO_FEW_TO_TALK = 3


def _fits(n: int) -> bool:
    """Whether n people can be cut into groups all of 6–8 (or are one group of 6–8)."""
    return any(GROUP_MIN * k <= n <= GROUP_MAX * k for k in range(1, n // GROUP_MIN + 1))


def _buckets(members: Sequence[Member]) -> dict[str | None, list[Member]]:
    """Everyone in one language bucket: the language most of the unplaced people share first."""
    unplaced = [m for m in members if m.languages]
    buckets: dict[str | None, list[Member]] = {}
    while unplaced:
        counts = Counter(lang for m in unplaced for lang in set(m.languages))
        language = min(counts, key=lambda lang: (-counts[lang], lang))
        buckets[language] = [m for m in unplaced if language in m.languages]
        unplaced = [m for m in unplaced if language not in m.languages]
    # People whose languages are not known can join any group: the smallest ones first.
    for member in (m for m in members if not m.languages):
        if not buckets:
            buckets[None] = []
        smallest = min(buckets, key=lambda lang: len(buckets[lang]))
        buckets[smallest].append(member)
    return buckets


def _health(bucket: list[Member]) -> tuple[bool, bool, bool]:
    """(enough home peers, enough recorders, sizes of 6–8) for the groups cut from a bucket."""
    k = len(group_sizes(len(bucket)))
    homes = sum(1 for m in bucket if m.kind == HOME_PEER)
    recorders = sum(1 for m in bucket if m.is_recorder)
    return homes >= k, recorders >= k, _fits(len(bucket))


def _no_worse(before: tuple[bool, ...], after: tuple[bool, ...]) -> bool:
    return all(a or not b for b, a in zip(before, after, strict=True))


def _better_together(
    before: tuple[tuple[bool, ...], ...], after: tuple[tuple[bool, ...], ...], need: int
) -> bool:
    """Whether a move between two buckets leaves every rule met by no fewer of them, and the
    rule `need` by more."""
    count_before = [sum(flags) for flags in zip(*before, strict=True)]
    count_after = [sum(flags) for flags in zip(*after, strict=True)]
    no_fewer = all(a >= b for b, a in zip(count_before, count_after, strict=True))
    return no_fewer and count_after[need] > count_before[need]


def _repair(buckets: dict[str | None, list[Member]]) -> None:
    """Move people who speak several languages into buckets that lack a home peer, a
    recorder or the numbers for groups of 6–8, as long as their own bucket keeps what it has."""
    for _round in range(500):
        moved = False
        for need in (0, 1, 2):  # home peer, recorder, size: in the guide's order
            for language in sorted(buckets, key=lambda lang: (len(buckets[lang]), lang or "")):
                if language is None or _health(buckets[language])[need]:
                    continue
                before = _health(buckets[language])
                for other in sorted(buckets, key=lambda lang: (-len(buckets[lang]), lang or "")):
                    if other == language:
                        continue
                    donors = buckets[other]
                    wanted = [
                        m
                        for m in donors
                        if language in m.languages
                        and (
                            (need == 0 and m.kind == HOME_PEER)
                            or (need == 1 and m.is_recorder)
                            or need == 2
                        )
                    ]
                    # For size, visiting peers move first; then whoever the donor can spare.
                    wanted.sort(key=lambda m: (m.kind != VISITING_PEER, m.kind == FACILITATOR))
                    for candidate in wanted:
                        rest = [m for m in donors if m is not candidate]
                        gains = [*buckets[language], candidate]
                        kept = _no_worse(_health(donors), _health(rest)) and _no_worse(
                            before, _health(gains)
                        )
                        # A trade also counts: the donor may lose what the bucket gains, if
                        # no rule ends up met by fewer of the two and this one by more (a
                        # note-taker who speaks French moves to the French group although the
                        # English one falls to five: each still has one of the two of 6–8).
                        if not kept and not _better_together(
                            (_health(donors), before), (_health(rest), _health(gains)), need
                        ):
                            continue
                        if _health(gains) == before and need != 2:
                            continue
                        if need == 2 and not _health(gains)[2] and len(gains) > GROUP_MAX:
                            continue
                        buckets[other] = rest
                        buckets[language] = gains
                        moved = True
                        break
                    if moved:
                        break
                if moved:
                    break
            if moved:
                break
        if not moved:
            break
    # Buckets too small to talk: their people join a bucket whose language they speak,
    # preferably one big enough to talk, else the biggest.
    done: set[str | None] = set()
    while True:
        small = [
            lang
            for lang in buckets
            if lang not in done and len(buckets[lang]) < TOO_FEW_TO_TALK and len(buckets) > 1
        ]
        if not small:
            break
        language = min(small, key=lambda lang: (len(buckets[lang]), lang or ""))
        done.add(language)
        for member in list(buckets[language]):
            spoken = [lang for lang in buckets if lang != language and lang in member.languages]
            if not spoken:
                continue
            target = min(
                spoken,
                key=lambda lang: (len(buckets[lang]) < TOO_FEW_TO_TALK, -len(buckets[lang])),
            )
            buckets[language].remove(member)
            buckets[target].append(member)
        if not buckets[language]:
            del buckets[language]


def _split(members: list[Member]) -> list[list[Member]]:
    """Cut one bucket into groups of the planned sizes: facilitators first, one a group, then
    note-takers, then home peers, each to the group with fewest of its kind; visiting peers
    fill the rest."""
    sizes = group_sizes(len(members))
    groups: list[list[Member]] = [[] for _ in sizes]

    def place(member: Member, same: Callable[[Member], bool]) -> None:
        open_groups = [i for i, g in enumerate(groups) if len(g) < sizes[i]]
        best = min(
            open_groups,
            key=lambda i: (
                sum(1 for m in groups[i] if same(m)),
                sum(1 for m in groups[i] if m.is_recorder) if member.is_recorder else 0,
                len(groups[i]) - sizes[i],
                i,
            ),
        )
        groups[best].append(member)

    def of_kind(kind: str) -> Callable[[Member], bool]:
        return lambda m: m.kind == kind

    known = (FACILITATOR, NOTE_TAKER, HOME_PEER, VISITING_PEER)
    for kind in known:
        for member in (m for m in members if m.kind == kind):
            place(member, of_kind(kind))
    for member in (m for m in members if m.kind not in known):
        place(member, of_kind(""))
    return groups


def _common_language(group: Sequence[Member], preferred: str | None) -> str | None:
    known = [set(m.languages) for m in group if m.languages]
    shared = set.intersection(*known) if known else set()
    if preferred in shared:
        return preferred
    return min(shared) if shared else None


def propose_groups(members: Sequence[Member]) -> list[ProposedGroup]:
    """Groups that meet the guide's rules in their order, as far as the people allow."""
    if not members:
        return []
    if len(members) <= GROUP_MAX:
        everyone = list(members)
        language = _common_language(everyone, None)
        if language is not None or not any(m.languages for m in everyone):
            return [ProposedGroup(tuple(m.id for m in everyone), language)]
    buckets = _buckets(members)
    _repair(buckets)
    proposal: list[ProposedGroup] = []
    for language, bucket in sorted(
        buckets.items(), key=lambda item: (-len(item[1]), item[0] or "")
    ):
        for group in _split(bucket):
            proposal.append(
                ProposedGroup(tuple(m.id for m in group), _common_language(group, language))
            )
    return proposal


# --- Checking a grouping, proposed or moved by hand ---------------------------------------


@dataclass(frozen=True)
class GroupFacts:
    name: str
    language: str | None
    members: tuple[Member, ...]


def _is_home_peer(member: Member) -> bool:
    return member.kind == HOME_PEER


def _is_recorder(member: Member) -> bool:
    return member.is_recorder


def _language_name(code: str | None, names: dict[str, str]) -> str:
    return names.get(code or "", code or _("no language"))


def breakout_findings(
    groups: Sequence[GroupFacts],
    everyone: Sequence[Member],
    language_names: dict[str, str] | None = None,
) -> list[Finding]:
    """What each group lacks of the guide's rules, and why when the people explain it.

    `everyone` is every person taking part (grouped or not), to tell "the numbers do not
    allow it" apart from "move someone".
    """
    names = language_names or {}
    findings: list[Finding] = []
    speakers = Counter(lang for m in everyone for lang in set(m.languages))
    n_groups = len(groups)
    homes = [m for m in everyone if m.kind == HOME_PEER]
    recorders = [m for m in everyone if m.is_recorder]
    for group in groups:
        members = list(group.members)
        if not members:
            continue
        language = group.language or _common_language(members, None)
        lang_name = _language_name(language, names)
        args = {"group": group.name, "language": lang_name}
        strangers = [m for m in members if m.languages and language not in m.languages]
        if language is None and any(m.languages for m in members):
            findings.append(
                Finding(
                    Level.WARNING,
                    "group_no_shared_language",
                    _("%(group)s: its members share no language.") % args,
                    "groups",
                )
            )
        for m in strangers:
            alone = not any(
                other is not m and set(other.languages) & set(m.languages) for other in everyone
            )
            message = (
                _(
                    "%(group)s: %(person)s does not speak %(language)s, the group's language; "
                    "nobody else in the session speaks theirs, so they need an interpreter."
                )
                if alone
                else _(
                    "%(group)s: %(person)s does not speak %(language)s, the group's "
                    "language. Move them to a group in a language they speak."
                )
            )
            findings.append(
                Finding(
                    Level.WARNING,
                    "group_language",
                    message % {**args, "person": m.name or f"#{m.id}"},
                    "groups",
                )
            )
        size = len(members)
        if not GROUP_MIN <= size <= GROUP_MAX:
            # Whole sentences (a translator must be able to reorder them), plural by size.
            if size > GROUP_MAX:
                message = ngettext(
                    "%(group)s has %(n)s person: more than %(max)s, not everyone gets to "
                    "speak. Split it.",
                    "%(group)s has %(n)s people: more than %(max)s, not everyone gets to "
                    "speak. Split it.",
                    size,
                )
            elif language is not None and speakers[language] < GROUP_MIN:
                message = ngettext(
                    "%(group)s has %(n)s person: fewer than %(min)s, because only "
                    "%(speakers)s people in the session speak %(language)s.",
                    "%(group)s has %(n)s people: fewer than %(min)s, because only "
                    "%(speakers)s people in the session speak %(language)s.",
                    size,
                )
            elif sum(len(g.members) for g in groups) < GROUP_MIN * max(n_groups, 1):
                message = ngettext(
                    "%(group)s has %(n)s person: fewer than %(min)s; there are too few "
                    "people for this many groups.",
                    "%(group)s has %(n)s people: fewer than %(min)s; there are too few "
                    "people for this many groups.",
                    size,
                )
            else:
                message = ngettext(
                    "%(group)s has %(n)s person: fewer than %(min)s. Move people in, or "
                    "merge it with another group.",
                    "%(group)s has %(n)s people: fewer than %(min)s. Move people in, or "
                    "merge it with another group.",
                    size,
                )
            findings.append(
                Finding(
                    Level.WARNING,
                    "group_size",
                    message
                    % {
                        **args,
                        "n": size,
                        "min": GROUP_MIN,
                        "max": GROUP_MAX,
                        "speakers": speakers[language or ""],
                    },
                    "groups",
                )
            )
        # One whole sentence per missing role and reason (no role glued into a sentence).
        needs: list[tuple[str, list[Member], Callable[[Member], bool], tuple[str, str, str]]] = [
            (
                "group_no_home_peer",
                homes,
                _is_home_peer,
                (
                    _("%(group)s has no home peer: no home peer speaks %(language)s."),
                    _(
                        "%(group)s has no home peer: there are fewer home peers "
                        "(%(count)s) than groups (%(groups)s)."
                    ),
                    _("%(group)s has no home peer: move one who speaks %(language)s here."),
                ),
            ),
            (
                "group_no_recorder",
                recorders,
                _is_recorder,
                (
                    _(
                        "%(group)s has no facilitator or note-taker to record notes: none "
                        "of them speaks %(language)s."
                    ),
                    _(
                        "%(group)s has no facilitator or note-taker to record notes: there "
                        "are fewer of them (%(count)s) than groups (%(groups)s)."
                    ),
                    _(
                        "%(group)s has no facilitator or note-taker to record notes: move "
                        "one who speaks %(language)s here."
                    ),
                ),
            ),
        ]
        for code, pool, has, (nobody_speaks, too_few, move_one) in needs:
            if any(has(m) for m in members):
                continue
            fitting = [m for m in pool if language is None or language in m.languages]
            if not fitting:
                message = nobody_speaks
            elif len(pool) < n_groups:
                message = too_few
            else:
                message = move_one
            findings.append(
                Finding(
                    Level.WARNING,
                    code,
                    message % {**args, "count": len(pool), "groups": n_groups},
                    "groups",
                )
            )
    facilitators = [m for m in everyone if m.kind == FACILITATOR]
    per_group = [sum(1 for m in g.members if m.kind == FACILITATOR) for g in groups]
    if (
        n_groups > 1
        and len(facilitators) >= n_groups
        and any(count == 0 for count in per_group)
        and max(per_group, default=0) > 1
    ):
        findings.append(
            Finding(
                Level.NUDGE,
                "facilitators_not_spread",
                _("Two facilitators are in one group while another has none: spread them."),
                "groups",
            )
        )
    return findings
