"""Writes about units and people."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models.functions import Lower

from peerassist.accounts.models import Organisation
from peerassist.core.scoping import Viewer, require_manager
from peerassist.people.models import ExpertiseTag, Language, Person, Unit


class PersonError(ValueError):
    """A person cannot be saved as asked; the message says why, for a person to read."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@transaction.atomic
def person_create(
    *,
    viewer: Viewer,
    name: str,
    email: str,
    unit_id: int | None = None,
    job_title: str = "",
    level: str = "professional",
    languages: list[str] | None = None,
    time_zone: str = "UTC",
    expertise: list[str] | None = None,
    bio: str = "",
    is_external: bool = False,
) -> Person:
    """Add a person to the viewer's organisation (organisers and admins only)."""
    require_manager(viewer)
    organisation = viewer.organisation
    email = email.strip().lower()
    if Person.objects.for_org(organisation).filter(email__iexact=email).exists():
        raise PersonError("email", f"{email} is already in the directory.")
    unit = None
    if unit_id is not None:
        unit = Unit.objects.for_org(organisation).filter(pk=unit_id).first()
        if unit is None:
            raise PersonError("unit_id", f"There is no unit {unit_id} in {organisation.name}.")
    person = Person(
        organisation=organisation,
        name=name.strip(),
        email=email,
        unit=unit,
        job_title=job_title,
        level=level,
        time_zone=time_zone,
        bio=bio,
        is_external=is_external,
    )
    if languages:
        known = set(Language.objects.filter(code__in=languages).values_list("code", flat=True))
        unknown = [code for code in languages if code not in known]
        if unknown:
            raise PersonError("languages", f"Unknown language codes: {', '.join(unknown)}.")
    person.full_clean(exclude=["organisation", "user"])
    person.save()
    if languages:
        person.languages.set(languages)  # type: ignore[arg-type]  # codes are the pks
    if expertise:
        tags = expertise_tags_get_or_create(organisation=organisation, names=expertise)
        person.expertise.set(list(tags.values()))
    return person


def expertise_tags_get_or_create(
    *, organisation: Organisation, names: Iterable[str]
) -> dict[str, ExpertiseTag]:
    """The organisation's tags with these names, keyed by lower-case name; missing ones are made."""
    wanted = {n.strip().lower(): n.strip() for n in names if n.strip()}
    tags = {
        t.name.lower(): t
        for t in ExpertiseTag.objects.for_org(organisation)
        .annotate(lname=Lower("name"))
        .filter(lname__in=list(wanted))
    }
    for lname, name in wanted.items():
        if lname not in tags:
            tags[lname] = ExpertiseTag.objects.create(organisation=organisation, name=name)
    return tags
