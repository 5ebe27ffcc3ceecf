"""What an import reads and reports: the columns, the limits, a row, its errors and the
preview's and report's shapes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

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
