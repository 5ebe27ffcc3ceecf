"""The preview: what an import would add and change, field by field, before anything is written."""

from __future__ import annotations

from peerassist.accounts.models import Organisation
from peerassist.people.csv_import.reading import _Lookups, validate
from peerassist.people.csv_import.rows import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    FieldChange,
    ImportPreview,
    PersonChange,
    PersonRow,
)
from peerassist.people.csv_import.writing import _Existing
from peerassist.people.models import ExpertiseTag, Person


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _person_changes(
    row: PersonRow,
    person: Person,
    lookups: _Lookups,
    languages: set[str],
    expertise: set[str],
) -> tuple[FieldChange, ...]:
    """Every field of an existing person the row would change, old → new, in column order."""
    changes: list[FieldChange] = []

    def compare(column: str, old: str, new: str) -> None:
        if column in row.columns and old != new:
            changes.append(FieldChange(column, old, new))

    compare("name", person.name, row.name)
    old_unit = lookups.unit_labels.get(person.unit_id, "") if person.unit_id else ""
    new_unit = ""
    if row.unit_path is not None:
        known = lookups.unit_paths.get(tuple(p.lower() for p in row.unit_path))
        new_unit = lookups.unit_labels[known.pk] if known else " / ".join(row.unit_path)
    if old_unit.lower() != new_unit.lower():
        compare("unit", old_unit, new_unit)
    compare("job_title", person.job_title, row.job_title)
    compare("level", person.level, row.level)
    compare("languages", ", ".join(sorted(languages)), ", ".join(sorted(row.languages)))
    compare("time_zone", person.time_zone, row.time_zone)
    old_tags = sorted(expertise, key=str.lower)
    if {t.lower() for t in old_tags} != {t.lower() for t in row.expertise}:
        compare("expertise", "; ".join(old_tags), "; ".join(sorted(row.expertise, key=str.lower)))
    compare("bio", person.bio, row.bio)
    compare("external", _yes_no(person.is_external), _yes_no(row.is_external))
    return tuple(changes)


def _new_person(row: PersonRow, lookups: _Lookups) -> PersonChange:
    unit = ""
    if row.unit_path is not None:
        known = lookups.unit_paths.get(tuple(p.lower() for p in row.unit_path))
        unit = lookups.unit_labels[known.pk] if known else " / ".join(row.unit_path)
    values = {
        "name": row.name,
        "unit": unit,
        "job_title": row.job_title,
        "level": row.level,
        "languages": ", ".join(row.languages),
        "time_zone": row.time_zone,
        "expertise": "; ".join(row.expertise),
        "bio": row.bio,
        "external": _yes_no(row.is_external),
    }
    return PersonChange(
        line=row.line,
        email=row.email,
        name=row.name,
        is_new=True,
        changes=tuple(FieldChange(column, "", new) for column, new in values.items() if new),
    )


def people_import_preview(
    *, organisation: Organisation, data: bytes, create_units: bool = False
) -> ImportPreview:
    """What importing the file would do, person by person and field by field; writes nothing."""
    rows, errors = validate(organisation=organisation, data=data, create_units=create_units)
    preview = ImportPreview(errors=errors, rows=len(rows))
    if errors:
        return preview
    columns = rows[0].columns if rows else frozenset(COLUMNS)
    preview.absent_columns = tuple(c for c in OPTIONAL_COLUMNS if c not in columns)
    lookups = _Lookups(organisation)
    existing = _Existing.load(organisation)
    tag_names = dict(
        ExpertiseTag.objects.filter(organisation=organisation).values_list("pk", "name")
    )
    new_units: dict[tuple[str, ...], str] = {}
    for row in rows:
        if row.unit_path is not None:
            for depth in range(1, len(row.unit_path) + 1):
                key = tuple(p.lower() for p in row.unit_path[:depth])
                if key not in lookups.unit_paths and key not in new_units:
                    new_units[key] = " / ".join(row.unit_path[:depth])
        person = existing.people.get(row.email)
        if person is None:
            preview.new.append(_new_person(row, lookups))
            continue
        changes = _person_changes(
            row,
            person,
            lookups,
            existing.languages.get(person.pk, set()),
            {tag_names[pk] for pk in existing.expertise.get(person.pk, set())},
        )
        if changes:
            preview.changed.append(
                PersonChange(row.line, row.email, person.name, is_new=False, changes=changes)
            )
        else:
            preview.unchanged += 1
    preview.new_units = list(new_units.values())
    return preview
