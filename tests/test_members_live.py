"""Access that ends or is refused reaches the live room: sockets close with a reason."""

import pytest
from asgiref.sync import sync_to_async

from peerassist.assists.models import Role
from peerassist.members import services
from tests.conftest import make_persona
from tests.test_live_consumer import joined, receive_type
from tests.test_live_consumer import room_setup as room_setup  # the fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


async def closed_frame(communicator, timeout=5):
    frame = await communicator.receive_output(timeout=timeout)
    while frame["type"] != "websocket.close":
        frame = await communicator.receive_output(timeout=timeout)
    return frame


async def test_deactivating_a_member_closes_their_socket_within_5_seconds(room_setup, org):
    assist, people = room_setup
    visitor = await joined(assist, people[Role.VISITING_PEER])
    home = await joined(assist, people[Role.HOME_PEER])
    await receive_type(visitor, "state")
    await receive_type(home, "state")
    admin = await sync_to_async(make_persona)(org, "admin", "boss@live.test")
    membership = await people[Role.VISITING_PEER].memberships.aget(organisation=org)
    await sync_to_async(services.member_deactivate)(
        viewer=admin.viewer, membership_id=membership.pk
    )
    frame = await closed_frame(visitor, timeout=5)
    assert frame["code"] == 4403
    assert frame["reason"] == "deactivated"
    # Others stay.
    await home.send_json_to({"type": "ping"})
    assert (await receive_type(home, "pong"))["type"] == "pong"
    await home.disconnect()


async def test_two_factor_requirement_refuses_the_socket_with_a_reason(room_setup, org):
    from tests.test_live_consumer import connect

    assist, people = room_setup
    org.require_two_factor = True
    await org.asave()
    communicator, connected, _ = await connect(assist, people[Role.HOME_PEER])
    assert connected  # accepted only to say why
    frame = await closed_frame(communicator)
    assert frame["code"] == 4403
    assert frame["reason"] == "two_factor_required"
