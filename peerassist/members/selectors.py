"""Reads for the members area."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from peerassist.accounts.models import Membership
from peerassist.accounts.selectors import require_admin
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person


def person_list_invitable(*, viewer: Viewer, query: str = "") -> QuerySet[Person]:
    """Directory people of the admin's organisation who have no login there yet."""
    require_admin(viewer)
    member = Membership.objects.filter(organisation=viewer.organisation, user=OuterRef("user"))
    people: QuerySet[Person] = (
        Person.objects.for_org(viewer.organisation)
        .exclude(email="")
        .annotate(is_member=Exists(member))
        .filter(Q(user__isnull=True) | Q(is_member=False))
        .select_related("unit")
        .order_by("name")
    )
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return people
