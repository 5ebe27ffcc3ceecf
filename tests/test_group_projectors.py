"""A projector link per breakout group besides the room's (issue 21, Deliver 2): derived from
the room's open link, so renewing or closing that one renews or closes them all."""

import re

import pytest
from django.test import Client

from peerassist.assists.models import BreakoutGroup, Format, Participation, PeerAssist, Role
from peerassist.assists.services import _copy_steps
from peerassist.live import selectors
from peerassist.live.models import Room

pytestmark = pytest.mark.django_db


@pytest.fixture
def grouped(org, member):
    fmt = Format.objects.get(organisation=None, kind="standard")
    assist = PeerAssist.objects.create(
        organisation=org, title="Breakouts", format=fmt, status="live"
    )
    _copy_steps(fmt, assist)
    Participation.objects.create(assist=assist, person=member.person, role=Role.FACILITATOR)
    one = BreakoutGroup.objects.create(assist=assist, name="English", order=1)
    two = BreakoutGroup.objects.create(assist=assist, name="Français", order=2)
    return assist, one, two


def group_links(client, assist) -> dict[str, str]:
    """{group id: token} of the group projector links the room page shows."""
    body = client.get(f"/assists/{assist.pk}/live/").content.decode()
    pattern = r'href="[^"]*/projector/(g[^/"]+)/"[^>]*data-group-projector="(\d+)"'
    return {group: token for token, group in re.findall(pattern, body)}


def test_the_facilitator_gets_a_screen_per_group_once_the_room_has_one(grouped, member):
    assist, one, two = grouped
    client = member.client()
    assert group_links(client, assist) == {}
    client.post(f"/assists/{assist.pk}/live/projector-link/")
    links = group_links(client, assist)
    assert set(links) == {str(one.pk), str(two.pk)}

    screen = Client()
    page = screen.get(f"/projector/{links[str(two.pk)]}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="projector-group">Français<' in body
    assert f'data-group-id="{two.pk}"' in body
    assert f"?projector={links[str(two.pk)]}" in body


def test_group_links_die_with_the_rooms_link(grouped, member):
    assist, one, _two = grouped
    client = member.client()
    client.post(f"/assists/{assist.pk}/live/projector-link/")
    old = group_links(client, assist)[str(one.pk)]
    client.post(f"/assists/{assist.pk}/live/projector-link/")  # renewed
    assert Client().get(f"/projector/{old}/").status_code == 404
    new = group_links(client, assist)[str(one.pk)]
    assert new != old and Client().get(f"/projector/{new}/").status_code == 200
    client.post(f"/assists/{assist.pk}/live/projector-link/", {"action": "revoke"})
    assert Client().get(f"/projector/{new}/").status_code == 404


@pytest.mark.parametrize(
    "forge",
    [
        lambda token, other: token[:-1] + ("0" if token[-1] != "0" else "1"),  # wrong mac
        lambda token, other: token.replace(token.split(".")[0], f"g{other}"),  # other group
        lambda token, other: "g.",
        lambda token, other: "gx.abc",
        lambda token, other: "g999999.abc",
    ],
)
def test_a_forged_group_token_is_404(grouped, member, forge):
    assist, one, two = grouped
    member.client().post(f"/assists/{assist.pk}/live/projector-link/")
    token = selectors.projector_group_token(room=Room.objects.get(assist=assist), group_id=one.pk)
    assert Client().get(f"/projector/{forge(token, two.pk)}/").status_code == 404


def test_a_group_token_opens_only_its_own_rooms_socket(grouped, member, org):
    assist, one, _two = grouped
    member.client().post(f"/assists/{assist.pk}/live/projector-link/")
    token = selectors.projector_group_token(room=Room.objects.get(assist=assist), group_id=one.pk)
    target = selectors.projector_target(token=token)
    assert target is not None and target.group == one and target.room.assist_id == assist.pk
    assert selectors.projector_target(token="") is None
