"""Breakout group proposals: pure function, checked on examples and with hypothesis."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from peerassist.assists.groups import Member, _fits, group_sizes, propose_groups

LANGUAGES = ["en", "fr", "es", "de"]


def people(spec):
    """spec: list of (is_home, languages) → Members with ids 0..n-1."""
    return [Member(i, home, tuple(langs)) for i, (home, langs) in enumerate(spec)]


def test_eight_or_fewer_stay_together():
    members = people([(i < 2, ("en",)) for i in range(8)])
    [group] = propose_groups(members)
    assert sorted(group.member_ids) == list(range(8))
    assert group.language == "en"


def test_23_people_in_two_languages_get_mixed_groups_of_6_to_8_each_in_one_language():
    spec = [(i % 5 == 0, ("fr",)) for i in range(15)] + [(i % 4 == 0, ("en",)) for i in range(8)]
    members = people(spec)
    groups = propose_groups(members)
    assert sorted(i for g in groups for i in g.member_ids) == list(range(23))
    for group in groups:
        assert 6 <= len(group.member_ids) <= 8
        chosen = [members[i] for i in group.member_ids]
        assert any(m.is_home for m in chosen) and any(not m.is_home for m in chosen)
        assert group.language is not None
        assert all(group.language in m.languages for m in chosen)
    assert Counter(g.language for g in groups) == {"fr": 2, "en": 1}


def test_bilingual_people_fill_a_language_group_that_is_short():
    # 14 French-only, 4 English-only and 3 who speak both: English needs two of them.
    spec = (
        [(i % 4 == 0, ("fr",)) for i in range(14)]
        + [(i == 0, ("en",)) for i in range(4)]
        + [(False, ("en", "fr"))] * 3
    )
    groups = propose_groups(people(spec))
    assert all(6 <= len(g.member_ids) <= 8 for g in groups)
    assert all(g.language for g in groups)


def test_someone_with_no_shared_language_still_gets_a_group():
    spec = [(i % 4 == 0, ("en",)) for i in range(12)] + [(False, ("ja",))]
    groups = propose_groups(people(spec))
    assert sorted(i for g in groups for i in g.member_ids) == list(range(13))


def test_group_sizes():
    assert group_sizes(8) == [8]
    assert group_sizes(12) == [6, 6]
    assert group_sizes(23) == [8, 8, 7]
    assert group_sizes(9) == [5, 4]  # no split of 9 into 6–8: as even as possible
    assert [n for n in range(6, 40) if not _fits(n)] == [9, 10, 11, 17]


members_strategy = st.lists(
    st.tuples(
        st.booleans(),
        st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(spec=members_strategy)
def test_everyone_is_in_exactly_one_group_and_sizes_stay_within_bounds(spec):
    members = people(spec)
    groups = propose_groups(members)
    placed = [i for g in groups for i in g.member_ids]
    assert sorted(placed) == list(range(len(members)))  # exactly once each
    assert all(1 <= len(g.member_ids) <= 8 for g in groups)
    for g in groups:
        if g.language is not None:
            assert all(g.language in members[i].languages for i in g.member_ids)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=80), homes=st.integers(min_value=1, max_value=80))
def test_one_shared_language_gives_groups_of_6_to_8_whenever_possible(n, homes):
    members = people([(i < min(homes, n), ("en",)) for i in range(n)])
    groups = propose_groups(members)
    sizes = [len(g.member_ids) for g in groups]
    if _fits(n):
        assert all(6 <= s <= 8 for s in sizes) or sizes == [n]
    else:
        assert all(s <= 8 for s in sizes) and max(sizes) - min(sizes) <= 1
    home_count = min(homes, n)
    if home_count >= len(groups) and n - home_count >= len(groups):
        for g in groups:
            chosen = [members[i] for i in g.member_ids]
            assert any(m.is_home for m in chosen) and any(not m.is_home for m in chosen)
