"""Organisation scoping: the one place that decides what a requester may see.

Every request that reaches organisation data carries a `Viewer` (set by
`OrganisationMiddleware` for pages, by token authentication for the API).
Selectors take the viewer and start from `Model.objects.for_viewer(viewer)`, so
a view never builds a queryset that could leak another organisation's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from peerassist.accounts.models import Organisation, User

#: Roles that can see the organisation's directory and, later, its assists. "operator" is
#: the person running a management command (`peerassist.core.access.operator_viewer`).
MEMBER_ROLES = frozenset({"admin", "organiser", "member", "operator"})
#: Roles that can change people and units.
MANAGER_ROLES = frozenset({"admin", "organiser", "operator"})
#: Roles that administer the organisation (members, webhooks, audit log).
ADMIN_ROLES = frozenset({"admin", "operator"})


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a user acting in one organisation with one role."""

    user: User
    organisation: Organisation
    role: str

    @property
    def is_member(self) -> bool:
        return self.role in MEMBER_ROLES

    @property
    def can_manage_people(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


def require_member(viewer: Viewer | None) -> Viewer:
    """Return the viewer if they are a full member of their organisation, else deny."""
    if viewer is None or not viewer.is_member:
        raise PermissionDenied(_("Only members of this organisation can see this."))
    return viewer


def require_manager(viewer: Viewer | None) -> Viewer:
    """Return the viewer if they may change people and units, else deny."""
    if viewer is None or not viewer.can_manage_people:
        raise PermissionDenied(_("Only organisers and administrators can do this."))
    return viewer


def organisation_q(viewer: Viewer, *, prefix: str = "") -> models.Q:
    """Rows of the viewer's organisation, reached through `prefix` (`"community__"`), or none
    for a viewer who is not a member: `for_viewer` for models without their own column."""
    if not viewer.is_member:
        return models.Q(pk__in=[])
    return models.Q(**{f"{prefix}organisation": viewer.organisation})


class OrgScopedQuerySet(models.QuerySet[Any]):
    def for_org(self, organisation: Organisation) -> OrgScopedQuerySet:
        return self.filter(organisation=organisation)

    def for_viewer(self, viewer: Viewer) -> OrgScopedQuerySet:
        """Rows of the viewer's organisation, or none for a viewer who is not a member."""
        return self.filter(organisation_q(viewer))


OrgScopedManager = models.Manager.from_queryset(OrgScopedQuerySet)
