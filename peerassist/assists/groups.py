"""Propose breakout groups: 6–8 voices each, home and visiting peers mixed, one language
where possible.

Pure: people in, groups out. The service saves the proposal; organisers edit it by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

GROUP_MIN = 6
GROUP_MAX = 8


@dataclass(frozen=True)
class Member:
    id: int
    is_home: bool
    languages: tuple[str, ...]


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


#: A bucket smaller than this cannot hold a discussion on its own and joins another.
TOO_FEW_TO_TALK = 3


def _fits(n: int) -> bool:
    """Whether n people can be cut into groups all of 6–8 (or are one group of 6–8)."""
    return any(GROUP_MIN * k <= n <= GROUP_MAX * k for k in range(1, n // GROUP_MIN + 1))


def _buckets(members: Sequence[Member]) -> dict[str | None, list[Member]]:
    """Everyone in one language bucket: the language most of the unplaced people share first."""
    unplaced = list(members)
    buckets: dict[str | None, list[Member]] = {}
    while unplaced:
        counts = Counter(lang for m in unplaced for lang in set(m.languages))
        if not counts:
            buckets.setdefault(None, []).extend(unplaced)
            break
        language = min(counts, key=lambda lang: (-counts[lang], lang))
        buckets[language] = [m for m in unplaced if language in m.languages]
        unplaced = [m for m in unplaced if language not in m.languages]
    return buckets


def _repair(buckets: dict[str | None, list[Member]]) -> dict[str | None, list[Member]]:
    """Language comes first (people must understand each other), size second: bring
    multilingual people into buckets that cannot yet be cut into groups of 6–8, as long as
    their own bucket still can; then fold buckets too small to talk into a neighbour."""
    for _ in range(200):
        moved = False
        for language in sorted(
            (lang for lang, ms in buckets.items() if not _fits(len(ms))),
            key=lambda lang: len(buckets[lang]),
        ):
            for other, donors in buckets.items():
                if other == language or not _fits(len(donors) - 1):
                    continue
                candidate = next((m for m in donors if language in m.languages), None)
                if candidate is not None:
                    donors.remove(candidate)
                    buckets[language].append(candidate)
                    moved = True
                    break
            if moved:
                break
        if not moved:
            break
    for language in sorted(buckets, key=lambda lang: len(buckets[lang])):
        if len(buckets) == 1 or len(buckets[language]) >= TOO_FEW_TO_TALK:
            continue
        small = buckets.pop(language)
        target = max(
            buckets,
            key=lambda lang: (sum(1 for m in small if lang in m.languages), -len(buckets[lang])),
        )
        buckets[target].extend(small)
    return buckets


def _split(members: list[Member]) -> list[list[Member]]:
    """Cut one bucket into groups, dealing home and visiting peers round so each group has both."""
    sizes = group_sizes(len(members))
    groups: list[list[Member]] = [[] for _ in sizes]
    ordered = [m for m in members if m.is_home] + [m for m in members if not m.is_home]
    slot = 0
    for member in ordered:
        while len(groups[slot % len(groups)]) >= sizes[slot % len(groups)]:
            slot += 1
        groups[slot % len(groups)].append(member)
        slot += 1
    return groups


def _common_language(group: list[Member], preferred: str | None) -> str | None:
    shared = set.intersection(*(set(m.languages) for m in group)) if group else set()
    if preferred in shared:
        return preferred
    return min(shared) if shared else None


def _speaks(member: Member, language: str | None) -> bool:
    return language is None or language in member.languages


def _balance_roles(groups: list[list[Member]], languages: list[str | None]) -> None:
    """Give every group both home and visiting peers, by swapping people between groups
    without breaking either group's language."""
    for need_home in (True, False):
        for i, group in enumerate(groups):
            if any(m.is_home == need_home for m in group):
                continue
            for j, donor in enumerate(groups):
                have = [m for m in donor if m.is_home == need_home]
                if i == j or len(have) < 2:
                    continue
                giver = next((m for m in have if _speaks(m, languages[i])), None)
                taker = next((m for m in group if _speaks(m, languages[j])), None)
                if giver and taker:
                    donor[donor.index(giver)] = taker
                    group[group.index(taker)] = giver
                    break


def propose_groups(members: Sequence[Member]) -> list[ProposedGroup]:
    """Groups of 6–8 (one group up to 8), each mixing home and visiting peers, by language."""
    if not members:
        return []
    if len(members) <= GROUP_MAX:
        everyone = list(members)
        return [ProposedGroup(tuple(m.id for m in everyone), _common_language(everyone, None))]
    buckets = _repair(_buckets(members))
    groups: list[list[Member]] = []
    bucket_languages: list[str | None] = []
    for language, bucket in sorted(
        buckets.items(), key=lambda item: (-len(item[1]), item[0] or "")
    ):
        for group in _split(bucket):
            groups.append(group)
            bucket_languages.append(_common_language(group, language))
    _balance_roles(groups, bucket_languages)
    return [
        ProposedGroup(tuple(m.id for m in group), _common_language(group, language))
        for group, language in zip(groups, bucket_languages, strict=True)
    ]
