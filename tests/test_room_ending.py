"""Every format can end from the room (issue 21): the facilitator concludes from the last step
the room can run, "Go to" works for every step it offers, and "Next step" never resets a
running session — in every shipped format and in any edited copy."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerassist.accounts.models import Membership
from peerassist.assists import rules
from peerassist.assists.models import (
    AssistStep,
    Format,
    Participation,
    PeerAssist,
    Role,
    Status,
)
from peerassist.live import services
from peerassist.live.selectors import actor_for_user
from peerassist.live.state import room_state
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PHASES = ("before", "during", "after")
SHIPPED_KINDS = ("mini", "standard", "four_part", "extended")


@given(st.lists(st.sampled_from(PHASES), max_size=12))
def test_the_concluding_step_is_the_last_that_can_be_run(phases):
    steps = list(enumerate(phases))
    concluding = rules.concluding_step(steps)
    runnable = [i for i, phase in steps if phase == "during"]
    assert rules.runnable_steps(steps) == runnable
    assert concluding == (runnable[-1] if runnable else None)


def test_in_the_mini_format_the_concluding_step_is_the_home_peer_response():
    fmt = Format.objects.get(organisation=None, kind="mini")
    steps = [(s.name, s.phase) for s in fmt.steps.order_by("order")]
    assert steps[-1][0].startswith("After the event")  # the agenda's last item…
    assert rules.concluding_step(steps) == "Home peer response"  # …is not where it ends


def _facilitator(org, assist):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=org, role="member")
    person = PersonFactory(organisation=org, user=user, email=user.email)
    Participation.objects.create(assist=assist, person=person, role=Role.FACILITATOR)
    return user


def _live_assist(org, steps):
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Ending",
        format=Format.objects.filter(organisation=None).first(),
        status=Status.LIVE,
        focus_questions=["Q?"],
    )
    for order, (name, phase) in enumerate(steps, start=1):
        AssistStep.objects.create(
            assist=assist, order=order, name=name, phase=phase, duration_minutes=10
        )
    return assist, _facilitator(org, assist)


def _state(assist, user):
    return room_state(
        assist_id=assist.pk,
        actor=actor_for_user(assist=assist, user_id=user.pk),
        presence=[],
    )


def _run_to_the_end(assist, user):
    """Start, then "Next step" until the room refuses; the steps it ran, in order."""
    timer = services.timer_control(assist_id=assist.pk, user_id=user.pk, action="start")
    ran = [timer["step_id"]]
    for _ in range(len(ran) + assist.steps.count() + 1):
        try:
            timer = services.timer_control(assist_id=assist.pk, user_id=user.pk, action="next")
        except services.RoomError as refused:
            assert "last step" in refused.message
            break
        assert timer["step_id"] is not None, "Next step reset a running session"
        assert timer["status"] == "running"
        ran.append(timer["step_id"])
    else:
        pytest.fail("Next step never stopped")
    return ran, timer


def _assert_ends_from_the_room(assist, user):
    agenda = _state(assist, user)["agenda"]
    runnable = [s["id"] for s in agenda if s["runnable"]]
    concluding = [s["id"] for s in agenda if s["concluding"]]
    assert concluding == runnable[-1:]

    ran, timer = _run_to_the_end(assist, user)
    assert ran == runnable
    # The room stays on the concluding step, running: that is where "Record the conclusion"
    # shows (conclusion-link.js shows it on the agenda item marked concluding).
    state = _state(assist, user)
    assert state["timer"]["step_id"] == concluding[0]
    assert state["timer"]["status"] == "running"
    # The timer running out there does not reset the room either.
    services.timer_control(
        assist_id=assist.pk, user_id=None, action="auto_next", expected_step_id=concluding[0]
    )
    assert _state(assist, user)["timer"]["step_id"] == concluding[0]

    # "Go to" works for every step the room offers it on, and is refused (not offered) on
    # steps that happen before or after the session.
    for step in agenda:
        if step["runnable"]:
            timer = services.timer_control(
                assist_id=assist.pk, user_id=user.pk, action="goto", step_id=step["id"]
            )
            assert timer["step_id"] == step["id"] and timer["status"] == "running"
        else:
            with pytest.raises(services.RoomError, match="not run in the room"):
                services.timer_control(
                    assist_id=assist.pk, user_id=user.pk, action="goto", step_id=step["id"]
                )


@pytest.mark.parametrize("kind", SHIPPED_KINDS)
def test_every_shipped_format_ends_from_the_room(org, kind):
    fmt = Format.objects.get(organisation=None, kind=kind)
    assist, user = _live_assist(org, [(s.name, s.phase) for s in fmt.steps.order_by("order")])
    _assert_ends_from_the_room(assist, user)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_edited_copy_of_a_format_ends_from_the_room(org, data):
    kind = data.draw(st.sampled_from(SHIPPED_KINDS))
    shipped = list(Format.objects.get(organisation=None, kind=kind).steps.order_by("order"))
    # An edited copy: steps dropped, phases changed; at least one step the room can run.
    kept = data.draw(st.lists(st.sampled_from(shipped), min_size=1, unique=True))
    phases = data.draw(st.lists(st.sampled_from(PHASES), min_size=len(kept), max_size=len(kept)))
    if "during" not in phases:
        phases[data.draw(st.integers(0, len(phases) - 1))] = "during"
    assist, user = _live_assist(
        org, [(s.name, phase) for s, phase in zip(kept, phases, strict=True)]
    )
    _assert_ends_from_the_room(assist, user)
