"""Who a command acts as: a person (`--as EMAIL`) or the operator, who sees everything."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from peerassist.accounts.models import Membership, Organisation, User
from peerassist.core.access import operator_viewer
from peerassist.core.languages import language_for_user, supported_languages
from peerassist.core.scoping import Viewer


def organisation_for(slug: str | None, email: str | None = None) -> Organisation:
    """The organisation named by slug, else the only one `--as EMAIL` belongs to, else the
    only one there is."""
    if slug:
        found = Organisation.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"No organisation with the short name '{slug}'.")
        return found
    if email:
        theirs = list(
            Organisation.objects.filter(memberships__user__email__iexact=email).order_by("slug")
        )
        if len(theirs) == 1:
            return theirs[0]
    organisations = list(Organisation.objects.order_by("slug")[:20])
    if len(organisations) == 1:
        return organisations[0]
    if not organisations:
        raise CommandError("There is no organisation yet (try 'peerassist demo').")
    slugs = ", ".join(o.slug for o in organisations)
    raise CommandError(f"There are several organisations; add --organisation ({slugs}).")


def viewer_for(*, organisation: Organisation, email: str | None) -> Viewer:
    """`--as EMAIL` acts with that person's rights; without it, the operator running the
    command (who can read the database anyway) sees all of the organisation."""
    if not email:
        return operator_viewer(organisation)
    membership = (
        Membership.objects.select_related("user")
        .filter(user__email__iexact=email, organisation=organisation)
        .first()
    )
    if membership is None:
        raise CommandError(f"{email} is not a member of '{organisation.slug}'.")
    return Viewer(user=membership.user, organisation=organisation, role=membership.role)


def add_language_argument(parser: Any) -> None:
    parser.add_argument(
        "--language",
        choices=supported_languages(),
        help=(
            "The language of the file's labels and dates (default: the saved language of "
            "the person in --as, else the site's default)."
        ),
    )


def language_for(*, language: str | None, email: str | None) -> str:
    """The language chosen with --language, else --as's saved one, else the site's default."""
    if language:
        return language
    user = User.objects.filter(email__iexact=email).first() if email else None
    return language_for_user(user)
