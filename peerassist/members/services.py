"""Writes about members: inviting directory people, roles, deactivation.

Only an organisation's administrators call these (the CLI acts as the organisation). The
e-mails are queued in the same transaction (core/outbox.py) and leave through `members.tasks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.accounts.models import ApiToken, Membership, Organisation, Role, User
from peerassist.accounts.selectors import require_admin
from peerassist.audit.models import Kind
from peerassist.audit.services import audit_record
from peerassist.core import events
from peerassist.core.outbox import enqueue_with_transaction
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person


@dataclass
class InviteReport:
    invited: list[Membership] = field(default_factory=list)
    skipped: list[tuple[Person, str]] = field(default_factory=list)


def _send_invitation_with_transaction(membership_id: int) -> None:
    """Queue the invitation e-mail in the invitation's own transaction (core/outbox.py), so a
    process that dies right after the commit cannot lose it."""
    from peerassist.members.tasks import send_member_invitation

    enqueue_with_transaction(send_member_invitation, membership_id)


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            {"role": _("Choose one of: %(roles)s.") % {"roles": ", ".join(Role.values)}}
        )


def _invite_one(
    *, organisation: Organisation, person: Person, role: str, invited_by: User | None
) -> Membership | str:
    """The new or renewed membership for the person, or the reason they were skipped (a whole
    sentence naming them, so a translator can order it)."""
    name = {"name": person.name}
    email = person.email.strip().lower()
    if not email:
        return _("%(name)s has no e-mail address.") % name
    user = person.user
    if user is None:
        user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        taken = Person.objects.filter(organisation=organisation, user=user).exclude(pk=person.pk)
        if taken.exists():
            return _("%(name)s: the account %(email)s is already linked to someone else.") % {
                **name,
                "email": user.email,
            }
    membership = (
        Membership.objects.filter(user=user, organisation=organisation).first() if user else None
    )
    if membership is not None and membership.deactivated_at is None:
        return _("%(name)s is already a member.") % name
    if membership is not None:
        return _("%(name)s was deactivated: reactivate them instead.") % name
    if user is None:
        first, _sep, last = person.name.strip().partition(" ")
        user = User.objects.create_user(email=email, first_name=first[:150], last_name=last[:150])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": False, "primary": True}
    )
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        role=role,
        invited_at=timezone.now(),
        invited_by=invited_by,
    )
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    _send_invitation_with_transaction(membership.pk)
    return membership


@transaction.atomic
def member_invite_people(
    *,
    organisation: Organisation,
    people: Iterable[Person],
    role: str = Role.MEMBER,
    invited_by: User | None = None,
) -> InviteReport:
    """Give each directory person a login with the role and e-mail them; skip (with the reason)
    those who cannot be invited."""
    _check_role(role)
    report = InviteReport()
    for person in people:
        if person.organisation_id != organisation.pk:
            report.skipped.append(
                (person, _("%(name)s belongs to another organisation.") % {"name": person.name})
            )
            continue
        outcome = _invite_one(
            organisation=organisation, person=person, role=role, invited_by=invited_by
        )
        if isinstance(outcome, Membership):
            report.invited.append(outcome)
            audit_record(
                kind=Kind.MEMBER_INVITED,
                organisations=organisation,
                actor=invited_by,
                actor_email="" if invited_by else "command line",
                target=outcome.user.email,
                detail={"role": role},
            )
        else:
            report.skipped.append((person, outcome))
    return report


def member_invite(*, viewer: Viewer, person_ids: list[int], role: str) -> InviteReport:
    """Invite people of the admin's directory to sign in (ids of other organisations: refused)."""
    require_admin(viewer)
    _check_role(role)
    wanted = list(dict.fromkeys(person_ids))
    people = {p.pk: p for p in Person.objects.for_org(viewer.organisation).filter(pk__in=wanted)}
    missing = [pid for pid in wanted if pid not in people]
    if missing:
        raise ValidationError(
            {
                "person_ids": _("No such people in your directory: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in missing)}
            }
        )
    return member_invite_people(
        organisation=viewer.organisation,
        people=[people[pid] for pid in wanted],
        role=role,
        invited_by=viewer.user,
    )


def _member(viewer: Viewer, membership_id: int) -> Membership:
    require_admin(viewer)
    return Membership.objects.select_for_update().get(
        organisation=viewer.organisation, pk=membership_id
    )


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organisation_id=membership.organisation_id,
            role=Role.ADMIN,
            deactivated_at__isnull=True,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def member_role_set(*, viewer: Viewer, membership_id: int, role: str) -> Membership:
    """Change a member's role; the organisation always keeps one active administrator."""
    _check_role(role)
    membership = _member(viewer, membership_id)
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and not _other_active_admins(membership)
    ):
        raise ValidationError(
            {"role": _("The organisation needs at least one administrator: promote someone first.")}
        )
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    if before != role:
        audit_record(
            kind=Kind.ROLE_CHANGED,
            organisations=viewer.organisation,
            actor=viewer.user,
            target=membership.user.email,
            detail={"from": before, "to": role},
        )
    return membership


@transaction.atomic
def member_deactivate(*, viewer: Viewer, membership_id: int) -> Membership:
    """Turn a member's access off at once: sessions, API tokens and live-room sockets end."""
    membership = _member(viewer, membership_id)
    if membership.user_id == viewer.user.pk:
        raise ValidationError(_("You cannot deactivate yourself; ask another administrator."))
    if membership.deactivated_at is not None:
        return membership
    now = timezone.now()
    membership.deactivated_at = now
    membership.save(update_fields=["deactivated_at"])
    user = membership.user
    ApiToken.objects.filter(
        user=user, organisation_id=membership.organisation_id, revoked_at__isnull=True
    ).update(revoked_at=now)
    if not Membership.objects.filter(user=user, deactivated_at__isnull=True).exists():
        # Nowhere else to work: an inactive user's sessions no longer authenticate.
        User.objects.filter(pk=user.pk).update(is_active=False)
    events.user_sockets_close_on_commit(user_id=user.pk, reason="deactivated")
    audit_record(
        kind=Kind.MEMBER_DEACTIVATED,
        organisations=viewer.organisation,
        actor=viewer.user,
        target=user.email,
    )
    return membership


@transaction.atomic
def member_reactivate(*, viewer: Viewer, membership_id: int) -> Membership:
    """Give a deactivated member their access back (their tokens stay revoked)."""
    membership = _member(viewer, membership_id)
    if membership.deactivated_at is None:
        return membership
    membership.deactivated_at = None
    membership.save(update_fields=["deactivated_at"])
    User.objects.filter(pk=membership.user_id).update(is_active=True)
    audit_record(
        kind=Kind.MEMBER_REACTIVATED,
        organisations=viewer.organisation,
        actor=viewer.user,
        target=membership.user.email,
    )
    return membership


@transaction.atomic
def member_invitation_resend(*, viewer: Viewer, membership_id: int) -> Membership:
    """Send the invitation e-mail again to a member who has not signed in yet."""
    membership = _member(viewer, membership_id)
    if membership.deactivated_at is not None:
        raise ValidationError(_("This member is deactivated: reactivate them first."))
    if membership.user.last_login is not None:
        raise ValidationError(_("This member has already signed in; there is nothing to resend."))
    membership.invited_at = timezone.now()
    membership.save(update_fields=["invited_at"])
    _send_invitation_with_transaction(membership.pk)
    return membership


@transaction.atomic
def member_welcome_complete(*, user: User, password: str) -> None:
    """The invited person chose a password: set it and trust the address the link went to."""
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
