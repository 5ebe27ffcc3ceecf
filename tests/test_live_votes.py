"""Dot-voting (issue 16, Deliver 3): the facilitator opens a vote with N dots per person over
chosen notes; results stay hidden until it closes; one ballot per person (a retry, or a
ballot queued offline and sent again, counts once); the results reach the write-up."""

import uuid

import pytest

from peerassist.assists.models import PeerAssist, Status
from peerassist.live import selectors, services, votes, voting
from peerassist.live import state as live_state
from peerassist.live.models import Ballot, RoomEvent, Vote
from peerassist.writeups import services as writeup_services
from tests.writeups_support import make_scene, note

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(org):
    scene = make_scene(org)
    together = scene.assist.steps.get(name="What we all now know together")
    services.timer_control(
        assist_id=scene.assist.pk,
        user_id=scene.facilitator.user.pk,
        action="goto",
        step_id=together.pk,
    )
    scene.options = [
        note(scene.assist, scene.visiting.person, "option", f"Option {i}", step=together)
        for i in range(1, 6)
    ]
    return scene


def _open(scene, persona=None, *, dots=3, voters="everyone", ids=None):
    return votes.vote_open(
        assist_id=scene.assist.pk,
        user_id=(persona or scene.facilitator).user.pk,
        contribution_ids=ids if ids is not None else [o.pk for o in scene.options],
        dots=dots,
        voters=voters,
    )


def _cast(scene, persona, vote, dots, client_id=None):
    return votes.vote_cast(
        assist_id=scene.assist.pk,
        user_id=persona.user.pk,
        vote_id=vote["id"],
        client_id=client_id or str(uuid.uuid4()),
        dots={str(k): v for k, v in dots.items()},
    )


def _close(scene, vote, persona=None):
    return votes.vote_close(
        assist_id=scene.assist.pk,
        user_id=(persona or scene.facilitator).user.pk,
        vote_id=vote["id"],
    )


# --- Pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allocation", "ok"),
    [
        ({"1": 3}, True),
        ({"1": 1, "2": 2}, True),
        ({"1": 1, "2": 0}, True),
        ({}, False),
        ({"1": 0}, False),
        ({"1": 4}, False),
        ({"1": 2, "2": 2}, False),
        ({"9": 1}, False),
        ({"1": -1, "2": 2}, False),
        ({"1": 1.5}, False),
        ({"1": True}, False),
        ({"1": "2"}, False),
    ],
)
def test_a_ballot_places_one_to_n_whole_dots_on_the_votes_notes(allocation, ok):
    problem = voting.ballot_problem(dots=3, note_ids=[1, 2], allocation=allocation)
    assert (problem == "") is ok, problem


def test_the_tally_lists_every_note():
    assert voting.tally([{"1": 2, "2": 1}, {"1": 1}, {"7": 5}], [1, 2, 3]) == {1: 3, 2: 1, 3: 0}


# --- Who may do what: role × action ------------------------------------------------------------

ROLES = ["home", "visiting", "facilitator", "note_taker", "observer"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_facilitator_opens_and_closes_a_vote(scene, role):
    persona = getattr(scene, role)
    if role == "facilitator":
        vote = _open(scene, persona)
        assert _close(scene, vote, persona)["status"] == "closed"
        return
    with pytest.raises(services.RoomError) as refusal:
        _open(scene, persona)
    assert refusal.value.code == "not_allowed"
    vote = _open(scene)
    with pytest.raises(services.RoomError) as refusal:
        _close(scene, vote, persona)
    assert refusal.value.code == "not_allowed"


VOTERS = {
    "everyone": {"home", "visiting"},
    "home_team": {"home"},
}


@pytest.mark.parametrize("voters", sorted(VOTERS))
@pytest.mark.parametrize("role", ROLES)
def test_who_casts_dots(scene, voters, role):
    vote = _open(scene, voters=voters)
    persona = getattr(scene, role)
    if role in VOTERS[voters]:
        _cast(scene, persona, vote, {scene.options[0].pk: 1})
        assert Ballot.objects.filter(person=persona.person).count() == 1
    else:
        with pytest.raises(services.RoomError) as refusal:
            _cast(scene, persona, vote, {scene.options[0].pk: 1})
        assert refusal.value.code == "not_allowed"


# --- The vote ---------------------------------------------------------------------------------


def test_results_stay_hidden_until_the_vote_closes(scene):
    vote = _open(scene)
    _cast(scene, scene.home, vote, {scene.options[0].pk: 3})
    cast_event = RoomEvent.objects.filter(type="vote.cast").latest("seq")
    assert cast_event.data == {"vote_id": vote["id"], "ballots": 1}
    for persona in (scene.facilitator, scene.home, scene.visiting):
        actor = selectors.actor_for_user(assist=scene.assist, user_id=persona.user.pk)
        state = live_state.room_state(assist_id=scene.assist.pk, actor=actor, presence=[])
        assert state["votes"][0]["results"] is None and state["votes"][0]["ballots"] == 1
    # A person sees their own ballot back, nobody else's.
    home = selectors.actor_for_user(assist=scene.assist, user_id=scene.home.user.pk)
    mine = live_state.room_state(assist_id=scene.assist.pk, actor=home, presence=[])["my_ballots"]
    assert mine[str(vote["id"])]["dots"] == {str(scene.options[0].pk): 3}
    visiting = selectors.actor_for_user(assist=scene.assist, user_id=scene.visiting.user.pk)
    assert (
        live_state.room_state(assist_id=scene.assist.pk, actor=visiting, presence=[])["my_ballots"]
        == {}
    )

    closed = _close(scene, vote)
    assert closed["results"][str(scene.options[0].pk)] == 3
    event = RoomEvent.objects.filter(type="vote.closed").latest("seq")
    assert event.data["results"] == closed["results"]


def test_a_retried_or_offline_ballot_counts_once(scene):
    vote = _open(scene)
    client_id = str(uuid.uuid4())
    for _ in range(3):  # sent, lost, sent again on reconnect…
        _cast(scene, scene.home, vote, {scene.options[0].pk: 2}, client_id=client_id)
    assert Ballot.objects.count() == 1
    assert RoomEvent.objects.filter(type="vote.cast").count() == 1
    # A new ballot while the vote is open replaces theirs: still one result per person.
    _cast(scene, scene.home, vote, {scene.options[1].pk: 3})
    assert Ballot.objects.count() == 1
    results = _close(scene, vote)["results"]
    assert results[str(scene.options[0].pk)] == 0 and results[str(scene.options[1].pk)] == 3
    # A retry of the counted ballot after closing changes nothing; a new one is refused.
    counted = Ballot.objects.get()
    assert _cast(scene, scene.home, vote, {}, client_id=str(counted.client_id))["dots"]
    with pytest.raises(services.RoomError) as refusal:
        _cast(scene, scene.visiting, vote, {scene.options[0].pk: 1})
    assert refusal.value.code == "vote_closed"


def test_bad_ballots_and_votes_are_refused_with_a_reason(scene):
    vote = _open(scene)
    for dots in ({scene.options[0].pk: 4}, {}, {12345: 1}):
        with pytest.raises(services.RoomError) as refusal:
            _cast(scene, scene.home, vote, dots)
        assert refusal.value.code == "invalid" and refusal.value.message
    with pytest.raises(services.RoomError) as refusal:
        _open(scene)
    assert "Close the open vote" in refusal.value.message
    _close(scene, vote)
    question = note(scene.assist, scene.home.person, "question", "Why?")
    for kwargs in (
        {"ids": [scene.options[0].pk]},
        {"ids": [scene.options[0].pk, question.pk]},
        {"dots": 0},
        {"dots": 11},
        {"voters": "anyone"},
        {"ids": [scene.options[0].pk, 999999]},
    ):
        with pytest.raises(services.RoomError):
            _open(scene, **kwargs)
    assert Vote.objects.count() == 1


def test_closing_twice_changes_nothing(scene):
    vote = _open(scene)
    _close(scene, vote)
    _close(scene, vote)
    assert RoomEvent.objects.filter(type="vote.closed").count() == 1


def test_vote_totals_appear_in_the_write_up_where_the_vote_was_held(scene):
    vote = _open(scene, dots=3)
    people = [scene.home, scene.visiting]
    ballots = [
        {scene.options[0].pk: 2, scene.options[1].pk: 1},
        {scene.options[0].pk: 1, scene.options[2].pk: 2},
    ]
    for persona, dots in zip(people, ballots, strict=True):
        _cast(scene, persona, vote, dots)
    _close(scene, vote)
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    body = writeup_services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body
    start = body.index("## What we all now know together")
    together = body[start : body.index("\n## ", start + 3)]
    assert "**Dot-vote.** 3 dots each, 2 people voted." in together
    votes_part = together[together.index("**Dot-vote.**") :]
    lines = [line for line in votes_part.splitlines() if line.startswith("- Option")]
    assert lines[:3] == [
        "- Option 1 — **3 dots**",
        "- Option 3 — **2 dots**",
        "- Option 2 — **1 dot**",
    ]
    assert "- Option 4 — **0 dots**" in lines
