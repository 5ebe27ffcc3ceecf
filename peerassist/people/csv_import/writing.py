"""Writing a validated file: all of it or nothing, in batches."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from peerassist.accounts.models import Organisation
from peerassist.people.csv_import.reading import _Lookups, validate
from peerassist.people.csv_import.rows import (
    _SCALAR_ATTRIBUTE,
    WRITE_BATCH,
    ImportReport,
    PersonRow,
    Progress,
)
from peerassist.people.models import ExpertiseTag, Person, Unit
from peerassist.people.services import expertise_tags_get_or_create


def _ensure_unit(
    organisation: Organisation, path: tuple[str, ...], cache: dict[tuple[str, ...], Unit]
) -> tuple[Unit, int]:
    """The unit at the path (case-insensitive), creating missing levels; returns (unit, created)."""
    created = 0
    parent: Unit | None = None
    for depth in range(1, len(path) + 1):
        key = tuple(p.lower() for p in path[:depth])
        unit = cache.get(key)
        if unit is None:
            unit = Unit.objects.create(
                organisation=organisation, name=path[depth - 1], parent=parent
            )
            cache[key] = unit
            created += 1
        parent = unit
    assert parent is not None  # noqa: S101 - a path has at least one part
    return parent, created


def _scalar_values(row: PersonRow, unit: Unit | None) -> dict[str, object]:
    """The scalar fields the row writes: all of them for a new person, else its columns only."""
    values: dict[str, object] = {
        "name": row.name,
        "unit_id": unit.pk if unit else None,
        "job_title": row.job_title,
        "level": row.level,
        "time_zone": row.time_zone,
        "bio": row.bio,
        "is_external": row.is_external,
    }
    return values


def _written_scalars(row: PersonRow, values: dict[str, object]) -> dict[str, object]:
    """Of a row's values, those its file has a column for (absent columns keep stored values)."""
    return {
        attribute: values[attribute]
        for column, attribute in _SCALAR_ATTRIBUTE.items()
        if column in row.columns
    }


@dataclass
class _Existing:
    """The organisation's people as they are before the import, to tell changes apart."""

    people: dict[str, Person]
    languages: dict[int, set[str]]
    expertise: dict[int, set[int]]

    @classmethod
    def load(cls, organisation: Organisation) -> _Existing:
        people = {p.email.lower(): p for p in Person.objects.for_org(organisation)}
        languages: dict[int, set[str]] = {}
        expertise: dict[int, set[int]] = {}
        for person_id, code in Person.languages.through.objects.filter(
            person__organisation=organisation
        ).values_list("person_id", "language_id"):
            languages.setdefault(person_id, set()).add(code)
        for person_id, tag_id in Person.expertise.through.objects.filter(
            person__organisation=organisation
        ).values_list("person_id", "expertisetag_id"):
            expertise.setdefault(person_id, set()).add(tag_id)
        return cls(people, languages, expertise)


def _write_chunk(
    organisation: Organisation,
    chunk: list[PersonRow],
    existing: _Existing,
    tags: dict[str, ExpertiseTag],
    unit_cache: dict[tuple[str, ...], Unit],
    report: ImportReport,
) -> None:
    """Write one batch: new people in one insert, changed ones one by one, unchanged not at all.

    For people already in the directory only the file's columns are written: a column the
    file does not have leaves the stored value as it is.
    """
    now = timezone.now()
    new: list[tuple[PersonRow, Person]] = []
    languages_to_replace: list[tuple[PersonRow, int]] = []
    expertise_to_replace: list[tuple[PersonRow, int]] = []
    for row in chunk:
        unit = None
        if row.unit_path is not None:
            unit, n_created = _ensure_unit(organisation, row.unit_path, unit_cache)
            report.units_created += n_created
        values = _scalar_values(row, unit)
        person = existing.people.get(row.email)
        if person is None:
            new.append((row, Person(organisation=organisation, email=row.email, **values)))
            continue
        values = _written_scalars(row, values)
        tag_ids = {tags[name.lower()].pk for name in row.expertise}
        scalars_changed = any(getattr(person, k) != v for k, v in values.items())
        languages_changed = "languages" in row.columns and (
            set(row.languages) != existing.languages.get(person.pk, set())
        )
        expertise_changed = "expertise" in row.columns and (
            tag_ids != existing.expertise.get(person.pk, set())
        )
        if scalars_changed:
            Person.objects.filter(pk=person.pk).update(**values, updated_at=now)
        if languages_changed:
            languages_to_replace.append((row, person.pk))
        if expertise_changed:
            expertise_to_replace.append((row, person.pk))
        if scalars_changed or languages_changed or expertise_changed:
            report.updated += 1
        else:
            report.unchanged += 1
    created = Person.objects.bulk_create([person for _, person in new])
    for (row, _), person in zip(new, created, strict=True):
        existing.people[row.email] = person
        languages_to_replace.append((row, person.pk))
        expertise_to_replace.append((row, person.pk))
    report.created += len(created)

    languages_link = Person.languages.through
    expertise_link = Person.expertise.through
    languages_link.objects.filter(person_id__in=[pk for _, pk in languages_to_replace]).delete()
    expertise_link.objects.filter(person_id__in=[pk for _, pk in expertise_to_replace]).delete()
    languages_link.objects.bulk_create(
        languages_link(person_id=pk, language_id=code)
        for row, pk in languages_to_replace
        for code in row.languages
    )
    expertise_link.objects.bulk_create(
        expertise_link(person_id=pk, expertisetag_id=tags[name.lower()].pk)
        for row, pk in expertise_to_replace
        for name in row.expertise
    )


def people_import_csv(
    *,
    organisation: Organisation,
    data: bytes,
    create_units: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update (by e-mail) every person in the file, or nobody if any row is wrong.

    Only the file's columns are written for people already in the directory.
    """
    rows, errors = validate(organisation=organisation, data=data, create_units=create_units)
    report = ImportReport(errors=errors, rows=len(rows))
    if errors:
        return report
    lookups = _Lookups(organisation)
    unit_cache = dict(lookups.unit_paths)
    with transaction.atomic():
        tags = expertise_tags_get_or_create(
            organisation=organisation, names=(t for row in rows for t in row.expertise)
        )
        existing = _Existing.load(organisation)
        for start in range(0, len(rows), WRITE_BATCH):
            chunk = rows[start : start + WRITE_BATCH]
            _write_chunk(organisation, chunk, existing, tags, unit_cache, report)
            if progress is not None:
                progress(start + len(chunk), len(rows))
    report.emails = [row.email for row in rows]
    return report
