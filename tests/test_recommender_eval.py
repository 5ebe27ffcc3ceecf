"""The evaluation's history signal uses only earlier challenges (the set is in time order):
a challenge's own helpers, or later ones, never leak into its ranking."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import recommender_eval as evaluation


def write_set(directory: Path) -> None:
    people = [
        {"id": "ann", "unit": "tc", "evidence": ["tc: qdisc offload\n\nqdisc offload for tc"]},
        {"id": "bo", "unit": "ss", "evidence": ["ss: socket filter"]},
        {"id": "cy", "unit": "ip", "evidence": ["ip: route tables"]},
        {"id": "dee", "unit": "misc", "evidence": ["misc: man page typo"]},
    ]
    challenges = [
        {"challenge": "bridge vlan tunnel", "helped": ["bo"], "home": ["dee"]},
        {"challenge": "bridge vlan filtering", "helped": ["cy"], "home": ["dee"]},
        {"challenge": "bridge vlan tunnel options", "helped": ["bo"], "home": ["ann"]},
    ]
    (directory / "people.jsonl").write_text("\n".join(json.dumps(p) for p in people))
    (directory / "challenges.jsonl").write_text("\n".join(json.dumps(c) for c in challenges))


def test_each_challenge_sees_only_earlier_ones(tmp_path):
    write_set(tmp_path)
    first, second, third = evaluation.dataset_dir_cases(tmp_path)
    names = first.names or {}
    assert first.history == [] and first.recent == {}
    took_part = [{names[p] for p in people} for _sim, people in second.history or []]
    assert took_part == [{"bo", "dee"}]  # the first challenge's home team and helper
    assert {names[p]: n for p, n in (third.recent or {}).items()} == {"bo": 1, "cy": 1}
    # Nobody wrote about bridges: the third is ranked by who took part in the similar
    # earlier ones — dee in both, bo in the closer one, cy in the other; ann is home team.
    top = [names[p] for p in evaluation.method(third, random.Random(0))]
    assert top == ["dee", "bo", "cy"]


def test_the_helpers_of_a_challenge_count_as_visits_only_afterwards(tmp_path):
    write_set(tmp_path)
    cases = evaluation.dataset_dir_cases(tmp_path)
    bo = next(p for p, name in (cases[0].names or {}).items() if name == "bo")
    assert evaluation.candidate(cases[0], bo).visits_last_year == 0
    assert evaluation.candidate(cases[2], bo).visits_last_year == 1
