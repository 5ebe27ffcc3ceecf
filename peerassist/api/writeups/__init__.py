"""After the session: the conclusion, actions, connect-afterwards pairs, feedback, the write-up
(with versions, restore, redraft and publish) and the follow-up.

Reads go through `peerassist.writeups.selectors`, writes through
`peerassist.writeups.services`, which check rights: an assist the viewer may not see is 404,
a change they may not make is 403, a rule that says no is 422. Anonymous feedback never
carries a name, to anyone.

By concern: `conclusion` (with attendance), `actions` (with connect-afterwards pairs and
feedback), `writeup` (versions, publishing) and `followup`; `schemas` holds the request and
response schemas, `_common` the router and the parts of responses the endpoints share.
Callers import from this package, which re-exports every name.
"""

from peerassist.writeups import selectors, services

# isort: off
# In this order: the endpoints register on the router as they are imported, and the OpenAPI
# document lists them in that order.
from peerassist.api.schemas import FindingOut, PersonRefOut
from peerassist.api.writeups.schemas import (
    ActionIn,
    ActionOut,
    ActionPatchIn,
    AssistStatusOut,
    AttendanceIn,
    AttendanceOut,
    ConclusionIn,
    ConclusionOut,
    ContributionRefOut,
    FeedbackIn,
    FeedbackListOut,
    FeedbackOut,
    FollowUpAnswerIn,
    FollowUpOut,
    PairIn,
    PairOut,
    PublishIn,
    VersionOut,
    VersionSummaryOut,
    WriteUpIn,
    WriteUpOut,
)
from peerassist.api.writeups._common import (
    _actions,
    _assist,
    _feedback,
    router,
)
from peerassist.api.writeups.conclusion import (
    _attendance,
    conclude,
    get_attendance,
    get_conclusion,
    put_attendance,
    put_conclusion,
)
from peerassist.api.writeups.actions import (
    _one_action,
    create_action,
    create_pair,
    delete_action,
    delete_pair,
    get_action,
    give_feedback,
    list_actions,
    list_feedback,
    list_pairs,
    update_action,
)
from peerassist.api.writeups.writeup import (
    _writeup,
    get_version,
    get_writeup,
    list_versions,
    publish_writeup,
    put_writeup,
    redraft_writeup,
    restore_version,
)
from peerassist.api.writeups.followup import (
    answer_followup,
    get_followup,
)
# isort: on

__all__ = [
    "ActionIn",
    "ActionOut",
    "ActionPatchIn",
    "AssistStatusOut",
    "AttendanceIn",
    "AttendanceOut",
    "ConclusionIn",
    "ConclusionOut",
    "ContributionRefOut",
    "FeedbackIn",
    "FeedbackListOut",
    "FeedbackOut",
    "FindingOut",
    "FollowUpAnswerIn",
    "FollowUpOut",
    "PairIn",
    "PairOut",
    "PersonRefOut",
    "PublishIn",
    "VersionOut",
    "VersionSummaryOut",
    "WriteUpIn",
    "WriteUpOut",
    "_actions",
    "_assist",
    "_attendance",
    "_feedback",
    "_one_action",
    "_writeup",
    "answer_followup",
    "conclude",
    "create_action",
    "create_pair",
    "delete_action",
    "delete_pair",
    "get_action",
    "get_attendance",
    "get_conclusion",
    "get_followup",
    "get_version",
    "get_writeup",
    "give_feedback",
    "list_actions",
    "list_feedback",
    "list_pairs",
    "list_versions",
    "publish_writeup",
    "put_attendance",
    "put_conclusion",
    "put_writeup",
    "redraft_writeup",
    "restore_version",
    "router",
    "selectors",
    "services",
    "update_action",
]
