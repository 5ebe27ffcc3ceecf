"""Rights per step and the timer: pure functions."""

from datetime import UTC, datetime, timedelta

from peerassist.assists.kinds import kinds_by_role
from peerassist.live.rights import rights_for
from peerassist.live.timer import remaining_seconds, timer_payload

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_facilitator_and_note_taker_can_always_post_on_behalf():
    for role in ("facilitator", "note_taker"):
        r = rights_for(
            role=role,
            live=True,
            step_name="Any",
            kinds_by_role=kinds_by_role(role_kinds=None, posting_roles=[], contribution_kinds=[]),
        )
        assert r.post and r.on_behalf and r.edit_any
    assert rights_for(
        role="facilitator",
        live=True,
        step_name=None,
        kinds_by_role=kinds_by_role(role_kinds=None, posting_roles=[], contribution_kinds=[]),
    ).control
    assert not rights_for(
        role="note_taker",
        live=True,
        step_name=None,
        kinds_by_role=kinds_by_role(role_kinds=None, posting_roles=[], contribution_kinds=[]),
    ).control


def test_home_peers_only_star_and_ask_while_visiting_peers_share():
    r = rights_for(
        role="home_peer",
        live=True,
        step_name="What the visiting peers know",
        kinds_by_role=kinds_by_role(
            role_kinds=None,
            posting_roles=["visiting_peer", "facilitator", "note_taker"],
            contribution_kinds=["practice", "lesson"],
        ),
    )
    assert r.post and r.kinds == ("question",) and r.star
    assert "clarifying questions" in r.why


def test_visiting_peers_read_only_while_receivers_analyse():
    r = rights_for(
        role="visiting_peer",
        live=True,
        step_name="Receivers analyse what they heard",
        kinds_by_role=kinds_by_role(
            role_kinds=None,
            posting_roles=["home_peer", "facilitator", "note_taker"],
            contribution_kinds=["insight"],
        ),
    )
    assert not r.post and not r.star


def test_nobody_but_facilitation_posts_outside_a_live_session():
    for role in ("home_peer", "visiting_peer", "observer"):
        r = rights_for(
            role=role,
            live=False,
            step_name="x",
            kinds_by_role=kinds_by_role(
                role_kinds=None, posting_roles=[role], contribution_kinds=[]
            ),
        )
        assert not r.post
    assert not rights_for(
        role="observer",
        live=True,
        step_name="x",
        kinds_by_role=kinds_by_role(role_kinds=None, posting_roles=[], contribution_kinds=[]),
    ).post


def test_timer_counts_down_pauses_and_goes_overtime():
    base = dict(duration_seconds=600, extra_seconds=0, paused_seconds=0)
    assert remaining_seconds(status="idle", started_at=None, paused_at=None, now=T0, **base) == 600
    running = remaining_seconds(
        status="running", started_at=T0, paused_at=None, now=T0 + timedelta(seconds=100), **base
    )
    assert running == 500
    paused = remaining_seconds(
        status="paused",
        started_at=T0,
        paused_at=T0 + timedelta(seconds=100),
        now=T0 + timedelta(seconds=400),
        **base,
    )
    assert paused == 500  # the clock stops while paused
    extended = remaining_seconds(
        status="running",
        started_at=T0,
        paused_at=None,
        now=T0 + timedelta(seconds=700),
        duration_seconds=600,
        extra_seconds=60,
        paused_seconds=300,
    )
    assert extended == 260
    overtime = remaining_seconds(
        status="running", started_at=T0, paused_at=None, now=T0 + timedelta(seconds=660), **base
    )
    assert overtime == -60


def test_timer_payload_gives_every_client_the_same_end():
    payload = timer_payload(
        step_id=3,
        status="running",
        started_at=T0,
        paused_at=None,
        duration_seconds=600,
        extra_seconds=120,
        paused_seconds=30,
        auto_advance=False,
        now=T0,
    )
    assert payload["ends_at"] == (T0 + timedelta(seconds=750)).isoformat()
