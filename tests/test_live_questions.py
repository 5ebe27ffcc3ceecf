"""Anonymous questions, upvotes and answering (issue 16, Deliver 2).

The facilitator opens anonymous questions per step; a participant's question then goes to
the room without their name. The server keeps the author for moderation and abuse only:
nobody else sees it — not in the room's events or state, not the facilitator, not the
record, the write-up, its exports, search or the recommender. Questions get one upvote
per person; the facilitator (or note-taker) marks them answered or files them.
"""

import uuid

import pytest

from peerassist.assists.models import PeerAssist, Status
from peerassist.live import questions, selectors, services
from peerassist.live import state as live_state
from peerassist.live.models import Contribution, QuestionUpvote, RoomEvent
from peerassist.writeups import services as writeup_services
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db

SECRET_QUESTION = "Why did the last pilot really stop?"


def _step(scene, name):
    return scene.assist.steps.get(name=name)


def _goto(scene, name):
    services.timer_control(
        assist_id=scene.assist.pk,
        user_id=scene.facilitator.user.pk,
        action="goto",
        step_id=_step(scene, name).pk,
    )


def _open_anonymous(scene, name="What the visiting peers know"):
    _goto(scene, name)
    questions.anonymous_questions_set(
        assist_id=scene.assist.pk,
        user_id=scene.facilitator.user.pk,
        step_id=_step(scene, name).pk,
        on=True,
    )


def _ask(scene, persona, text=SECRET_QUESTION, *, anonymous=True, kind="question", **extra):
    return services.contribution_post(
        assist_id=scene.assist.pk,
        user_id=persona.user.pk,
        client_id=str(uuid.uuid4()),
        text=text,
        kind=kind,
        anonymous=anonymous,
        **extra,
    )


@pytest.fixture
def scene(org):
    return make_scene(org)


def test_an_anonymous_question_names_nobody_but_its_author_sees_it_is_theirs(scene):
    _open_anonymous(scene)
    posted = _ask(scene, scene.home)
    assert posted.contribution["author"] is None and posted.contribution["anonymous"] is True
    assert posted.contribution["mine"] is True  # the ack, to the poster only

    stored = Contribution.objects.get(pk=posted.contribution["id"])
    assert stored.author_id == scene.home.person.pk  # kept for moderation and abuse only

    event = RoomEvent.objects.filter(type="contribution.created").latest("seq")
    assert event.data["author"] is None and "mine" not in event.data
    assert scene.home.person.name not in str(event.data)

    for persona in (scene.facilitator, scene.visiting, scene.note_taker, scene.observer):
        actor = selectors.actor_for_user(assist=scene.assist, user_id=persona.user.pk)
        state = live_state.room_state(assist_id=scene.assist.pk, actor=actor, presence=[])
        seen = next(c for c in state["contributions"] if c["id"] == stored.pk)
        assert seen["author"] is None and "mine" not in seen, persona
    home = selectors.actor_for_user(assist=scene.assist, user_id=scene.home.user.pk)
    state = live_state.room_state(assist_id=scene.assist.pk, actor=home, presence=[])
    assert next(c for c in state["contributions"] if c["id"] == stored.pk)["mine"] is True

    # A retry gets the same note back, still marked as the poster's own.
    again = services.contribution_post(
        assist_id=scene.assist.pk,
        user_id=scene.home.user.pk,
        client_id=posted.contribution["client_id"],
        text=SECRET_QUESTION,
        kind="question",
        anonymous=True,
    )
    assert not again.created and again.contribution["mine"] is True


def test_the_author_can_still_edit_their_anonymous_question(scene):
    _open_anonymous(scene)
    posted = _ask(scene, scene.home)
    services.contribution_edit(
        assist_id=scene.assist.pk,
        user_id=scene.home.user.pk,
        contribution_id=posted.contribution["id"],
        text="Why did the pilot stop?",
        kind="question",
    )
    assert Contribution.objects.get(pk=posted.contribution["id"]).text == "Why did the pilot stop?"
    with pytest.raises(services.RoomError):
        services.contribution_edit(
            assist_id=scene.assist.pk,
            user_id=scene.visiting.user.pk,
            contribution_id=posted.contribution["id"],
            text="hijacked",
            kind="question",
        )


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("switch off", "not_now"),
        ("not a question", "invalid"),
        ("on behalf", "invalid"),
    ],
)
def test_anonymous_posts_are_refused_outside_what_the_facilitator_opened(scene, case, code):
    _goto(scene, "What the visiting peers know")
    if case != "switch off":
        _open_anonymous(scene)
    kwargs = {}
    persona = scene.home
    kind = "question"
    if case == "not a question":
        persona, kind = scene.visiting, "practice"
    if case == "on behalf":
        persona, kwargs = scene.facilitator, {"on_behalf_of": scene.home.person.pk}
    with pytest.raises(services.RoomError) as refusal:
        _ask(scene, persona, kind=kind, **kwargs)
    assert refusal.value.code == code
    assert not Contribution.objects.filter(anonymous=True).exists()


def test_the_switch_is_per_step(scene):
    _open_anonymous(scene, "What the visiting peers know")
    _goto(scene, "What the home peers know")
    with pytest.raises(services.RoomError) as refusal:
        _ask(scene, scene.home)
    assert refusal.value.code == "not_now"
    _goto(scene, "What the visiting peers know")
    assert _ask(scene, scene.home).created


# --- Who may do what: role × action ---------------------------------------------------------

ROLES = ["home", "visiting", "facilitator", "note_taker", "observer"]
RIGHTS = {
    # action: roles allowed (everyone else is refused)
    "switch": {"facilitator"},
    "upvote": {"visiting", "observer"},  # home asked it: nobody upvotes their own question
    "answer": {"facilitator", "note_taker"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(RIGHTS))
def test_question_rights_table(scene, role, action):
    _open_anonymous(scene)
    question = _ask(scene, scene.home).contribution
    persona = getattr(scene, role)
    step = _step(scene, "What the visiting peers know")

    def attempt():
        if action == "switch":
            questions.anonymous_questions_set(
                assist_id=scene.assist.pk, user_id=persona.user.pk, step_id=step.pk, on=False
            )
        elif action == "upvote":
            questions.question_upvote(
                assist_id=scene.assist.pk,
                user_id=persona.user.pk,
                contribution_id=question["id"],
                on=True,
            )
        else:
            questions.question_answer(
                assist_id=scene.assist.pk,
                user_id=persona.user.pk,
                contribution_id=question["id"],
                answered=True,
            )

    if role in RIGHTS[action]:
        attempt()
    else:
        with pytest.raises(services.RoomError) as refusal:
            attempt()
        assert refusal.value.code == "not_allowed"


def test_the_home_peer_upvotes_others_questions(scene):
    _open_anonymous(scene)
    services.timer_control(
        assist_id=scene.assist.pk, user_id=scene.facilitator.user.pk, action="start"
    )
    question = _ask(scene, scene.home, anonymous=False).contribution
    other = services.contribution_post(
        assist_id=scene.assist.pk,
        user_id=scene.facilitator.user.pk,
        client_id=str(uuid.uuid4()),
        text="What budget is left?",
        kind="question",
    ).contribution
    questions.question_upvote(
        assist_id=scene.assist.pk, user_id=scene.home.user.pk, contribution_id=other["id"], on=True
    )
    assert Contribution.objects.get(pk=other["id"]).upvotes == 1
    assert question["upvotes"] == 0


def test_one_upvote_per_person_retries_change_nothing(scene):
    _open_anonymous(scene)
    question = _ask(scene, scene.home).contribution
    for _ in range(3):
        questions.question_upvote(
            assist_id=scene.assist.pk,
            user_id=scene.visiting.user.pk,
            contribution_id=question["id"],
            on=True,
        )
    questions.question_upvote(
        assist_id=scene.assist.pk,
        user_id=scene.observer.user.pk,
        contribution_id=question["id"],
        on=True,
    )
    assert Contribution.objects.get(pk=question["id"]).upvotes == 2
    assert QuestionUpvote.objects.count() == 2
    seqs = RoomEvent.objects.filter(type="contribution.updated").count()
    assert seqs == 2  # the two retries emitted nothing
    questions.question_upvote(
        assist_id=scene.assist.pk,
        user_id=scene.visiting.user.pk,
        contribution_id=question["id"],
        on=False,
    )
    assert Contribution.objects.get(pk=question["id"]).upvotes == 1
    visiting = selectors.actor_for_user(assist=scene.assist, user_id=scene.observer.user.pk)
    state = live_state.room_state(assist_id=scene.assist.pk, actor=visiting, presence=[])
    assert next(c for c in state["contributions"] if c["id"] == question["id"])["upvoted"]


def test_only_questions_are_upvoted_or_answered(scene):
    _goto(scene, "What the visiting peers know")
    practice = _ask(scene, scene.visiting, "Rotate drivers", anonymous=False, kind="practice")
    with pytest.raises(services.RoomError) as refusal:
        questions.question_upvote(
            assist_id=scene.assist.pk,
            user_id=scene.observer.user.pk,
            contribution_id=practice.contribution["id"],
            on=True,
        )
    assert refusal.value.code == "invalid"


def test_answering_and_filing_a_question(scene):
    _open_anonymous(scene)
    question = _ask(scene, scene.home).contribution
    questions.question_answer(
        assist_id=scene.assist.pk,
        user_id=scene.facilitator.user.pk,
        contribution_id=question["id"],
        answered=True,
    )
    services.contribution_move(
        assist_id=scene.assist.pk,
        user_id=scene.facilitator.user.pk,
        contribution_id=question["id"],
        focus_question=0,
        group_id=None,
    )
    saved = Contribution.objects.get(pk=question["id"])
    assert saved.answered_at is not None and saved.focus_question == 0
    event = RoomEvent.objects.filter(type="contribution.updated").latest("seq")
    assert event.data["answered"] is True and event.data["author"] is None


def test_the_write_up_and_its_exports_never_name_the_asker(scene):
    _open_anonymous(scene)
    _ask(scene, scene.home)
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    body = writeup_services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body
    line = next(line for line in body.splitlines() if SECRET_QUESTION in line)
    assert "asked anonymously" in line
    assert scene.home.person.name not in line


def test_search_and_the_recommender_do_not_credit_an_anonymous_question(scene):
    from peerassist.search.providers import build_contribution

    _open_anonymous(scene)
    stored = Contribution.objects.get(pk=_ask(scene, scene.home).contribution["id"])
    assert build_contribution(stored).unit_id is None


def test_the_switch_is_refused_for_a_step_the_room_does_not_run(scene):
    before = _step(scene, "Home peer challenge")
    with pytest.raises(services.RoomError) as refusal:
        questions.anonymous_questions_set(
            assist_id=scene.assist.pk,
            user_id=scene.facilitator.user.pk,
            step_id=before.pk,
            on=True,
        )
    assert refusal.value.code == "invalid"
