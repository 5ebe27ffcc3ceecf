"""Reading and validating the file: encoding, dialect, headers, and every row checked before
anything is written."""

from __future__ import annotations

import csv
import io
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from peerassist.accounts.models import Organisation
from peerassist.people.csv_import.rows import (
    _FALSE,
    _LIST_SEPARATORS,
    _TRUE,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    PersonRow,
    RowError,
)
from peerassist.people.models import Language, Level, Unit


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
