"""Matching Takes to Gives: TF-IDF cosine over stems with a small synonym boost (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from peerassist.communities.matching import match_all, match_take, terms

GIVES = [
    (1, "Excel dashboards for supply chain reporting"),
    (2, "Community growth: how I took our practitioners' forum from 40 to 900 members"),
    (3, "Running induction workshops for new line managers"),
    (4, "Online payment systems for customers"),
    (5, "Accounting for membership fees"),
    (6, "Negotiating contracts with cleaning suppliers"),
]


def test_take_on_growing_an_online_community_is_matched_to_community_growth_first():
    matches = match_take("How to grow membership of our online community", GIVES)
    assert matches[0].give_id == 2
    others = {m.give_id: m.score for m in matches[1:]}
    assert all(score < matches[0].score for score in others.values())
    assert 1 not in others and 6 not in others  # unrelated Gives are not suggested at all


def test_a_match_says_why_with_shared_and_related_words():
    best = match_take("How to grow membership of our online community", GIVES)[0]
    assert "community" in best.shared
    # "grow" ~ "growth" and "membership" ~ "members" meet through stems or synonyms
    assert {"grow", "membership"} <= set(best.shared) | set(best.related)
    assert 0 < best.percent <= 100


def test_stems_match_different_forms_of_a_word():
    matches = match_take("Negotiate a contract", GIVES)
    assert [m.give_id for m in matches] == [6]
    assert set(matches[0].shared) == {"negotiate", "contract"}


def test_synonyms_alone_give_a_weaker_match_than_the_same_words():
    same = match_take("community growth", [(1, "community growth")])[0].score
    synonym = match_take("network expansion", [(1, "community growth")])
    assert synonym and synonym[0].score < same


def test_stop_words_never_make_a_match():
    assert match_take("how do we do this for our team", [(1, "what is the plan for them")]) == []
    assert terms("the and of our").stems == {}


def test_no_gives_or_empty_take_gives_no_matches():
    assert match_take("Anything", []) == []
    assert match_take("", GIVES) == []


def test_match_all_ranks_every_take_and_limits_the_list():
    result = match_all(
        [(10, "community membership growth"), (11, "supplier contracts")], GIVES, limit=2
    )
    assert result[10][0].give_id == 2 and len(result[10]) <= 2
    assert result[11][0].give_id == 6


@given(st.text(max_size=80), st.lists(st.text(max_size=80), max_size=5))
def test_scores_are_between_zero_and_one_and_sorted(take, texts):
    matches = match_take(take, list(enumerate(texts)), limit=10)
    scores = [m.score for m in matches]
    assert all(0 < s <= 1.0001 for s in scores)
    assert scores == sorted(scores, reverse=True)
