"""Units (a tree per organisation), people and what they know."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from peerassist.accounts.models import Membership, Organisation, User
from peerassist.core.scoping import OrgScopedManager

# Re-exported: older migrations name the validator by this path.
from peerassist.core.when import validate_time_zone as validate_time_zone


class Unit(models.Model):
    """A department, team or office; units nest to form the organisation's tree."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="unique_unit_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(parent__isnull=True),
                name="unique_top_level_unit_name",
            ),
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parent = self.parent
        if parent is None:
            return
        if parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
        node: Unit | None = parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be inside itself.")})
            node = node.parent


class Language(models.Model):
    """A language a person can work in (ISO 639-1 code)."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class ExpertiseTag(models.Model):
    """A subject someone knows about, e.g. "supplier onboarding"."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="expertise_tags"
    )
    name = models.CharField(_("name"), max_length=100)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organisation", Lower("name"), name="unique_tag_name_per_org")
        ]
        verbose_name = _("expertise tag")
        verbose_name_plural = _("expertise tags")

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    """Career level. The method looks *across*, not up: level never earns a bonus."""

    ENTRY = "entry", _("Entry")
    PROFESSIONAL = "professional", _("Professional")
    SENIOR = "senior", _("Senior professional")
    MANAGER = "manager", _("Manager")
    EXECUTIVE = "executive", _("Executive")


class Person(models.Model):
    """Someone who can take part in a Peer Assist, with or without an account."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("user account"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("unit"),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.PROFESSIONAL
    )
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    expertise = models.ManyToManyField(
        ExpertiseTag, blank=True, related_name="people", verbose_name=_("expertise")
    )
    bio = models.TextField(_("short bio"), blank=True, max_length=2000)
    is_external = models.BooleanField(
        _("external"), default=False, help_text=_("From outside the organisation.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("email"), name="unique_person_email_per_org"
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_person_per_user_per_org"
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A directory entry may only point at a login of its own organisation.
        if (
            self.user_id is not None
            and self.organisation_id is not None
            and not Membership.objects.filter(
                user_id=self.user_id, organisation_id=self.organisation_id
            ).exists()
        ):
            raise ValidationError(
                {"user": _("This user is not a member of the person's organisation.")}
            )
