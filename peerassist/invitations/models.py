"""Invitations to a Peer Assist: who was asked, how they answered, what was sent when."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.assists.models import PeerAssist, Role
from peerassist.people.models import Person


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUGGESTED_OTHER = "suggested_other", _("Suggested someone else")


class Invitation(models.Model):
    """One person asked to take part in one assist, with the state of the calendar entry."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(
        _("answer"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    suggested_name = models.CharField(_("suggested person"), max_length=200, blank=True)
    suggested_email = models.EmailField(_("their e-mail address"), blank=True)
    suggested_reason = models.TextField(_("why"), blank=True, max_length=1000)
    #: The calendar entry's SEQUENCE: raised whenever the time or place changes.
    sequence = models.PositiveIntegerField(default=0)
    #: One-time part of the RSVP links; replaced each time a link is used.
    rsvp_nonce = models.CharField(max_length=32, default=new_nonce)
    #: Part of the guest-access link; replaced when the invitation is cancelled.
    access_key = models.CharField(max_length=32, default=new_nonce)
    invited_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_day_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_hour_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["assist", "person"], name="one_invitation_per_person")
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.person} → {self.assist}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None
