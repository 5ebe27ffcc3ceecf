"""Sign-ins and failed sign-ins into the audit log of each organisation of the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from peerassist.accounts.models import Organisation, User
from peerassist.audit.models import Kind
from peerassist.audit.services import audit_record


def _orgs_of(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__user=user))


@receiver(user_logged_in, dispatch_uid="audit.sign_in")
def _signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(kind=Kind.SIGN_IN, organisations=_orgs_of(user), actor=user, request=request)


def record_lockout(*, request: Any, email: str) -> None:
    """A sign-in refused because of too many wrong passwords for the account."""
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        audit_record(kind=Kind.LOCKOUT, organisations=_orgs_of(user), actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is None:
        return  # an unknown address belongs to no organisation
    audit_record(
        kind=Kind.SIGN_IN_FAILED,
        organisations=_orgs_of(user),
        actor=user,
        request=request,
    )
