"""Writes about assists: every change checks who may make it and what the method's rules say.

Services raise `RuleViolation` when a rule's error applies and return the warnings
and nudges alongside the saved object otherwise.

By concern: `plan` (the assist, its brief, agenda and status), `participation` (roles and
requests to join), `breakout` (groups), `formats` and `attachments`; `_common` holds the
checks they share. Callers import from this package, which re-exports every name.
"""

from __future__ import annotations

from peerassist.assists.services._common import (
    STEP_FIELDS,
    _require_edit,
    _review,
)
from peerassist.assists.services.attachments import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    attachment_add,
    attachment_remove,
)
from peerassist.assists.services.breakout import (
    group_assign,
    group_create,
    group_spokesperson_set,
    groups_propose,
)
from peerassist.assists.services.formats import (
    format_copy,
    format_step_update,
)
from peerassist.assists.services.participation import (
    _check_roles,
    _home_and_facilitators,
    join_request_create,
    join_request_decide,
    participation_add,
    participation_remove,
)
from peerassist.assists.services.plan import (
    BRIEF_FIELDS,
    BRIEF_TEXT_FIELDS,
    CALENDAR_FIELDS,
    LOGISTICS_FIELDS,
    _copy_steps,
    _zone,
    agenda_set_durations,
    assist_create,
    assist_delete,
    assist_transition,
    assist_update,
)

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_TYPES",
    "BRIEF_FIELDS",
    "BRIEF_TEXT_FIELDS",
    "CALENDAR_FIELDS",
    "LOGISTICS_FIELDS",
    "STEP_FIELDS",
    "_check_roles",
    "_copy_steps",
    "_home_and_facilitators",
    "_require_edit",
    "_review",
    "_zone",
    "agenda_set_durations",
    "assist_create",
    "assist_delete",
    "assist_transition",
    "assist_update",
    "attachment_add",
    "attachment_remove",
    "format_copy",
    "format_step_update",
    "group_assign",
    "group_create",
    "group_spokesperson_set",
    "groups_propose",
    "join_request_create",
    "join_request_decide",
    "participation_add",
    "participation_remove",
]
