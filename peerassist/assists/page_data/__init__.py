"""Reads that only the planning pages need: each page's data in a fixed, small number of queries.

Everything starts from an assist the viewer was already allowed to see (selectors.assist_get)
or from the selectors' scoped lists, so nothing here widens what a viewer may see.

By page: `lists` (the list, the home page, shared plans), `one_assist` (the overview, its next
step and the agenda) and `people` (the People page); `_common` holds what they share. Callers
import from this package, which re-exports every name.
"""

from __future__ import annotations

from peerassist.assists.page_data._common import (
    ACTIVE,
    INVITABLE,
    PAGE_FIELDS,
    ROLE_ORDER,
    Findings,
    RoleGroup,
    assist_zone,
    by_role,
    grouped,
    local,
)
from peerassist.assists.page_data.lists import (
    SharedPlan,
    _labelled,
    _people_count,
    _role_of_viewer,
    assist_rows,
    shared_plans,
    upcoming_for_viewer,
)
from peerassist.assists.page_data.one_assist import (
    _CHECK_PAGE,
    _FORWARD,
    _ORDER,
    KIND_TABLE_ROLES,
    PLANNING,
    Move,
    NextStep,
    Overview,
    TimelineItem,
    agenda_steps,
    kind_table_headers,
    moves,
    next_step,
    overview,
    timeline,
)
from peerassist.assists.page_data.people import (
    Decline,
    PeoplePage,
    community_people,
    declines,
    group_list,
    language_choices,
    participation_get,
    people_page,
)

__all__ = [
    "ACTIVE",
    "INVITABLE",
    "KIND_TABLE_ROLES",
    "PAGE_FIELDS",
    "PLANNING",
    "ROLE_ORDER",
    "_CHECK_PAGE",
    "_FORWARD",
    "_ORDER",
    "Decline",
    "Findings",
    "Move",
    "NextStep",
    "Overview",
    "PeoplePage",
    "RoleGroup",
    "SharedPlan",
    "TimelineItem",
    "_labelled",
    "_people_count",
    "_role_of_viewer",
    "agenda_steps",
    "assist_rows",
    "assist_zone",
    "by_role",
    "community_people",
    "declines",
    "group_list",
    "grouped",
    "kind_table_headers",
    "language_choices",
    "local",
    "moves",
    "next_step",
    "overview",
    "participation_get",
    "people_page",
    "shared_plans",
    "timeline",
    "upcoming_for_viewer",
]
