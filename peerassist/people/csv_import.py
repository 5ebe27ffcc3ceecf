"""Import people from CSV: validate every row first, then write all of it or nothing.

The same code serves `peerassist import-people` and the upload form. Errors name
the line (as a spreadsheet shows it, the header being line 1) and the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from peerassist.accounts.models import Organisation
from peerassist.people.models import ExpertiseTag, Language, Level, Person, Unit
from peerassist.people.services import expertise_tags_get_or_create

COLUMNS = (
    "email",
    "name",
    "unit",
    "job_title",
    "level",
    "languages",
    "time_zone",
    "expertise",
    "bio",
    "external",
)
REQUIRED_COLUMNS = ("email", "name")
#: Columns a file may leave out: for people already in the directory, a column that is not in
#: the file leaves its stored value alone (only an explicit empty cell clears it).
OPTIONAL_COLUMNS = tuple(c for c in COLUMNS if c not in REQUIRED_COLUMNS)
#: The Person attribute each scalar column writes.
_SCALAR_ATTRIBUTE = {
    "name": "name",
    "unit": "unit_id",
    "job_title": "job_title",
    "level": "level",
    "time_zone": "time_zone",
    "bio": "bio",
    "external": "is_external",
}
MAX_ROWS = 50_000
MAX_BYTES = 5 * 1024 * 1024
WRITE_BATCH = 500
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}
_LIST_SEPARATORS = (";", "|", ",")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class PersonRow:
    line: int
    email: str
    name: str
    unit_path: tuple[str, ...] | None
    job_title: str
    level: str
    languages: list[str]
    time_zone: str
    expertise: list[str]
    bio: str
    is_external: bool
    #: The columns the file has: for an existing person, only these are written.
    columns: frozenset[str] = frozenset(COLUMNS)


@dataclass(frozen=True)
class FieldChange:
    """One stored value an import will replace, as text (an empty string means empty)."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class PersonChange:
    """What an import will do to one person: create them, or change these fields."""

    line: int
    email: str
    name: str
    is_new: bool
    changes: tuple[FieldChange, ...]


@dataclass
class ImportPreview:
    """Everything an import would write, worked out before anything is written."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    #: Optional columns the file does not have (their stored values are kept).
    absent_columns: tuple[str, ...] = ()
    new: list[PersonChange] = field(default_factory=list)
    changed: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    #: Units the import would create (their paths).
    new_units: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fingerprint(self) -> str:
        """Stands for this exact set of changes, so a confirmation can tell if it still holds."""
        digest = hashlib.sha256()
        for person in (*self.new, *self.changed):
            digest.update(repr((person.email, person.is_new, person.changes)).encode())
        digest.update(repr((self.unchanged, self.new_units)).encode())
        return digest.hexdigest()[:32]


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: int = 0
    #: The e-mail addresses of every row, once imported (for `import-people --invite`).
    emails: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _normalise_header(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _split_list(value: str) -> list[str]:
    for sep in _LIST_SEPARATORS:
        if sep in value:
            return [part.strip() for part in value.split(sep) if part.strip()]
    return [value.strip()] if value.strip() else []


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"line {line}: the file is not UTF-8 text. In a spreadsheet, save it as "
            "'CSV UTF-8 (comma delimited)'."
        ) from exc


class _Dialect(csv.excel):
    """RFC 4180: a quote inside a quoted value is written twice."""

    delimiter = ","


def _dialect(text: str) -> type[csv.Dialect]:
    """RFC 4180 with the header's separator (a comma, or Excel's semicolon or a tab).

    Only the separator is sniffed: the sniffer's guess at the quoting turns doubled quotes
    off whenever the header has none, which splits valid values apart.
    """
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return type("_Sniffed", (_Dialect,), {"delimiter": delimiter})


# C0 controls and DEL, except tab and the line breaks a quoted value may hold; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def _control_error(line: int, column: str, value: str) -> RowError | None:
    """A NUL or other control character is refused (PostgreSQL cannot store NUL)."""
    found = _CONTROL.search(value)
    if found is None:
        return None
    before = value[: found.start()]
    at_line = line + before.count("\n")
    position = found.start() - (before.rfind("\n") + 1) + 1
    return RowError(
        at_line,
        column,
        f"character {position} is a control character (U+{ord(found.group()):04X}); "
        "remove it and import again",
    )


class _Lookups:
    """Everything a row is checked against, loaded once per import."""

    def __init__(self, organisation: Organisation) -> None:
        self.languages: dict[str, str] = {}
        for code, name in Language.objects.values_list("code", "name"):
            self.languages[code.lower()] = code
            self.languages[name.lower()] = code
        self.levels: dict[str, str] = {}
        for value, label in Level.choices:
            self.levels[value] = value
            self.levels[str(label).lower()] = value
        units = list(Unit.objects.for_org(organisation).select_related("parent"))
        by_id = {u.pk: u for u in units}
        self.unit_paths: dict[tuple[str, ...], Unit] = {}
        self.units_by_name: dict[str, list[Unit]] = {}
        #: Each unit's path as people read it ("Operations / Field Services").
        self.unit_labels: dict[int, str] = {}
        for unit in units:
            path: list[str] = []
            node: Unit | None = unit
            while node is not None:
                path.insert(0, node.name)
                node = by_id.get(node.parent_id) if node.parent_id else None
            self.unit_paths[tuple(p.lower() for p in path)] = unit
            self.unit_labels[unit.pk] = " / ".join(path)
            self.units_by_name.setdefault(unit.name.lower(), []).append(unit)
        self.time_zones = zoneinfo.available_timezones()


def _parse_unit(
    value: str, lookups: _Lookups, create_units: bool
) -> tuple[tuple[str, ...] | None, str | None]:
    """(path to the unit, None) or (None, error message)."""
    parts = tuple(p.strip() for p in value.replace(">", "/").split("/") if p.strip())
    if not parts:
        return None, None
    key = tuple(p.lower() for p in parts)
    if len(parts) == 1:
        matches = lookups.units_by_name.get(key[0], [])
        if len(matches) == 1:
            unit = matches[0]
            path = next(p for p, u in lookups.unit_paths.items() if u.pk == unit.pk)
            return path, None
        if len(matches) > 1:
            return None, (
                f"'{value}' names {len(matches)} units; write its full path, "
                "e.g. 'Operations / Logistics'"
            )
    if key in lookups.unit_paths:
        return key, None
    if create_units:
        return parts, None
    return None, (
        f"there is no unit '{value}'. Create it first, write an existing unit's path, "
        "or import with the option to create missing units"
    )


def _validate_row(
    line: int,
    raw: dict[str, str],
    lookups: _Lookups,
    create_units: bool,
    columns: frozenset[str] = frozenset(COLUMNS),
) -> tuple[PersonRow | None, list[RowError]]:
    errors: list[RowError] = []

    def err(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    email = raw.get("email", "").strip().lower()
    if not email:
        err("email", "an e-mail address is required")
    else:
        try:
            validate_email(email)
        except ValidationError:
            err("email", f"'{email}' is not a valid e-mail address")
    name = raw.get("name", "").strip()
    if not name:
        err("name", "a name is required")
    elif len(name) > 200:
        err("name", "a name can have at most 200 characters")

    unit_path, unit_error = _parse_unit(raw.get("unit", ""), lookups, create_units)
    if unit_error:
        err("unit", unit_error)

    level_raw = raw.get("level", "").strip().lower()
    level = lookups.levels.get(level_raw, "") if level_raw else Level.PROFESSIONAL
    if not level:
        err("level", f"'{raw['level'].strip()}' is not one of: {', '.join(Level.values)}")

    languages: list[str] = []
    for item in _split_list(raw.get("languages", "")):
        code = lookups.languages.get(item.lower())
        if code is None:
            err("languages", f"'{item}' is not a language code such as en, fr or es")
        elif code not in languages:
            languages.append(code)

    time_zone = raw.get("time_zone", "").strip() or "UTC"
    if time_zone not in lookups.time_zones:
        err("time_zone", f"'{time_zone}' is not a time zone name such as Europe/Paris")

    expertise = _split_list(raw.get("expertise", ""))
    for tag in expertise:
        if len(tag) > 100:
            err("expertise", f"'{tag[:30]}…' is longer than 100 characters")

    bio = raw.get("bio", "").strip()
    if len(bio) > 2000:
        err("bio", "a bio can have at most 2000 characters")

    external_raw = raw.get("external", "").strip().lower()
    if external_raw not in _TRUE | _FALSE:
        err("external", f"'{raw['external'].strip()}' should be yes or no")

    if errors:
        return None, errors
    return (
        PersonRow(
            line=line,
            email=email,
            name=name,
            unit_path=unit_path,
            job_title=raw.get("job_title", "").strip()[:200],
            level=level,
            languages=languages,
            time_zone=time_zone,
            expertise=list(dict.fromkeys(expertise)),
            bio=bio,
            is_external=external_raw in _TRUE,
            columns=columns,
        ),
        [],
    )


def _read_rows(
    text: str,
) -> tuple[list[tuple[int, dict[str, str]]], frozenset[str], list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        return (
            [],
            frozenset(),
            [RowError(1, "", "the file is empty; the first line must name the columns")],
        )
    except csv.Error as exc:
        return [], frozenset(), [RowError(1, "", f"the header cannot be read: {exc}")]
    names = [_normalise_header(h) for h in header]
    header_errors = [_control_error(1, "", h) for h in header]
    if any(header_errors):
        return [], frozenset(), [e for e in header_errors if e is not None]
    errors = [
        RowError(1, h.strip(), f"unknown column; the columns are: {', '.join(COLUMNS)}")
        for h, n in zip(header, names, strict=True)
        if n and n not in COLUMNS
    ]
    errors += [
        RowError(1, required, "this column is required")
        for required in REQUIRED_COLUMNS
        if required not in names
    ]
    seen: set[str] = set()
    for h, n in zip(header, names, strict=True):
        if n in seen:
            errors.append(RowError(1, h.strip(), "this column appears twice"))
        seen.add(n)
    if errors:
        return [], frozenset(), errors
    columns = frozenset(n for n in names if n)

    rows: list[tuple[int, dict[str, str]]] = []
    last_line = reader.line_num
    try:
        for values in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                errors.append(RowError(line, "", f"{len(values)} values for {len(names)} columns"))
                continue
            controls = [
                _control_error(line, header[i].strip(), value) for i, value in enumerate(values)
            ]
            if any(controls):
                errors += [e for e in controls if e is not None]
                continue
            rows.append((line, dict(zip(names, values, strict=False))))
            if len(rows) > MAX_ROWS:
                errors.append(RowError(line, "", f"more than {MAX_ROWS} people in one file"))
                break
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"this line cannot be read: {exc}"))
    return rows, columns, errors


def validate(
    *, organisation: Organisation, data: bytes, create_units: bool = False
) -> tuple[list[PersonRow], list[RowError]]:
    """Check a CSV file against the organisation's units; nothing is written."""
    if len(data) > MAX_BYTES:
        return [], [RowError(1, "", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")]
    try:
        text = _decode(data)
    except ValueError as exc:
        line_text, _, message = str(exc).partition(": ")
        return [], [RowError(int(line_text.removeprefix("line ")), "", message)]
    raw_rows, columns, errors = _read_rows(text)
    lookups = _Lookups(organisation)
    people: list[PersonRow] = []
    first_line_of: dict[str, int] = {}
    for line, raw in raw_rows:
        row, row_errors = _validate_row(line, raw, lookups, create_units, columns)
        errors += row_errors
        if row is None:
            continue
        if row.email in first_line_of:
            errors.append(
                RowError(
                    line, "email", f"{row.email} is already on line {first_line_of[row.email]}"
                )
            )
            continue
        first_line_of[row.email] = line
        people.append(row)
    if not raw_rows and not errors:
        errors.append(RowError(2, "", "the file has a header but no people"))
    return people, errors


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
