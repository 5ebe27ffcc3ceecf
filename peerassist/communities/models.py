"""Communities of practice: the recurring meetings that host mini Peer Assists."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.accounts.models import Organisation
from peerassist.core.scoping import OrgScopedManager
from peerassist.people.models import Person


class Community(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Person, blank=True, related_name="communities", verbose_name=_("members")
    )
    leads = models.ManyToManyField(
        Person, blank=True, related_name="communities_led", verbose_name=_("leads")
    )

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_community_name_per_org"
            )
        ]
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")

    def __str__(self) -> str:
        return self.name
