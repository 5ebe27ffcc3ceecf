"""The communities pages. `pages` holds the communities, their meetings and topics; `topics`
the topic edit page (the decision date and the planning so far). `urls.py` imports from this
package, which re-exports every view."""

from __future__ import annotations

from peerassist.communities.views.pages import (
    community_create,
    community_detail,
    community_edit,
    community_list,
    give_add,
    meeting_create,
    meeting_delete,
    meeting_detail,
    meeting_edit,
    member_add,
    member_remove,
    mini_assist_create,
    round_robin_add,
    take_add,
    take_to_topic,
    topic_board,
    topic_create,
    topic_detail,
    topic_status,
    topic_to_assist,
    topic_vote,
)
from peerassist.communities.views.topics import topic_edit

__all__ = [
    "community_create",
    "community_detail",
    "community_edit",
    "community_list",
    "give_add",
    "meeting_create",
    "meeting_delete",
    "meeting_detail",
    "meeting_edit",
    "member_add",
    "member_remove",
    "mini_assist_create",
    "round_robin_add",
    "take_add",
    "take_to_topic",
    "topic_board",
    "topic_create",
    "topic_detail",
    "topic_edit",
    "topic_status",
    "topic_to_assist",
    "topic_vote",
]
