"""Users, organisations (tenants) and who belongs to which, with what role."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.core.when import validate_time_zone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who can sign in; signs in with an e-mail address, not a user name."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    #: The zone pages show times in; empty until the person saves one (the browser's zone,
    #: else the site's, is used meanwhile: core.middleware.TimeZoneMiddleware).
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    #: The language of the person's pages, e-mails, notifications and exports; empty means
    #: "as my browser says" (core.middleware.UserLanguageMiddleware applies it).
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    """A tenant: its people, units and assists never mix with another's."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    require_two_factor = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_("Members must turn on an authenticator app before they can use peerassist."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ORGANISER = "organiser", _("Organiser")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    #: Set while an admin has turned the member's access off; they keep their history.
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def can_manage_people(self) -> bool:
        return self.role in (Role.ADMIN, Role.ORGANISER)

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SsoConfiguration(models.Model):
    """An organisation's OpenID Connect identity provider, set by its administrators.

    allauth's ``openid_connect`` provider reads it through the social account adapter
    (peerassist/accounts/sso.py): one app per organisation, never shared with another.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sso_configuration"
    )
    enabled = models.BooleanField(_("single sign-on on"), default=False)
    issuer_url = models.URLField(_("issuer URL"), max_length=500)
    client_id = models.CharField(_("client ID"), max_length=255)
    #: Stored to talk to the provider; never shown back in full.
    client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    #: Lower-case e-mail domains, one per line, that sign in through this provider.
    domains = models.TextField(_("e-mail domains"))
    sso_only = models.BooleanField(_("single sign-on only"), default=False)
    default_role = models.CharField(
        _("role of new members"), max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("single sign-on configuration")
        verbose_name_plural = _("single sign-on configurations")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.issuer_url})"

    @property
    def provider_id(self) -> str:
        """allauth's id for this organisation's provider (in URLs and social accounts).

        Built from the organisation's short name, which the product never changes."""
        return f"sso-{self.organisation.slug}"

    @property
    def domain_list(self) -> list[str]:
        return [d for d in self.domains.split() if d]
