import pytest
from django.test import Client

from peerassist.assists.models import Format, Participation, PeerAssist, Role, Status
from peerassist.assists.services import _copy_steps
from peerassist.live.models import Room

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_assist(org, member):
    fmt = Format.objects.get(organisation=None, kind="mini")
    assist = PeerAssist.objects.create(
        organisation=org, title="Room page", format=fmt, status=Status.LIVE
    )
    _copy_steps(fmt, assist)
    Participation.objects.create(assist=assist, person=member.person, role=Role.FACILITATOR)
    return assist


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member", 200),
        ("organiser", 200),
        ("admin", 200),
        ("guest", 404),  # a guest finds only the assists they take part in
        ("outsider", 403),
        ("other_org_member", 404),
    ],
)
def test_room_page_access(request, live_assist, persona, expected):
    client = request.getfixturevalue(persona).client()
    assert client.get(f"/assists/{live_assist.pk}/live/").status_code == expected


def test_a_member_not_taking_part_is_refused(live_assist, org):
    from tests.conftest import make_persona

    bystander = make_persona(org, "member", "bystander@meridian.test")
    response = bystander.client().get(f"/assists/{live_assist.pk}/live/")
    assert response.status_code == 403


def test_anonymous_goes_to_sign_in(live_assist):
    response = Client().get(f"/assists/{live_assist.pk}/live/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_room_page_carries_the_socket_path_and_no_inline_script(live_assist, member):
    body = member.client().get(f"/assists/{live_assist.pk}/live/").content.decode()
    assert f"/ws/assists/{live_assist.pk}/" in body
    assert 'data-testid="composer-text"' in body
    import re

    for tag in re.findall(r"<script[^>]*>", body):
        assert "nonce=" in tag or 'type="application/json"' in tag


def projector_url_on_page(client, assist) -> str:
    import re

    body = client.get(f"/assists/{assist.pk}/live/").content.decode()
    found = re.search(r'value="[^"]*/projector/([^/"]+)/"', body)
    return found.group(1) if found else ""


def test_projector_link_is_made_renewed_and_closed(live_assist, member):
    client = member.client()
    client.post(f"/assists/{live_assist.pk}/live/projector-link/")
    token = projector_url_on_page(client, live_assist)
    assert token
    projector = Client()
    page = projector.get(f"/projector/{token}/")
    assert page.status_code == 200
    assert f"?projector={token}" in page.content.decode()
    # Shown again in another browser of the facilitator (a new session), with a warning.
    elsewhere = Client()
    elsewhere.force_login(member.user)
    assert projector_url_on_page(elsewhere, live_assist) == token
    body = elsewhere.get(f"/assists/{live_assist.pk}/live/").content.decode()
    assert "Copy the link" in body and "stops the screen that shows the current one" in body
    client.post(f"/assists/{live_assist.pk}/live/projector-link/")
    assert projector.get(f"/projector/{token}/").status_code == 404  # renewed: old link dead
    new_token = projector_url_on_page(elsewhere, live_assist)
    assert new_token and new_token != token
    client.post(f"/assists/{live_assist.pk}/live/projector-link/", {"action": "revoke"})
    assert projector.get(f"/projector/{new_token}/").status_code == 404
    assert Room.objects.get(assist=live_assist).projector_digest == ""
    assert projector_url_on_page(elsewhere, live_assist) == ""


def test_a_link_made_before_it_could_be_shown_again_is_said_to_be_open(live_assist, member):
    import hashlib

    Room.objects.update_or_create(
        assist=live_assist, defaults={"projector_digest": hashlib.sha256(b"old").hexdigest()}
    )
    body = member.client().get(f"/assists/{live_assist.pk}/live/").content.decode()
    assert "A projector link is open" in body and "Close the projector link" in body


def test_visiting_peer_cannot_make_a_projector_link(live_assist, org):
    from tests.conftest import make_persona

    peer = make_persona(org, "member", "peer@meridian.test")
    Participation.objects.create(assist=live_assist, person=peer.person, role=Role.VISITING_PEER)
    response = peer.client().post(f"/assists/{live_assist.pk}/live/projector-link/")
    assert response.status_code == 403


def test_unknown_projector_token_is_404(db):
    assert Client().get("/projector/not-a-token/").status_code == 404


def test_a_member_of_a_breakout_group_starts_on_its_board(live_assist, member):
    from peerassist.assists.models import BreakoutGroup

    group = BreakoutGroup.objects.create(assist=live_assist, name="Table B", order=2)
    BreakoutGroup.objects.create(assist=live_assist, name="Table A", order=1)
    mine = Participation.objects.filter(assist=live_assist, person=member.person)
    mine.update(group=group, role=Role.NOTE_TAKER)
    body = member.client().get(f"/assists/{live_assist.pk}/live/").content.decode()
    assert f'<option value="{group.pk}" selected>Breakout board: Table B</option>' in body
    assert "Plenary: the starred notes of every group" in body
    assert '<option value="side">' in body


def test_the_facilitator_starts_with_every_groups_board_side_by_side(live_assist, member):
    from peerassist.assists.models import BreakoutGroup

    group = BreakoutGroup.objects.create(assist=live_assist, name="Table B", order=2)
    Participation.objects.filter(assist=live_assist, person=member.person).update(group=group)
    body = member.client().get(f"/assists/{live_assist.pk}/live/").content.decode()
    assert '<option value="side" selected>Side by side: every group' in body
    assert f'<option value="{group.pk}">Breakout board: Table B</option>' in body
    # Everyone in the room sees who is in which group.
    assert 'data-testid="room-groups"' in body and "Member" in body


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_rooms_strings_are_json_with_plural_forms(live_assist, member, language):
    """room.js reads its translated strings from a JSON block; counted ones come as plural
    forms ("1 dot", "2 dots"), chosen in the browser by the language's rules."""
    import json
    import re

    client = member.client()
    body = client.get(
        f"/assists/{live_assist.pk}/live/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    block = re.search(
        r'<script type="application/json" id="live-strings">(.*?)</script>', body, re.S
    )
    assert block is not None
    strings = json.loads(block.group(1))
    assert all(isinstance(v, str | dict) for v in strings.values())
    for key in ("vote_total", "vote_dots_on", "vote_left", "vote_open_head", "upvotes"):
        forms = strings[key]
        assert set(forms) == {"one", "other"}, key
        assert "{n}" in forms["one"] and "{n}" in forms["other"], key
    if language == "en":
        assert strings["vote_total"] == {"one": "{n} dot", "other": "{n} dots"}
