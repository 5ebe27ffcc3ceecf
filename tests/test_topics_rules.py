"""The four selection criteria of a topic, as pure rules."""

from dataclasses import replace
from datetime import date

import pytest

from peerassist.communities import rules
from peerassist.core.findings import Level

TODAY = date(2026, 3, 2)
GOOD = rules.TopicFacts(
    title="Launch the supplier portal",
    description="We go live in April and pick the rollout order next month.",
    decision_on=date(2026, 3, 30),
    today=TODAY,
    planning_started=True,
    planning_notes="",
    experienced=3,
    votes=4,
)


def codes(facts):
    return {c.code: c.met for c in rules.screen(facts)}


def test_a_good_topic_meets_all_four_criteria_in_order():
    criteria = rules.screen(GOOD)
    assert [c.code for c in criteria] == [
        "about_to_happen",
        "planning_begun",
        "experience_exists",
        "several_members",
    ]
    assert all(c.met for c in criteria)
    assert rules.screen_findings(criteria) == []
    assert "28 days" in criteria[0].reason


@pytest.mark.parametrize(
    "text", ["Maybe migrate to the cloud", "We might reorganise", "Someday a new office", "perhaps"]
)
def test_a_topic_phrased_as_maybe_is_not_about_to_happen(text):
    criterion = rules.about_to_happen(replace(GOOD, title=text))
    assert not criterion.met
    assert "possibility" in criterion.reason


@pytest.mark.parametrize(
    ("decision_on", "met", "says"),
    [
        (None, False, "no decision"),
        (date(2026, 3, 1), False, "passed"),
        (date(2026, 3, 2), True, "0 days"),
        (date(2026, 5, 31), True, "90 days"),
        (date(2026, 6, 1), False, "91 days"),
    ],
)
def test_about_to_happen_needs_a_date_soon(decision_on, met, says):
    criterion = rules.about_to_happen(replace(GOOD, decision_on=decision_on))
    assert criterion.met is met
    assert says in criterion.reason.lower()


def test_planning_begun_by_tick_or_description():
    assert not codes(replace(GOOD, planning_started=False))["planning_begun"]
    described = replace(GOOD, planning_started=False, planning_notes="We drafted a plan and budget")
    assert codes(described)["planning_begun"]
    assert not codes(replace(GOOD, planning_started=False, planning_notes="not yet"))[
        "planning_begun"
    ]


@pytest.mark.parametrize(("n", "met"), [(0, False), (1, False), (2, True), (7, True)])
def test_experience_exists_counts_people(n, met):
    criterion = rules.experience_exists(replace(GOOD, experienced=n))
    assert criterion.met is met
    assert str(n) in criterion.reason


@pytest.mark.parametrize(("votes", "met"), [(0, False), (2, False), (3, True)])
def test_several_members_needs_three_votes(votes, met):
    assert rules.several_members(replace(GOOD, votes=votes)).met is met


def test_unmet_criteria_are_warnings_with_their_reason_never_errors():
    findings = rules.screen_findings(rules.screen(replace(GOOD, votes=1, experienced=0)))
    assert {f.code for f in findings} == {"experience_exists", "several_members"}
    assert all(f.level == Level.WARNING for f in findings)
    assert any("1 member has voted" in f.message for f in findings)
