"""Reads about units and people, always scoped to the viewer's organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Count, Q, QuerySet, Value, When

from peerassist.core.scoping import Viewer
from peerassist.people.models import ExpertiseTag, Language, Person, Unit

if TYPE_CHECKING:  # django-stubs-ext is a development dependency
    from django_stubs_ext import WithAnnotations


def unit_list(*, viewer: Viewer) -> QuerySet[Unit]:
    """The viewer's organisation's units."""
    return Unit.objects.for_viewer(viewer).select_related("parent")


def unit_tree(*, viewer: Viewer) -> list[tuple[Unit, int]]:
    """Units in tree order (each followed by its children) with their depth."""
    units = list(unit_list(viewer=viewer).order_by("name"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def unit_with_descendant_ids(*, viewer: Viewer, unit_id: int) -> set[int]:
    """The unit's id and those of all units below it; empty if the viewer cannot see it."""
    parent_of = dict(unit_list(viewer=viewer).values_list("pk", "parent_id"))
    if unit_id not in parent_of:
        return set()
    found = {unit_id}
    grew = True
    while grew:
        grew = False
        for pk, parent_id in parent_of.items():
            if parent_id in found and pk not in found:
                found.add(pk)
                grew = True
    return found


def unit_path(unit: Unit) -> str:
    """The unit's place in the tree, e.g. "Operations / Logistics"."""
    names = []
    node: Unit | None = unit
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " / ".join(reversed(names))


def person_list(
    *,
    viewer: Viewer,
    query: str = "",
    unit_id: int | None = None,
    language: str = "",
    expertise_id: int | None = None,
) -> QuerySet[Person]:
    """People the viewer may see, filtered; unit filters include the units below it."""
    people = (
        Person.objects.for_viewer(viewer)
        .select_related("unit")
        .prefetch_related("languages", "expertise")
        .order_by("name", "pk")
    )
    for word in query.split():
        people = people.filter(
            Q(name__icontains=word)
            | Q(email__icontains=word)
            | Q(job_title__icontains=word)
            | Q(bio__icontains=word)
            | Q(expertise__name__icontains=word)
            | Q(unit__name__icontains=word)
        )
    if query:
        people = people.distinct()
    if unit_id is not None:
        people = people.filter(unit_id__in=unit_with_descendant_ids(viewer=viewer, unit_id=unit_id))
    if language:
        people = people.filter(languages__code=language)
    if expertise_id is not None:
        people = people.filter(expertise__pk=expertise_id)
    return people


#: The most a person picker lists at once: enough to choose from, small enough to read.
PICK_LIMIT = 20


def person_pick(
    *,
    viewer: Viewer,
    query: str,
    exclude: QuerySet[Person] | None = None,
    first: QuerySet[Person] | None = None,
) -> list[Person]:
    """At most PICK_LIMIT people of the viewer's organisation whose name, e-mail or unit contains
    every word typed, those in `first` (e.g. a community's members) first, then those whose name
    starts with the first word; none for no words.

    One query whatever the directory's size (no expertise or bio joins: the picker finds someone
    the viewer already has in mind; the directory page searches what people know)."""
    words = query.split()[:5]
    if not words:
        return []
    people = Person.objects.for_viewer(viewer).select_related("unit")
    for word in words:
        people = people.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(unit__name__icontains=word)
        )
    if exclude is not None:
        people = people.exclude(pk__in=exclude.values("pk"))
    order = [Case(When(name__istartswith=words[0], then=Value(0)), default=Value(1))]
    if first is not None:
        order.insert(0, Case(When(pk__in=first.values("pk"), then=Value(0)), default=Value(1)))
    return list(people.order_by(*order, "name", "pk")[:PICK_LIMIT])


def person_for_viewer(*, viewer: Viewer) -> Person | None:
    """The viewer's own entry in their organisation's directory, if they have one."""
    return Person.objects.filter(organisation=viewer.organisation, user=viewer.user).first()


def person_get(*, viewer: Viewer, person_id: int) -> Person:
    """One person the viewer may see; raises Person.DoesNotExist otherwise."""
    return person_list(viewer=viewer).get(pk=person_id)


def language_list_in_use(*, viewer: Viewer) -> QuerySet[Language]:
    """Languages spoken by at least one person of the viewer's organisation."""
    return (
        Language.objects.filter(person__in=Person.objects.for_viewer(viewer))
        .distinct()
        .order_by("name")
    )


class PeopleCount(TypedDict):
    n_people: int


def expertise_list(*, viewer: Viewer) -> QuerySet[WithAnnotations[ExpertiseTag, PeopleCount]]:
    """The organisation's expertise tags with how many people hold each (`n_people`)."""
    tags: QuerySet[ExpertiseTag] = ExpertiseTag.objects.for_viewer(viewer)
    return tags.annotate(n_people=Count("people")).order_by("name")


@dataclass(frozen=True)
class Overview:
    people: int
    units: int
    external_people: int


def organisation_overview(*, viewer: Viewer) -> Overview:
    """Counts for the home page of the viewer's organisation."""
    people = Person.objects.for_viewer(viewer).aggregate(
        total=Count("pk"), external=Count("pk", filter=Q(is_external=True))
    )
    return Overview(
        people=people["total"],
        units=Unit.objects.for_viewer(viewer).count(),
        external_people=people["external"],
    )
