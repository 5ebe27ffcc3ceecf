"""The recommender's method rules, one by one, and the properties the method promises."""

from hypothesis import given, settings
from hypothesis import strategies as st

from peerassist.search.recommender import index as index_module
from peerassist.search.recommender import rules
from peerassist.search.recommender.index import EvidenceIndex, best_snippets, tokens
from peerassist.search.recommender.rules import AssistFacts, Candidate

HOME_UNIT = 1
OTHER_UNIT = 2
LEVELS = ["entry", "professional", "senior", "manager", "executive"]


def test_starred_and_actioned_notes_weigh_more():
    plain = rules.evidence_weight("contribution")
    starred = rules.evidence_weight("contribution", starred=True)
    acted = rules.evidence_weight("contribution", starred=True, in_action=True)
    assert plain < starred < acted


def test_recency_halves_every_half_life():
    assert rules.recency_factor(0) == 1.0
    assert abs(rules.recency_factor(rules.HALF_LIFE_DAYS) - 0.5) < 1e-9
    assert rules.recency_factor(-10) == 1.0


def test_home_team_and_participants_are_excluded():
    facts = AssistFacts(home_ids=frozenset({1}), participant_ids=frozenset({1, 2}))
    assert rules.exclusion(Candidate(1), facts) == "home_team"
    assert rules.exclusion(Candidate(2), facts) == "already_taking_part"
    assert rules.exclusion(Candidate(3), facts) is None


def test_busy_people_are_excluded():
    assert rules.exclusion(Candidate(3, busy=True), AssistFacts()) == "busy"


def test_someone_sharing_no_language_is_excluded_unknown_is_penalised():
    facts = AssistFacts(languages=frozenset({"fr"}))
    assert rules.exclusion(Candidate(3, languages=frozenset({"de"})), facts) == "no_shared_language"
    assert rules.exclusion(Candidate(3, languages=frozenset({"de", "fr"})), facts) is None
    unknown = rules.language_adjustment(frozenset(), facts.languages)
    assert unknown is not None and unknown.factor < 1
    assert rules.language_adjustment(frozenset({"fr"}), facts.languages) is None


def test_same_unit_as_home_team_is_penalised():
    adjustment = rules.unit_adjustment(HOME_UNIT, {HOME_UNIT})
    assert adjustment is not None and adjustment.factor == rules.SAME_UNIT_FACTOR
    assert rules.unit_adjustment(OTHER_UNIT, {HOME_UNIT}) is None
    assert rules.unit_adjustment(None, {HOME_UNIT}) is None


def test_seniority_never_raises_a_score():
    for level in LEVELS:
        adjustment = rules.seniority_adjustment(level)
        assert adjustment is None or adjustment.factor <= 1.0


def test_often_asked_is_a_mark_in_plain_words_not_a_penalty():
    assert rules.usual_suspect_adjustment(0) is None
    assert rules.usual_suspect_adjustment(1) is None
    five = rules.usual_suspect_adjustment(5)
    assert five is not None and five.factor == 1.0
    assert five.message == "Often asked lately — 5 times in the last 12 months."
    assert "×" not in five.message


def test_at_most_three_often_asked_people_fill_a_top_ten():
    frequent = [(Candidate(i, unit_id=i, visits_last_year=9), 100.0 - i) for i in range(1, 8)]
    others = [(Candidate(i, unit_id=i), 50.0 - i) for i in range(20, 30)]
    top = rules.recommend([*frequent, *others], AssistFacts(), k=10)
    assert [r.candidate.person_id for r in top][:3] == [1, 2, 3]
    assert sum(r.candidate.visits_last_year > 0 for r in top) == 3


def test_the_most_relevant_person_is_shown_however_often_asked():
    star = (Candidate(1, unit_id=1, visits_last_year=30), 5.0)
    rest = [(Candidate(i, unit_id=i % 3), 1.0) for i in range(2, 30)]
    top = rules.recommend([star, *rest], AssistFacts(), k=10)
    assert top[0].candidate.person_id == 1
    assert top[0].score == 5.0


def test_candidates_without_evidence_are_not_suggested():
    assert rules.score_candidates([(Candidate(1), 0.0)], AssistFacts()) == []


def test_mmr_spreads_the_top_across_units():
    same = [Candidate(i, unit_id=1, skills=frozenset({"x"})) for i in range(5)]
    other = Candidate(99, unit_id=2, skills=frozenset({"y"}))
    scored = [(c, 10.0 - c.person_id * 0.1) for c in same] + [(other, 9.0)]
    plain = rules.score_candidates(scored, AssistFacts())
    assert [r.candidate.person_id for r in plain].index(99) == 5
    diverse = rules.diversify(plain, 3)
    assert 99 in [r.candidate.person_id for r in diverse]


def test_the_unit_quota_makes_room_for_other_units_at_the_end():
    same = [(Candidate(i, unit_id=1), 10.0 - i * 0.1) for i in range(1, 10)]
    others = [(Candidate(50 + u, unit_id=u), 1.0) for u in range(2, 8)]
    top = [r.candidate.person_id for r in rules.recommend([*same, *others], AssistFacts(), k=10)]
    assert top[:4] == [1, 2, 3, 4]  # the most relevant keep their places, in order
    assert {50 + u for u in range(2, 8)} <= set(top)  # 7 units in all


def test_the_home_unit_does_not_count_as_looking_across():
    home = [(Candidate(i, unit_id=1), 10.0) for i in range(1, 10)]
    across = [(Candidate(20 + u, unit_id=u), 1.0) for u in range(2, 9)]
    facts = AssistFacts(home_unit_ids=frozenset({1}))
    top = rules.recommend([*home, *across], facts, k=10)
    assert len({r.candidate.unit_id for r in top} - {1}) == 7


def test_similarity_counts_unit_and_skills():
    a = Candidate(1, unit_id=1, skills=frozenset({"x", "y"}))
    assert rules.similarity(a, Candidate(2, unit_id=1, skills=frozenset({"x", "y"}))) == 1.0
    assert rules.similarity(a, Candidate(3, unit_id=2)) == 0.0


def test_index_ranks_the_person_with_matching_evidence_first():
    index = EvidenceIndex(
        [
            (1, [("Supplier onboarding in Brazil", 1.0)]),
            (2, [("Cooking for the team", 1.0)]),
            (3, [("We onboarded suppliers quickly", 2.0)]),
        ]
    )
    hits = index.top("onboarding new suppliers", 3)
    assert [h.key for h in hits][:2] == [3, 1]
    assert tokens("Équipes") == tokens("equipe")


def test_snippets_name_the_matching_text():
    found = best_snippets("supplier audits", ["nothing here", "we ran supplier audits"])
    assert found[0][0] == 1


# --- Properties ---------------------------------------------------------------------------------

people_ids = st.integers(min_value=10, max_value=10_000)
units = st.one_of(st.none(), st.integers(min_value=1, max_value=6))
skills = st.frozensets(st.sampled_from(["a", "b", "c", "d"]), max_size=3)


@st.composite
def population(draw, unit_pool=units):
    ids = draw(st.lists(people_ids, min_size=0, max_size=25, unique=True))
    return [
        (
            Candidate(
                person_id=pid,
                unit_id=draw(unit_pool),
                level=draw(st.sampled_from(LEVELS)),
                skills=draw(skills),
                visits_last_year=draw(st.integers(0, 6)),
                languages=draw(st.frozensets(st.sampled_from(["en", "fr"]), max_size=2)),
            ),
            draw(st.floats(min_value=0.0, max_value=50.0)),
        )
        for pid in ids
    ]


@settings(max_examples=200, deadline=None)
@given(population(), st.data())
def test_no_home_team_member_is_ever_suggested(people, data):
    ids = [c.person_id for c, _s in people]
    home = frozenset(data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [])
    facts = AssistFacts(home_ids=home, participant_ids=home, home_unit_ids=frozenset({1}))
    suggested = {r.candidate.person_id for r in rules.recommend(people, facts, k=10)}
    assert not suggested & home


relevance = st.floats(min_value=0.01, max_value=100.0)


@settings(max_examples=200, deadline=None)
@given(population(unit_pool=st.integers(min_value=3, max_value=9)), relevance, skills)
def test_with_equal_evidence_the_other_unit_ranks_higher(others, score, shared_skills):
    across = Candidate(1, unit_id=OTHER_UNIT, skills=shared_skills)
    inside = Candidate(2, unit_id=HOME_UNIT, skills=shared_skills)
    facts = AssistFacts(home_unit_ids=frozenset({HOME_UNIT}))
    ranked = [
        r.candidate.person_id
        for r in rules.recommend([*others, (inside, score), (across, score)], facts, k=40)
    ]
    assert ranked.index(1) < ranked.index(2)


@settings(max_examples=200, deadline=None)
@given(population(), relevance, st.sampled_from(LEVELS), st.sampled_from(LEVELS), units)
def test_seniority_gives_no_advantage(others, score, level_a, level_b, unit):
    junior_level, senior_level = sorted([level_a, level_b], key=LEVELS.index)
    junior = Candidate(1, unit_id=unit, level=junior_level)
    senior = Candidate(2, unit_id=unit, level=senior_level)
    ranked = rules.score_candidates([*others, (senior, score), (junior, score)], AssistFacts())
    by_id = {r.candidate.person_id: r for r in ranked}
    assert by_id[2].score <= by_id[1].score
    top = [
        r.candidate.person_id
        for r in rules.recommend([*others, (senior, score), (junior, score)], AssistFacts(), k=40)
    ]
    if senior_level != junior_level and rules.seniority_adjustment(senior_level):
        assert top.index(1) < top.index(2)


@settings(max_examples=200, deadline=None)
@given(population(), relevance, st.integers(min_value=2, max_value=12), units, skills)
def test_a_frequent_visiting_peer_ranks_below_an_equal_newcomer(others, score, visits, unit, sk):
    # No penalty any more: with equal evidence, the newcomer comes first (ties).
    newcomer = Candidate(1, unit_id=unit, skills=sk, visits_last_year=0)
    suspect = Candidate(2, unit_id=unit, skills=sk, visits_last_year=visits)
    ranked = [
        r.candidate.person_id
        for r in rules.recommend(
            [*others, (suspect, score), (newcomer, score)], AssistFacts(), k=40
        )
    ]
    if 2 in ranked:  # the quota may leave them out; never before the newcomer
        assert 1 in ranked and ranked.index(1) < ranked.index(2)


@settings(max_examples=200, deadline=None)
@given(population(), st.integers(min_value=1, max_value=12))
def test_quotas_never_drop_the_best_and_keep_the_order(people, k):
    ranked = rules.score_candidates(people, AssistFacts())
    top = rules.recommend(people, AssistFacts(), k=k)
    if not ranked:
        assert top == []
        return
    assert top[0] == ranked[0]
    positions = [ranked.index(r) for r in top]
    assert positions == sorted(positions)
    frequent = [r for r in top if rules.often_asked(r.candidate.visits_last_year)]
    assert len(frequent) <= rules.often_asked_limit(k)
    assert len(top) <= k


# --- History of who helped on similar past assists (issue 17) -----------------------------------

neighbour = st.tuples(
    st.floats(min_value=-5.0, max_value=50.0),
    st.frozensets(st.integers(min_value=1, max_value=30), max_size=4),
)


def test_history_credits_who_took_part_in_the_most_similar_past_assists():
    found = rules.history_scores(
        [(4.0, {1, 2}), (1.0, {2}), (0.5, {3}), (0.0, {4}), (-1.0, {5})], k=2
    )
    assert found == {1: 4.0, 2: 5.0}  # 3 is in the third most similar only; 4, 5 say nothing


@settings(max_examples=200, deadline=None)
@given(st.lists(neighbour, max_size=30), st.integers(min_value=0, max_value=12))
def test_history_only_credits_people_of_the_k_nearest_and_only_positively(neighbours, k):
    found = rules.history_scores(neighbours, k=k)
    assert all(score > 0 for score in found.values())
    nearest = sorted((n for n in neighbours if n[0] > 0), key=lambda n: -n[0])[:k]
    assert set(found) == {p for _s, people in nearest for p in people}


scores = st.dictionaries(
    st.integers(min_value=1, max_value=40),
    st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e6)),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(scores, scores)
def test_blend_scales_each_signal_to_its_best_and_adds_them(evidence, history):
    found = rules.blend(evidence, history, weight=1.0)
    assert all(0 < score <= 2.0 + 1e-9 for score in found.values())
    assert set(found) == {p for p, s in [*evidence.items(), *history.items()] if s > 0}
    # Within one signal, the order is kept: more evidence never ranks lower.
    if not history:
        ordered = sorted(found, key=lambda p: found[p])
        assert [evidence[p] for p in ordered] == sorted(evidence[p] for p in ordered)


def test_blend_lets_history_lift_someone_with_little_written_evidence():
    found = rules.blend({1: 10.0, 2: 4.0}, {2: 3.0})
    assert found[2] > found[1]
    assert rules.blend({1: 10.0}, {}) == {1: 1.0}


def test_the_home_team_of_a_similar_past_assist_counts_above_its_visiting_peers():
    found = rules.history_scores([(2.0, rules.role_weight(home={1}, helped={1, 2}))])
    assert found[1] == 2.0 * rules.SOURCE_WEIGHTS["led"]
    assert found[2] == 2.0 * rules.SOURCE_WEIGHTS["visited"]
    assert found[1] > found[2]


@st.composite
def tied_population(draw):
    """People whose relevance is often equal, so that ties meet the pruning's limit."""
    return [
        (c, draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 3.0))))
        for c, _s in draw(population())
    ]


@settings(max_examples=300, deadline=None)
@given(tied_population(), st.integers(min_value=0, max_value=30), st.data())
def test_scoring_only_those_who_can_still_make_the_list_changes_nothing(people, limit, data):
    ids = [c.person_id for c, _s in people]
    home = frozenset(data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [])
    facts = AssistFacts(
        home_ids=home,
        participant_ids=home,
        home_unit_ids=frozenset({1}),
        languages=data.draw(st.frozensets(st.sampled_from(["en", "fr"]), max_size=1)),
    )
    everyone = rules.score_candidates(people, facts)
    assert rules.score_candidates(people, facts, limit=limit) == everyone[:limit]


def test_similar_past_assists_are_found_by_telling_terms_only():
    def record(size: int) -> EvidenceIndex:
        return EvidenceIndex(
            (i, [(f"pump {'team' if i % 2 else 'budget'} {'valve' if i == 0 else ''}", 1.0)])
            for i in range(size)
        )

    # "team" is in half the briefs: in a large record it finds no similar assist ...
    large = record(index_module.MIN_SIZE_FOR_DF_CUT)
    assert len(large.scores("team valve")) == large.size // 2 + 1  # under the people's cut
    found = large.scores("team valve", max_df_share=rules.HISTORY_MAX_DF_SHARE)
    assert list(found) == [0]
    # ... while in a small one every term still counts.
    small = record(10)
    assert len(small.scores("team valve", max_df_share=rules.HISTORY_MAX_DF_SHARE)) == 6
