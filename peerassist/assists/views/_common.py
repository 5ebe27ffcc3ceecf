"""What the planning pages share: the assist or 404, refusals as findings, agenda hours."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from peerassist.assists.models import PeerAssist
from peerassist.core.access import ViewerRequest, get_assist_or_404
from peerassist.core.findings import Finding, Level
from peerassist.core.scoping import Viewer, require_member


def _assist(
    request: ViewerRequest, assist_id: int, *, edit: bool = False
) -> tuple[Viewer, PeerAssist]:
    """The viewer and an assist they may see (404 otherwise), and may change when `edit`."""
    viewer = require_member(request.viewer)
    return viewer, get_assist_or_404(viewer=viewer, assist_id=assist_id, edit=edit)


def _agenda_hours(minutes: int) -> str:
    """ "about 1 hour", "about 1.5 hours": the plural chosen by the number shown."""
    hours = round(minutes / 60, 1)
    shown = f"{hours:g}"
    count = int(hours) if hours == int(hours) else 2  # fractions take the plural
    return ngettext("about %(hours)s hour", "about %(hours)s hours", count) % {"hours": shown}


def _refusal(error: ValidationError) -> list[Finding]:
    """A service's ValidationError as findings, so every refusal reads the same on a page."""
    return [Finding(Level.ERROR, "invalid", message) for message in error.messages]


def _form_refusal(form: Any) -> list[Finding]:
    return [
        Finding(Level.ERROR, "invalid", str(message))
        for messages_ in form.errors.values()
        for message in messages_
    ]
