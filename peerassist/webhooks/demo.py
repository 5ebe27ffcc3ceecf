"""Demo data: one inactive example webhook, pointing at a reserved name that never answers."""

from __future__ import annotations

from peerassist.accounts.models import Organisation
from peerassist.webhooks.models import Event, Webhook

#: When `peerassist demo` runs this loader (the demo's random stream is shared, so
#: the order is part of the demo): last: nothing depends on the example webhook.
ORDER = 70

EXAMPLE_URL = "https://receiver.example/peerassist"


def load(org: Organisation) -> None:
    Webhook.objects.get_or_create(
        organisation=org,
        url=EXAMPLE_URL,
        defaults={
            "events": [Event.ASSIST_PLANNED, Event.WRITEUP_PUBLISHED],
            "active": False,
        },
    )
