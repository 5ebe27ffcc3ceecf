"""How fast are visiting-peer suggestions over a large organisation? Prints p50/p95 latency of
a top-10 over 50,000 people for the whole method (BM25 over everyone's evidence, the history
of who took part in the 10 most similar of 2,000 past assists, the rules, quotas) and, as
the baseline in the same run, for the bare BM25 scoring pass (top 10 by text score, no
rules, no history) on the same index and queries.

    python bench/recommender_bench.py             # 50,000 people, 200 queries
    python bench/recommender_bench.py --quick     # 5,000 people, 100 queries (CI)

The organisation is the synthetic one of recommender_eval.py. The database part of a real
request (gathering evidence) is cached per organisation and viewer and is not timed here.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recommender_eval import synthetic_cases, synthetic_org

from peerassist.search.recommender import index as index_module
from peerassist.search.recommender import rules
from peerassist.search.recommender.index import EvidenceIndex


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--people", type=int)
    parser.add_argument("--queries", type=int)
    parser.add_argument("--past", type=int, help="past assists in the record (2,000)")
    parser.add_argument(
        "--skip-worst-case",
        action="store_true",
        help="leave out the run without the common-word cut (seconds a query; it loads the "
        "machine and disturbs the other timings)",
    )
    args = parser.parse_args()
    n_people = args.people or (5000 if args.quick else 50000)
    n_queries = args.queries or (100 if args.quick else 200)

    started = time.perf_counter()
    org = synthetic_org(n_people)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index = EvidenceIndex(org.evidence.items())
    built = time.perf_counter() - started
    postings = sum(len(ids) for ids, _w in index.postings.values())
    print(
        f"{n_people} people, {sum(len(e) for e in org.evidence.values())} pieces of evidence, "
        f"{len(index.postings)} terms, {postings} postings; generated in {generated:.1f} s, "
        f"index built in {built:.1f} s"
    )
    cases = list(synthetic_cases(org, n_queries, seed=random.randrange(1000)))
    # The organisation's record: past assists (their brief, who took part).
    held = list(synthetic_cases(org, args.past or (500 if args.quick else 2000), seed=99))
    past = EvidenceIndex((i, [(c.challenge, 1.0)]) for i, c in enumerate(held))
    took_part = [rules.role_weight(c.facts.home_ids, c.helped) for c in held]

    def whole_method(case) -> list[int]:
        hits = past.top(
            case.challenge,
            rules.HISTORY_NEIGHBOURS,
            rules.HISTORY_QUERY_TERMS,
            rules.HISTORY_MAX_DF_SHARE,
        )
        history = rules.history_scores((h.score, took_part[h.key]) for h in hits)
        relevance = rules.blend(index.scores(case.challenge), history)
        scored = [(org.people[k], s) for k, s in relevance.items()]
        return [r.candidate.person_id for r in rules.recommend(scored, case.facts, 10)]

    def as_before(case) -> list[int]:
        """The method as it stood before its latency work (bench/README.md): the history
        lookup also by terms in up to half the record, everyone who matched scored."""
        hits = past.top(case.challenge, rules.HISTORY_NEIGHBOURS, rules.HISTORY_QUERY_TERMS)
        history = rules.history_scores((h.score, took_part[h.key]) for h in hits)
        relevance = rules.blend(index.scores(case.challenge), history)
        scored = [(org.people[k], s) for k, s in relevance.items()]
        ranked = rules.score_candidates(scored, case.facts)[: rules.POOL_FACTOR * 10]
        return [r.candidate.person_id for r in rules.fill(ranked, case.facts, 10)]

    def without_history(case) -> list[int]:
        scored = [(org.people[k], s) for k, s in index.scores(case.challenge).items()]
        return [r.candidate.person_id for r in rules.recommend(scored, case.facts, 10)]

    def bare_scoring(case) -> list[int]:
        return [h.key for h in index.top(case.challenge, 10)]

    def every_term(case) -> list[int]:
        index_module.MAX_DF_SHARE = 1.0  # the worst case: common words looked up too
        try:
            return whole_method(case)
        finally:
            index_module.MAX_DF_SHARE = cut

    cut = index_module.MAX_DF_SHARE
    runs = {
        "method (rules + quotas)": whole_method,
        "method, as before": as_before,
        "method, no history": without_history,
        "bare BM25 top 10": bare_scoring,
        "method, no common cut": every_term,
    }
    if args.skip_worst_case:
        del runs["method, no common cut"]
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for case in cases:  # interleaved so that all see the same machine load
        for name, run in runs.items():
            t0 = time.perf_counter()
            top = run(case)
            timings[name].append(1000 * (time.perf_counter() - t0))
            assert len(top) <= 10
    base_p95 = percentile(timings["bare BM25 top 10"], 0.95)
    print(f"top-10 latency over {n_people} people, {len(cases)} queries:")
    for name, values in timings.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(
            f"  {name:22} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
            f"   ({p95 / base_p95:.2f}× the baseline's p95)"
        )


if __name__ == "__main__":
    main()
