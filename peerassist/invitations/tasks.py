"""Background work for invitations: emails leave here, never inside a request."""

from __future__ import annotations

from django.tasks import task

from peerassist.invitations.emails import deliver
from peerassist.invitations.models import Invitation


@task()
def send_invitation_email(invitation_id: int, kind: str) -> bool:
    """Send the invitation (or its update or cancellation) as it stands now."""
    invitation = (
        Invitation.objects.select_related("assist__organisation", "person")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    if kind != "cancel" and invitation.cancelled_at is not None:
        return False  # cancelled before the worker got to it
    return bool(deliver(invitation, kind))
