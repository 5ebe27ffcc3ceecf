"""The write-up says who starred the notes: the home team, the facilitator, or both."""

import pytest

from peerassist.assists.models import PeerAssist, Status
from peerassist.live import services as live_services
from peerassist.live.models import Contribution
from peerassist.writeups import services
from peerassist.writeups.drafting import star_legend
from tests.writeups_support import make_scene

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "legend"),
    [
        ({"home_peer"}, "★ marks the notes the home team starred."),
        ({"facilitator"}, "★ marks the notes the facilitator starred."),
        (
            {"home_peer", "facilitator"},
            "★ marks the notes the home team and the facilitator starred.",
        ),
        ({""}, "★ marks the notes starred in the room."),
        ({"", "home_peer"}, "★ marks the notes starred in the room."),
    ],
)
def test_the_legend_names_who_starred(roles, legend):
    assert star_legend(roles) == legend


def starred_in_the_room(scene, persona, text):
    note = Contribution.objects.get(assist=scene.assist, text__startswith=text)
    live_services.contribution_star(
        assist_id=scene.assist.pk, user_id=persona.user.pk, contribution_id=note.pk, starred=True
    )


def unstar_all(scene):
    Contribution.objects.filter(assist=scene.assist).update(starred=False, starred_by_role="")


def concluded_draft(scene) -> str:
    PeerAssist.objects.filter(pk=scene.assist.pk).update(status=Status.CONCLUDED)
    return services.writeup_draft(viewer=scene.home.viewer, assist=scene.assist).body


def test_notes_the_facilitator_starred_are_said_to_be_the_facilitators(org):
    scene = make_scene(org)
    unstar_all(scene)
    starred_in_the_room(scene, scene.facilitator, "Map hydrant access")
    body = concluded_draft(scene)
    assert "★ marks the notes the facilitator starred." in body
    assert "home team starred" not in body
    assert "★ Map hydrant access" in body


def test_notes_starred_by_both_say_both(org):
    scene = make_scene(org)
    unstar_all(scene)
    starred_in_the_room(scene, scene.facilitator, "Map hydrant access")
    starred_in_the_room(scene, scene.home, "Correlate at night")
    assert "the home team and the facilitator starred" in concluded_draft(scene)
