"""Writes after the session: conclude, record the conclusion and actions, draft, edit and
publish the write-up, and follow up.

Each function checks the viewer's rights (`selectors.rights_for`, built on `rules`), writes
in a transaction, and records in that same transaction what people must be told
(notifications, e-mails, webhook deliveries: core/outbox.py), sent after commit.

By concern: `conclusion` (concluding the session, attendance, connect pairs, feedback),
`actions`, `writeup` (drafts, versions, publishing) and `followup`; `_common` holds the
checks they share. Callers import from this package, which re-exports every name.
"""

from __future__ import annotations

from peerassist.writeups.services._common import (
    _notify,
    _require_edit,
    _rights,
    _stored_status,
    logger,
)
from peerassist.writeups.services.actions import (
    _contributions,
    _owner,
    _set_status,
    _status,
    _title,
    action_create,
    action_delete,
    action_remind,
    action_update,
)
from peerassist.writeups.services.conclusion import (
    _attendance_settle,
    assist_conclude,
    attendance_record,
    conclusion_save,
    connect_pair_add,
    connect_pair_remove,
    feedback_give,
)
from peerassist.writeups.services.followup import (
    _tell_peers,
    followup_answer,
    followup_ask,
    followup_schedule,
)
from peerassist.writeups.services.writeup import (
    _draft,
    _locked_writeup,
    _new_version,
    writeup_draft,
    writeup_merge_conclusion,
    writeup_publish,
    writeup_restore,
    writeup_save,
)

__all__ = [
    "_attendance_settle",
    "_contributions",
    "_draft",
    "_locked_writeup",
    "_new_version",
    "_notify",
    "_owner",
    "_require_edit",
    "_rights",
    "_set_status",
    "_status",
    "_stored_status",
    "_tell_peers",
    "_title",
    "action_create",
    "action_delete",
    "action_remind",
    "action_update",
    "assist_conclude",
    "attendance_record",
    "conclusion_save",
    "connect_pair_add",
    "connect_pair_remove",
    "feedback_give",
    "followup_answer",
    "followup_ask",
    "followup_schedule",
    "logger",
    "writeup_draft",
    "writeup_merge_conclusion",
    "writeup_publish",
    "writeup_restore",
    "writeup_save",
]
