"""The method's rules, as pure functions: no database."""

from datetime import UTC, date, datetime, timedelta

import pytest

from peerassist.assists import rules
from peerassist.core.findings import Level


def codes(findings):
    return [f.code for f in findings]


def test_facilitator_from_home_team_is_refused_with_the_reason():
    [finding] = rules.facilitator_outside_home_team([7], [3, 7])
    assert finding.level == Level.ERROR
    assert finding.message.startswith("The facilitator cannot be a member of the home team.")
    assert "outside" in finding.message
    assert rules.facilitator_outside_home_team([9], [3, 7]) == []


@pytest.mark.parametrize(("words", "warned"), [(0, False), (500, False), (501, True), (900, True)])
def test_brief_longer_than_a_page_warns(words, warned):
    findings = rules.brief_length(words)
    assert codes(findings) == (["brief_too_long"] if warned else [])
    if warned:
        assert findings[0].level == Level.WARNING
        assert f"{words} words" in findings[0].message


def test_word_count_counts_words_like_a_reader():
    assert rules.word_count("Supplier on-boarding isn't easy.", "", "  two\nwords ") == 6
    assert rules.brief_pages(750) == 1.5


@pytest.mark.parametrize(
    ("brief", "session", "warned"),
    [
        (date(2026, 12, 1), date(2026, 12, 8), False),
        (date(2026, 12, 2), date(2026, 12, 8), True),
        (date(2026, 12, 8), date(2026, 12, 8), True),
        (None, date(2026, 12, 8), False),
    ],
)
def test_brief_must_reach_peers_a_week_before(brief, session, warned):
    assert codes(rules.brief_lead_time(brief, session)) == (["brief_late"] if warned else [])


@pytest.mark.parametrize(
    ("session", "decision", "warned"),
    [
        (date(2026, 12, 1), date(2026, 12, 10), False),
        (date(2026, 12, 8), date(2026, 12, 10), True),  # two days before: too close
        (date(2026, 12, 11), date(2026, 12, 10), True),  # after the decision
        (date(2026, 12, 7), date(2026, 12, 10), False),  # three days before is enough
    ],
)
def test_session_must_come_early_enough_to_change_the_plan(session, decision, warned):
    findings = rules.decision_timing(session, decision)
    assert codes(findings) == (["too_late_to_change"] if warned else [])
    if warned:
        assert findings[0].message.startswith("Too late to change the plan")


def test_visiting_peers_from_the_home_unit_get_a_nudge_to_look_across():
    [nudge] = rules.visiting_peers_across([1], [1, 1, 2])
    assert nudge.level == Level.NUDGE and "Look across the organisation" in nudge.message
    assert rules.visiting_peers_across([1], [1, 2, 3]) == []
    assert rules.visiting_peers_across([None], [None, None]) == []


def test_only_senior_visiting_peers_get_across_not_up():
    [nudge] = rules.visiting_peers_not_only_senior(["senior", "executive", "manager"])
    assert "Look across, not up" in nudge.message
    assert rules.visiting_peers_not_only_senior(["senior", "professional"]) == []


@pytest.mark.parametrize(
    ("voices", "groups", "expected"),
    [
        (8, 0, []),
        (9, 0, ["propose_breakouts"]),
        (16, 2, []),
        (17, 2, ["propose_breakouts"]),
        (21, 3, ["too_many_people"]),
    ],
)
def test_group_size_rules(voices, groups, expected):
    assert codes(rules.group_size(voices, groups)) == expected


def test_no_visiting_peers_cannot_invite():
    [error] = rules.can_invite(0)
    assert error.level == Level.ERROR
    assert rules.can_invite(2) == []


def test_focus_questions_one_to_five():
    assert rules.focus_questions(["a"] * 5) == []
    assert codes(rules.focus_questions(["a"] * 6)) == ["too_many_focus_questions"]
    assert codes(rules.focus_questions(["a", " "])) == ["focus_question_empty"]


def test_extended_over_two_days_is_refused():
    assert codes(rules.agenda_length("extended", 16 * 60)) == []
    assert codes(rules.agenda_length("extended", 17 * 60)) == ["longer_than_two_days"]
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert codes(
        rules.agenda_length("standard", 90, start, start + timedelta(days=2, hours=1))
    ) == ["longer_than_two_days"]
    assert codes(rules.agenda_length("extended", 60)) == ["extended_too_short"]
    assert codes(rules.agenda_length("mini", 60, start, start - timedelta(hours=1))) == [
        "ends_before_start"
    ]


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "planned", True),
        ("planned", "draft", True),
        ("planned", "invited", True),
        ("invited", "live", True),
        ("live", "concluded", True),
        ("concluded", "written_up", True),
        ("written_up", "followed_up", True),
        ("draft", "live", False),
        ("draft", "invited", False),
        ("live", "draft", False),
        ("followed_up", "draft", False),
    ],
)
def test_only_legal_transitions(current, target, allowed):
    assert (rules.transition_allowed(current, target) == []) is allowed


def facts(**overrides):
    base = dict(
        format_kind="standard",
        brief_words=300,
        has_challenge=True,
        focus_questions=["How do we onboard suppliers?"],
        starts_at=datetime(2026, 12, 10, 9, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 10, 30, tzinfo=UTC),
        session_date=date(2026, 12, 10),
        decision_date=date(2027, 1, 15),
        brief_date=date(2026, 12, 1),
        agenda_minutes=90,
        mode="virtual",
        place="",
        video_link="https://meet.example.org/x",
        home_ids=[1, 2],
        home_unit_ids=[10, 10],
        facilitator_ids=[3],
        visiting_unit_ids=[20, 30],
        visiting_levels=["professional", "senior"],
        groups=0,
    )
    base.update(overrides)
    return rules.PlanFacts(**base)


def test_a_good_plan_is_ready_with_no_findings():
    assert rules.plan_findings(facts()) == []
    assert all(item.done for item in rules.readiness(facts()))
    assert rules.ready_to_invite(facts()) == []


def test_readiness_lists_what_is_missing():
    missing = {
        item.code
        for item in rules.readiness(facts(visiting_unit_ids=[], facilitator_ids=[], starts_at=None))
        if not item.done
    }
    assert missing == {"visiting_peers", "facilitator", "when"}
    blocking = codes(rules.ready_to_invite(facts(visiting_unit_ids=[], facilitator_ids=[])))
    assert "no_visiting_peers" in blocking and "missing_facilitator" in blocking


def test_plan_findings_put_errors_first():
    findings = rules.plan_findings(facts(brief_words=900, facilitator_ids=[1]))
    assert [f.level for f in findings] == [Level.ERROR, Level.WARNING]
