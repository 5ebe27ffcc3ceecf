"""Security-relevant events, per organisation, for its administrators to review."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peerassist.accounts.models import Organisation, User


class Kind(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign-in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Sign-in locked after wrong passwords")
    MEMBER_INVITED = "member_invited", _("Member invited")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MEMBER_DEACTIVATED = "member_deactivated", _("Member deactivated")
    MEMBER_REACTIVATED = "member_reactivated", _("Member reactivated")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    SETTINGS_CHANGED = "settings_changed", _("Organisation settings changed")
    SSO_CHANGED = "sso_changed", _("Single sign-on configuration changed")
    WRITEUP_EXPORTED = "writeup_exported", _("Write-up exported")
    REPORT_EXPORTED = "report_exported", _("Report exported")
    ASSIST_DELETED = "assist_deleted", _("Assist deleted")


class AuditEntry(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_entries"
    )
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Kept as text so the entry still says who it was after the account is gone.
    actor_email = models.CharField(_("by"), max_length=254, blank=True)
    target = models.CharField(_("concerning"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target}"
