"""Template helpers every page uses: the page title."""

from __future__ import annotations

from django import template

register = template.Library()

SITE_NAME = "peerassist"


@register.filter(is_safe=True)
def page_title(value: str) -> str:
    """ "Page · peerassist", or the site name alone when a page sets no title."""
    value = " ".join(str(value).split())
    return f"{value} · {SITE_NAME}" if value else SITE_NAME
