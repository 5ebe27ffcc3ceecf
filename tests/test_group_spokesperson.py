"""A spokesperson per breakout group (issue 21, Deliver 2): in the 90-minute format's plenary
each group's spokesperson posts its insights, filed under the group; who may name them; and
the rights' explanations fit the step (a plenary, a closing)."""

import uuid

import pytest
from django.urls import reverse

from peerassist.accounts.models import Membership
from peerassist.assists import kinds
from peerassist.assists.models import BreakoutGroup, Format, Participation, PeerAssist, Role
from peerassist.assists.services import _copy_steps, group_assign, group_spokesperson_set
from peerassist.live import rights, services
from peerassist.live.models import Contribution
from peerassist.live.selectors import actor_for_user
from peerassist.live.state import room_state
from tests.conftest import make_persona
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PLENARY_TABLE = kinds.kinds_by_role(
    role_kinds={"home_peer": [], "visiting_peer": [], "spokesperson": ["insight"]}
)
CLOSING_TABLE = kinds.kinds_by_role(role_kinds={"home_peer": [], "visiting_peer": []})


# --- The rule, without the database ----------------------------------------------------------


@pytest.mark.parametrize("role", ["home_peer", "visiting_peer", "observer"])
def test_a_spokesperson_posts_the_groups_insights_in_the_plenary(role):
    allowed = rights.rights_for(
        role=role,
        live=True,
        step_name="Plenary debriefing",
        kinds_by_role=PLENARY_TABLE,
        spokesperson_of="Group 2",
    )
    assert allowed.post and "insight" in allowed.kinds
    assert "you speak for Group 2" in allowed.why


@pytest.mark.parametrize("role", ["home_peer", "visiting_peer"])
def test_the_others_are_told_the_spokespeople_share(role):
    allowed = rights.rights_for(
        role=role, live=True, step_name="Plenary debriefing", kinds_by_role=PLENARY_TABLE
    )
    assert not allowed.post
    assert "each group's spokesperson shares" in allowed.why
    assert "visiting peers share" not in allowed.why and "home team works" not in allowed.why


@pytest.mark.parametrize("role", ["home_peer", "visiting_peer"])
def test_in_the_closing_step_nobody_is_told_another_role_is_sharing(role):
    allowed = rights.rights_for(
        role=role, live=True, step_name="Close the session", kinds_by_role=CLOSING_TABLE
    )
    assert not allowed.post
    assert "the facilitator records the notes" in allowed.why


def test_a_spokesperson_outside_a_plenary_has_only_their_roles_rights():
    allowed = rights.rights_for(
        role="visiting_peer",
        live=True,
        step_name="Close the session",
        kinds_by_role=CLOSING_TABLE,
        spokesperson_of="Group 1",
    )
    assert not allowed.post


def test_the_table_accepts_spokespeople_and_refuses_unknown_parts():
    assert kinds.role_kinds_errors({"spokesperson": ["insight"]}) == []
    assert kinds.role_kinds_errors({"speaker": ["insight"]})
    assert kinds.kinds_by_role(role_kinds={"home_peer": ["question"]})["spokesperson"] == ()


def test_the_shipped_90_minute_plenary_gives_spokespeople_insights():
    fmt = Format.objects.get(organisation=None, kind="standard")
    plenary = fmt.steps.get(name="Plenary debriefing")
    assert plenary.role_kinds["spokesperson"] == ["insight"]


# --- In the room ---------------------------------------------------------------------------------


def _person(org, role, assist, group=None):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=org, role="member")
    person = PersonFactory(organisation=org, user=user, email=user.email)
    Participation.objects.create(assist=assist, person=person, role=role, group=group)
    return user, person


@pytest.fixture
def plenary(org):
    """A live 90-minute session in two groups, the room on the plenary step."""
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Breakouts",
        format=Format.objects.get(organisation=None, kind="standard"),
        status="live",
        focus_questions=["Q?"],
    )
    _copy_steps(assist.format, assist)
    one = BreakoutGroup.objects.create(assist=assist, name="Group 1", order=1)
    two = BreakoutGroup.objects.create(assist=assist, name="Group 2", order=2)
    facilitator, _f = _person(org, Role.FACILITATOR, assist, one)
    speaker, speaker_person = _person(org, Role.VISITING_PEER, assist, two)
    listener, _l = _person(org, Role.VISITING_PEER, assist, two)
    home, _h = _person(org, Role.HOME_PEER, assist, one)
    two.spokesperson = speaker_person
    two.save()
    step = assist.steps.get(name="Plenary debriefing")
    services.timer_control(assist_id=assist.pk, user_id=facilitator.pk, action="start")
    services.timer_control(
        assist_id=assist.pk, user_id=facilitator.pk, action="goto", step_id=step.pk
    )
    return {
        "assist": assist,
        "two": two,
        "speaker": speaker,
        "listener": listener,
        "home": home,
    }


def _post(assist, user, kind="insight", group_id=None):
    return services.contribution_post(
        assist_id=assist.pk,
        user_id=user.pk,
        client_id=str(uuid.uuid4()),
        text="Start with the metal mains",
        kind=kind,
        focus_question=None,
        group_id=group_id,
    )


def test_the_spokesperson_posts_in_the_plenary_and_the_note_is_their_groups(plenary):
    posted = _post(plenary["assist"], plenary["speaker"])
    assert posted.created
    assert Contribution.objects.get(pk=posted.contribution["id"]).group == plenary["two"]
    me = room_state(
        assist_id=plenary["assist"].pk,
        actor=actor_for_user(assist=plenary["assist"], user_id=plenary["speaker"].pk),
        presence=[],
    )["me"]
    assert me["may"]["post"] and "Group 2" in me["why"]


@pytest.mark.parametrize("who", ["listener", "home"])
def test_someone_who_does_not_speak_for_a_group_cannot_post_in_the_plenary(plenary, who):
    with pytest.raises(services.RoomError) as refused:
        _post(plenary["assist"], plenary[who])
    assert refused.value.code == "not_now"
    assert not Contribution.objects.exists()


def test_the_spokesperson_posts_only_the_plenarys_kinds(plenary):
    with pytest.raises(services.RoomError):
        _post(plenary["assist"], plenary["speaker"], kind="lesson")


def test_the_room_state_names_each_groups_spokesperson(plenary):
    state = room_state(
        assist_id=plenary["assist"].pk,
        actor=actor_for_user(assist=plenary["assist"], user_id=plenary["listener"].pk),
        presence=[],
    )
    spokes = {g["name"]: g["spokesperson_id"] for g in state["groups"]}
    assert spokes == {"Group 1": None, "Group 2": plenary["two"].spokesperson_id}


# --- Naming a spokesperson -------------------------------------------------------------------


@pytest.fixture
def planned(org, organiser):
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Breakouts",
        format=Format.objects.get(organisation=None, kind="standard"),
        status="planned",
    )
    group = BreakoutGroup.objects.create(assist=assist, name="Group 1", order=1)
    other = BreakoutGroup.objects.create(assist=assist, name="Group 2", order=2)
    member = make_persona(org, "member", "mo.member@meridian.test")
    home = make_persona(org, "member", "hana.home@meridian.test")
    Participation.objects.create(assist=assist, person=home.person, role=Role.HOME_PEER)
    peer = PersonFactory(organisation=org, name="Pia Peer")
    outsider = PersonFactory(organisation=org, name="Oli Other")
    Participation.objects.create(assist=assist, person=peer, role=Role.VISITING_PEER, group=group)
    Participation.objects.create(
        assist=assist, person=outsider, role=Role.VISITING_PEER, group=other
    )
    return {
        "assist": assist,
        "group": group,
        "peer": peer,
        "outsider": outsider,
        "member": member,
        "home": home,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("home", 302),
        ("organiser", 302),
        ("member", 404),
        ("guest", 404),
        ("other_org_member", 404),
    ],
)
def test_who_may_name_a_spokesperson(request, planned, who, status):
    persona = planned[who] if who in planned else request.getfixturevalue(who)
    url = reverse("assists:group_spokesperson", args=[planned["assist"].pk, planned["group"].pk])
    response = persona.client().post(url, {"person_id": planned["peer"].pk})
    assert response.status_code in ((403, 404) if status == 404 else (status,))
    planned["group"].refresh_from_db()
    assert (planned["group"].spokesperson == planned["peer"]) is (status == 302)


@pytest.mark.parametrize("bad", ["outsider", "nonsense"])
def test_the_spokesperson_must_be_one_of_the_groups_members(planned, organiser, bad):
    value = planned["outsider"].pk if bad == "outsider" else "x1"
    url = reverse("assists:group_spokesperson", args=[planned["assist"].pk, planned["group"].pk])
    response = organiser.client().post(url, {"person_id": value})
    assert response.status_code == 400
    assert "member" in response.text
    planned["group"].refresh_from_db()
    assert planned["group"].spokesperson is None


def test_moving_the_spokesperson_out_of_the_group_clears_it(planned, organiser):
    group_spokesperson_set(
        viewer=organiser.viewer,
        assist=planned["assist"],
        group_id=planned["group"].pk,
        person_id=planned["peer"].pk,
    )
    moved = Participation.objects.get(assist=planned["assist"], person=planned["peer"])
    group_assign(
        viewer=organiser.viewer, assist=planned["assist"], participation_id=moved.pk, group_id=None
    )
    planned["group"].refresh_from_db()
    assert planned["group"].spokesperson is None


def test_the_api_names_a_spokesperson_and_lists_it(planned, organiser):
    from tests.test_communities_api import bearer

    client = bearer(organiser)
    base = f"/api/v1/assists/{planned['assist'].pk}/groups"
    url = f"{base}/{planned['group'].pk}/spokesperson"
    response = client.put(url, {"person_id": planned["peer"].pk}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["spokesperson_id"] == planned["peer"].pk
    listed = client.get(base).json()
    assert [g["spokesperson_id"] for g in listed] == [planned["peer"].pk, None]
    wrong = client.put(url, {"person_id": planned["outsider"].pk}, content_type="application/json")
    assert wrong.status_code == 422
    missing = client.put(
        f"{base}/999999/spokesperson", {"person_id": None}, content_type="application/json"
    )
    assert missing.status_code == 404


def test_a_proposal_names_a_visiting_peer_as_each_groups_spokesperson(planned, organiser):
    from peerassist.assists.services import groups_propose

    groups = groups_propose(viewer=organiser.viewer, assist=planned["assist"])
    for group in groups:
        members = Participation.objects.filter(group=group)
        if members.filter(role=Role.VISITING_PEER).exists():
            assert members.filter(person_id=group.spokesperson_id, role=Role.VISITING_PEER).exists()
