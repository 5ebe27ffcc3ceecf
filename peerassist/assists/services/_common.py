"""What every plan change checks first: edit rights and whether the plan may still change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from peerassist.assists import rules
from peerassist.assists.models import PeerAssist, Status
from peerassist.assists.selectors import EDITABLE_STATUSES, plan_facts
from peerassist.core.access import assist_rights
from peerassist.core.findings import Finding, Level, RuleViolation
from peerassist.core.scoping import Viewer

STEP_FIELDS = (
    "order",
    "name",
    "phase",
    "duration_minutes",
    "description",
    "prompt_questions",
    "posting_roles",
    "contribution_kinds",
    "role_kinds",
    "optional",
)


def _require_edit(
    viewer: Viewer, assist: PeerAssist, *, planning: bool = True, allow_live: bool = False
) -> None:
    if not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers can change this.")
        )
    # The caller's object may be stale: the status that counts is the stored one.
    assist.status = PeerAssist.objects.values_list("status", flat=True).get(pk=assist.pk)
    editable = assist.status in EDITABLE_STATUSES or (allow_live and assist.status == Status.LIVE)
    if planning and not editable:
        raise RuleViolation(
            [
                Finding(
                    Level.ERROR,
                    "not_editable",
                    _("The plan cannot change once the assist is %(status)s.")
                    % {"status": assist.get_status_display().lower()},
                    "status",
                )
            ]
        )


def _review(assist: PeerAssist) -> list[Finding]:
    return rules.plan_findings(plan_facts(assist=assist))
