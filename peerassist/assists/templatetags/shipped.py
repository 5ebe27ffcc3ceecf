"""`{{ step.name|shipped }}`: a shipped format's text in the reader's language."""

from django import template

from peerassist.assists.shipped_formats import shipped_text, shipped_texts

register = template.Library()


@register.filter
def shipped(value: str | list[str] | None) -> str | list[str]:
    """A format's or step's name, description or prompt questions as the reader sees them."""
    if value is None:
        return ""
    if isinstance(value, list):
        return shipped_texts(value)
    return shipped_text(value)
