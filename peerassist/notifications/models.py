"""In-app notifications and how each person wants to receive them by email."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.accounts.models import Organisation
from peerassist.people.models import Person


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail each one as it happens")
    DAILY = "daily", _("One e-mail a day with everything")
    OFF = "off", _("No e-mail, only in peerassist")


class Notification(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notifications"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    #: Set when an email (immediate or digest) carried it; never emailed twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(
        _("e-mail"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    digest_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person}: {self.delivery}"
