"""The home page's "follow-ups waiting for you" and "your open actions"."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from peerassist.writeups import rules, selectors

register = template.Library()


@register.inclusion_tag("writeups/_home_section.html", takes_context=True)
def writeups_home(context: dict[str, Any]) -> dict[str, Any]:
    viewer = context.get("viewer")
    if viewer is None:
        return {"show": False}
    today = timezone.localdate()
    actions = list(selectors.open_actions(viewer=viewer)[:20])
    for action in actions:
        action.overdue = rules.is_overdue(due_on=action.due_on, status=action.status, today=today)
    return {
        "show": True,
        "followups": list(selectors.followups_waiting(viewer=viewer)[:20]),
        "actions": actions,
    }
