"""Import people from CSV: validate every row first, then write all of it or nothing.

The same code serves `peerassist import-people` and the upload form. Errors name
the line (as a spreadsheet shows it, the header being line 1) and the column.

By concern: `rows` (columns, limits and the shapes of rows, errors, preview and report),
`reading` (decoding and validating every row), `preview` and `writing`. Callers import from
this package, which re-exports every name.
"""

from __future__ import annotations

from peerassist.people.csv_import.preview import (
    _new_person,
    _person_changes,
    _yes_no,
    people_import_preview,
)
from peerassist.people.csv_import.reading import (
    _CONTROL,
    _control_error,
    _decode,
    _Dialect,
    _dialect,
    _Lookups,
    _normalise_header,
    _parse_unit,
    _read_rows,
    _split_list,
    _validate_row,
    validate,
)
from peerassist.people.csv_import.rows import (
    _FALSE,
    _LIST_SEPARATORS,
    _SCALAR_ATTRIBUTE,
    _TRUE,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    WRITE_BATCH,
    FieldChange,
    ImportPreview,
    ImportReport,
    PersonChange,
    PersonRow,
    Progress,
    RowError,
)
from peerassist.people.csv_import.writing import (
    _ensure_unit,
    _Existing,
    _scalar_values,
    _write_chunk,
    _written_scalars,
    people_import_csv,
)

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "WRITE_BATCH",
    "_CONTROL",
    "_FALSE",
    "_LIST_SEPARATORS",
    "_SCALAR_ATTRIBUTE",
    "_TRUE",
    "FieldChange",
    "ImportPreview",
    "ImportReport",
    "PersonChange",
    "PersonRow",
    "Progress",
    "RowError",
    "_Dialect",
    "_Existing",
    "_Lookups",
    "_control_error",
    "_decode",
    "_dialect",
    "_ensure_unit",
    "_new_person",
    "_normalise_header",
    "_parse_unit",
    "_person_changes",
    "_read_rows",
    "_scalar_values",
    "_split_list",
    "_validate_row",
    "_write_chunk",
    "_written_scalars",
    "_yes_no",
    "people_import_csv",
    "people_import_preview",
    "validate",
]
