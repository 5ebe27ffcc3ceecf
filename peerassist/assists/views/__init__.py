"""The planning pages: parse, call a selector or service, render. Every view denies by default:
only members reach them, an assist the viewer may not see is a 404, and changing one takes
`edit_plan` in `peerassist.core.access.assist_rights` (403 otherwise).

By page: `lists` (the list, starting an assist, shared plans), `assist` (one assist's overview,
brief, agenda, logistics, deletion), `participants` (the People page) and `groups` (who speaks
for each breakout group); `_common` holds what they share. `urls.py` imports from this
package, which re-exports every view.
"""

from __future__ import annotations

from peerassist.assists.views._common import (
    _agenda_hours,
    _assist,
    _form_refusal,
    _refusal,
)
from peerassist.assists.views.assist import (
    _overview,
    agenda,
    assist_delete,
    attachment_add,
    attachment_download,
    attachment_remove,
    brief,
    brief_print,
    logistics,
    overview,
    transition,
)
from peerassist.assists.views.groups import group_spokesperson
from peerassist.assists.views.lists import (
    assist_create,
    assist_list,
    join_request_create,
    shared_plans,
)
from peerassist.assists.views.participants import (
    _participation,
    _people,
    group_assign,
    groups_propose,
    join_request_decide,
    participation_add,
    participation_remove,
    participation_role,
    people,
)

__all__ = [
    "_agenda_hours",
    "_assist",
    "_form_refusal",
    "_overview",
    "_participation",
    "_people",
    "_refusal",
    "agenda",
    "assist_create",
    "assist_delete",
    "assist_list",
    "attachment_add",
    "attachment_download",
    "attachment_remove",
    "brief",
    "brief_print",
    "group_assign",
    "group_spokesperson",
    "groups_propose",
    "join_request_create",
    "join_request_decide",
    "logistics",
    "overview",
    "participation_add",
    "participation_remove",
    "participation_role",
    "people",
    "shared_plans",
    "transition",
]
