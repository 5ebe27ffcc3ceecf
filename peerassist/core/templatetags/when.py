"""`{% load when %}`: the one way templates show dates and times (rule in core/when.py).

{{ action.due_on|when:"date" }}                 1 Dec 2026
{% when_time notification.created_at "short" %} <time datetime="…">1 Dec 2026, 09:30</time>
{% when_time meeting.starts_at event_zone="Europe/Paris" %}
    "Tue 1 Dec 2026, 03:30 (America/New York)" for a reader in New York
{% when_span assist.starts_at assist.ends_at event_zone=assist.time_zone %}
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.html import format_html

from peerassist.core.when import Style, format_span, format_when, machine_time

register = template.Library()


@register.filter
def when(value: datetime | date | None, style: Style = "long") -> str:
    """A date or moment as text in the active zone; the zone is never named (use the tags)."""
    if value in (None, ""):
        return ""
    return format_when(value, style=style)


@register.simple_tag
def when_time(
    value: datetime | date | None,
    style: Style = "long",
    event_zone: str | None = None,
    name_zone: bool = False,
) -> str:
    """A `<time>` element: machine-readable ISO in the attribute, the house format as text."""
    if value in (None, ""):
        return ""
    text = format_when(value, style=style, event_zone=event_zone or None, name_zone=name_zone)
    return format_html('<time datetime="{}">{}</time>', machine_time(value), text)


@register.simple_tag
def when_span(
    start: datetime | None, end: datetime | None = None, event_zone: str | None = None
) -> str:
    """A start–end pair as one `<time>` element (see core.when.format_span)."""
    if start in (None, ""):
        return ""
    text = format_span(start, end or None, event_zone=event_zone or None)
    return format_html('<time datetime="{}">{}</time>', machine_time(start), text)
