"""What the planning stage tells other apps, through `peerassist.core.events.publish`.

- "assist.changed" {assist_id, fields}: the title, time or place changed (invitations send
  calendar updates);
- "participation.removed" {assist_id, person_id}: someone was taken off the assist
  (invitations cancel their calendar entry);
- "assist.planned", "assist.invited" and, from the later stages, "assist.concluded",
  "writeup.published", "action.overdue": `assist_event_payload` plus the stage's own keys
  (webhooks deliver them to the organisation's receivers).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from peerassist.assists.models import PeerAssist
from peerassist.core.mail import absolute_url


def assist_event_payload(assist: PeerAssist) -> dict[str, Any]:
    """The organisation the event belongs to, and what a receiver needs to find the assist."""
    return {
        "organisation_id": assist.organisation_id,
        "assist": {
            "id": assist.pk,
            "title": assist.title,
            "status": assist.status,
            "starts_at": assist.starts_at.isoformat() if assist.starts_at else None,
            "url": absolute_url(reverse("assists:overview", args=[assist.pk])),
        },
    }
