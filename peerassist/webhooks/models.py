"""Webhooks: URLs an organisation registers for events, and every delivery attempt to them."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.accounts.models import Organisation


class Event(models.TextChoices):
    ASSIST_PLANNED = "assist.planned", _("An assist is planned")
    ASSIST_INVITED = "assist.invited", _("Invitations to an assist went out")
    ASSIST_CONCLUDED = "assist.concluded", _("An assist concluded")
    WRITEUP_PUBLISHED = "writeup.published", _("A write-up is published")
    ACTION_OVERDUE = "action.overdue", _("A follow-up action is overdue")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    #: When the next attempt is due; None once delivered or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"


class Attempt(models.Model):
    """One try at sending a delivery: what came back, or what went wrong."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField()
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"#{self.number} {self.response_code or self.error}"
