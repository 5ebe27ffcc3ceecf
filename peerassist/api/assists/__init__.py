"""Assists, their agenda, who takes part, breakout groups, formats and requests to join.

Reads go through `peerassist.assists.selectors` (an assist the viewer may not see is 404),
writes through `peerassist.assists.services` (which check edit rights and the method's
rules). Rule errors become 422 in `peerassist.api.api`; warnings come back as `findings`.

By concern: `assist` (assists and their agenda), `people` (participations, groups, requests
to join) and `formats`; `schemas` holds the request and response schemas, `_common` the
router and shared helpers. Callers import from this package, which re-exports every name.
"""

from peerassist.assists import selectors, services

# isort: off
# In this order: the endpoints register on the router as they are imported, and the OpenAPI
# document lists them in that order.
from peerassist.api.schemas import FindingOut
from peerassist.api.assists.schemas import (
    AgendaOut,
    AssistCreateIn,
    AssistDetailOut,
    AssistFilters,
    AssistOut,
    AssistSummaryOut,
    AssistUpdateIn,
    CheckItemOut,
    DecisionIn,
    DurationsIn,
    FormatCopyIn,
    FormatOut,
    FormatRefOut,
    FormatStepIn,
    FormatStepSavedOut,
    GroupAssignIn,
    GroupOut,
    JoinRequestIn,
    JoinRequestOut,
    JoinRole,
    Minutes,
    ParticipationIn,
    ParticipationOut,
    ParticipationSavedOut,
    ParticipantPersonOut,
    StepOut,
    TransitionIn,
)
from peerassist.api.assists._common import (
    _agenda,
    _assist,
    _detail,
    _findings,
    _formats,
    _groups,
    _not_found_for,
    _participation,
    router,
)
from peerassist.api.assists.assist import (
    create_assist,
    get_assist,
    get_steps,
    list_assists,
    set_step_durations,
    transition_assist,
    update_assist,
)
from peerassist.api.assists.people import (
    _join_request,
    add_participation,
    assign_group,
    create_join_request,
    decide_join_request,
    list_groups,
    list_participations,
    propose_groups,
    remove_participation,
)
from peerassist.api.assists.formats import (
    copy_format,
    get_format,
    list_formats,
    update_format_step,
)
# isort: on

__all__ = [
    "AgendaOut",
    "AssistCreateIn",
    "AssistDetailOut",
    "AssistFilters",
    "AssistOut",
    "AssistSummaryOut",
    "AssistUpdateIn",
    "CheckItemOut",
    "DecisionIn",
    "DurationsIn",
    "FindingOut",
    "FormatCopyIn",
    "FormatOut",
    "FormatRefOut",
    "FormatStepIn",
    "FormatStepSavedOut",
    "GroupAssignIn",
    "GroupOut",
    "JoinRequestIn",
    "JoinRequestOut",
    "JoinRole",
    "Minutes",
    "ParticipantPersonOut",
    "ParticipationIn",
    "ParticipationOut",
    "ParticipationSavedOut",
    "StepOut",
    "TransitionIn",
    "_agenda",
    "_assist",
    "_detail",
    "_findings",
    "_formats",
    "_groups",
    "_join_request",
    "_not_found_for",
    "_participation",
    "add_participation",
    "assign_group",
    "copy_format",
    "create_assist",
    "create_join_request",
    "decide_join_request",
    "get_assist",
    "get_format",
    "get_steps",
    "list_assists",
    "list_formats",
    "list_groups",
    "list_participations",
    "propose_groups",
    "remove_participation",
    "router",
    "selectors",
    "services",
    "set_step_durations",
    "transition_assist",
    "update_assist",
    "update_format_step",
]

# Visiting-peer suggestions live in their own module (search helper); mounted here.
from peerassist.api.recommendations import router as recommendations_router

router.add_router("/", recommendations_router)
