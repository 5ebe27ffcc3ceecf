"""In the live room over real WebSockets: presence records attendance, and someone who
declines is refused at the door and loses the socket they had open."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from peerassist.accounts.models import Membership
from peerassist.assists.models import Format, Participation, PeerAssist, Role, Rsvp, Status
from peerassist.invitations import services as invitation_services
from peerassist.invitations import tokens
from peerassist.invitations.models import Invitation
from peerassist.live import attendance
from peerassist.live.consumers import RoomConsumer
from tests.factories import PersonFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


@pytest.fixture
def room(org):
    assist = PeerAssist.objects.create(
        organisation=org,
        title="Live attendance",
        format=Format.objects.get(organisation=None, kind="mini"),
        status=Status.LIVE,
    )
    users = {}
    for role in (Role.HOME_PEER, Role.VISITING_PEER):
        user = UserFactory(email=f"{role}@live.test")
        Membership.objects.create(user=user, organisation=org, role="member")
        person = PersonFactory(organisation=org, user=user, email=user.email, name=role.title())
        Participation.objects.create(assist=assist, person=person, role=role)
        users[role] = user
    invitation = Invitation.objects.create(
        assist=assist,
        person=Participation.objects.get(assist=assist, role=Role.VISITING_PEER).person,
        role=Role.VISITING_PEER,
    )
    return assist, users, invitation


async def connect(assist, user):
    communicator = WebsocketCommunicator(RoomConsumer.as_asgi(), f"/ws/assists/{assist.pk}/")
    communicator.scope["url_route"] = {"kwargs": {"assist_id": assist.pk}}
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


def attended(assist, role):
    return Participation.objects.values_list("attended", "seen_in_room_at").get(
        assist=assist, role=role
    )


async def test_presence_in_the_live_room_records_attendance(room):
    assist, users, _invitation = room
    before = await sync_to_async(attended)(assist, Role.HOME_PEER)
    assert before == (None, None)
    communicator, connected, _ = await connect(assist, users[Role.HOME_PEER])
    assert connected
    await attendance.batch.flush()  # written with the others who came in that moment
    present, seen = await sync_to_async(attended)(assist, Role.HOME_PEER)
    assert present is True and seen is not None
    assert await sync_to_async(attended)(assist, Role.VISITING_PEER) == (None, None)
    await communicator.disconnect()


async def test_people_joining_together_are_recorded_in_one_write(room, monkeypatch):
    """500 people opening the room at 9:00: their attendance is written together, one UPDATE
    a moment after the first of them came in, not one each on the database thread."""
    assist, users, _invitation = room
    writes = []
    write = attendance.attendance_seen_many

    def counting(*, assist_id, person_ids):
        writes.append(sorted(person_ids))
        return write(assist_id=assist_id, person_ids=person_ids)

    monkeypatch.setattr(attendance, "attendance_seen_many", counting)
    sockets = [await connect(assist, users[role]) for role in (Role.HOME_PEER, Role.VISITING_PEER)]
    assert all(connected for _communicator, connected, _code in sockets)
    await attendance.batch.flush()
    assert len(writes) == 1 and len(writes[0]) == 2
    for role in (Role.HOME_PEER, Role.VISITING_PEER):
        present, seen = await sync_to_async(attended)(assist, role)
        assert present is True and seen is not None
    for communicator, _connected, _code in sockets:
        await communicator.disconnect()


async def test_declining_closes_the_open_socket_and_the_door(room):
    assist, users, invitation = room
    communicator, connected, _ = await connect(assist, users[Role.VISITING_PEER])
    assert connected
    await sync_to_async(invitation_services.rsvp_answer)(
        claim=tokens.RsvpClaim(invitation.pk, "decline", invitation.rsvp_nonce)
    )
    assert (
        await sync_to_async(
            lambda: Participation.objects.get(assist=assist, role=Role.VISITING_PEER).rsvp
        )()
        == Rsvp.DECLINED
    )
    closed = await communicator.receive_output(timeout=3)
    while closed["type"] != "websocket.close":
        closed = await communicator.receive_output(timeout=3)
    assert closed["code"] == 4403
    await communicator.disconnect()
    again, connected, code = await connect(assist, users[Role.VISITING_PEER])
    assert not connected and code == 4403
    await again.disconnect()
