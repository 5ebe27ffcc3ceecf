"""Anonymous questions over the room's WebSocket: the facilitator's switch, the question
reaching everyone without a name, the author's own ack saying it is theirs, upvotes."""

import uuid

import pytest

from peerassist.assists.models import Role
from peerassist.live.models import Contribution
from tests.test_live_consumer import joined, receive_type, room_setup  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]


async def _event(communicator, name):
    while True:
        message = await receive_type(communicator, "event")
        if message["event"] == name:
            return message


async def test_an_anonymous_question_reaches_the_room_without_a_name(room_setup):  # noqa: F811
    assist, people = room_setup
    facilitator = await joined(assist, people[Role.FACILITATOR])
    state = await receive_type(facilitator, "state")
    share = next(s for s in state["agenda"] if s["name"] == "Peers question and share")
    visitor = await joined(assist, people[Role.VISITING_PEER])
    await receive_type(visitor, "state")
    home = await joined(assist, people[Role.HOME_PEER])
    await receive_type(home, "state")

    # Only the facilitator turns anonymous questions on; a visiting peer is refused.
    await visitor.send_json_to({"type": "anonymous", "step_id": share["id"], "on": True})
    assert (await receive_type(visitor, "error"))["code"] == "not_allowed"
    await facilitator.send_json_to({"type": "timer", "action": "goto", "step_id": share["id"]})
    await _event(home, "timer.changed")
    await facilitator.send_json_to({"type": "anonymous", "step_id": share["id"], "on": True})
    switched = await _event(home, "questions.anonymous")
    assert switched["data"]["step_ids"] == [share["id"]]

    client_id = str(uuid.uuid4())
    await visitor.send_json_to(
        {
            "type": "post",
            "client_id": client_id,
            "text": "Who decided to stop the pilot?",
            "kind": "question",
            "anonymous": True,
            "step_id": share["id"],
        }
    )
    ack = await receive_type(visitor, "ack")
    assert ack["contribution"]["author"] is None and ack["contribution"]["mine"] is True
    for other in (home, facilitator):
        seen = await _event(other, "contribution.created")
        assert seen["data"]["author"] is None and seen["data"]["anonymous"] is True
        assert "mine" not in seen["data"]
        assert people[Role.VISITING_PEER].email not in str(seen)

    stored = await Contribution.objects.aget(client_id=client_id)
    await home.send_json_to({"type": "upvote", "contribution_id": stored.pk, "on": True})
    upvoted = await _event(facilitator, "contribution.updated")
    assert upvoted["data"]["upvotes"] == 1 and upvoted["data"]["author"] is None
    assert (await _event(home, "contribution.updated"))["data"]["upvotes"] == 1
    # The facilitator moderates but does not upvote.
    await facilitator.send_json_to({"type": "upvote", "contribution_id": stored.pk})
    assert (await receive_type(facilitator, "error"))["code"] == "not_allowed"
    await facilitator.send_json_to({"type": "answer", "contribution_id": stored.pk})
    answered = await _event(home, "contribution.updated")
    assert answered["data"]["answered"] is True
    for c in (facilitator, visitor, home):
        await c.disconnect()
