"""SQLite only (a no-op on PostgreSQL): the FTS5 rowid becomes a key that says who may see
the document (issue 19), so that a member's search seeks to the organisation's shared
documents instead of looking up each match's access row:

    rowid = organisation << 44 | shared << 43 | type << 40 | document id

The key is kept by triggers, in the same statement as every change it is computed from,
whatever path makes it (the ORM, a bulk update, raw SQL):

- a document inserted gets its access row (organisation, type, assist, shared) at once, and
  a document's organisation, type or assist changed updates its access row;
- an assist's visibility changed updates `shared` on its documents' access rows;
- an access row inserted, changed or deleted moves the document's FTS row to the new key
  (a document changed or deleted moves it too), so the FTS index holds exactly one row per
  document that has an access row, keyed by that row;
- a key that would not fit (document id >= 2**40, organisation id >= 2**19, a type with no
  code) is refused with an error rather than written.

The FTS table's external content is the view `search_fts_source` (the key and the stems),
so `rebuild` and `integrity-check` compare the index with the access rows. A later
migration that rebuilds search_searchdocument, search_searchaccess or assists_peerassist on
SQLite (Django copies a table to alter it) drops its triggers: it must create them again
and the access row's generated column `fts_key` with its index (`tests/test_search_key.py`
checks they are all there).
"""

from importlib import import_module

from django.db import migrations

_fts_0002 = import_module("peerassist.search.migrations.0002_fulltext")

ORG_SHIFT, SHARED_SHIFT, TYPE_SHIFT = 44, 43, 40
TYPES = ("brief", "contribution", "writeup", "action", "person", "topic", "give")
SHARED_VISIBILITIES = ("organisation", "published")
MAX_DOCUMENT = 1 << TYPE_SHIFT
MAX_ORGANISATION = 1 << (63 - ORG_SHIFT)


def _type_code(column: str) -> str:
    cases = " ".join(f"WHEN '{name}' THEN {code}" for code, name in enumerate(TYPES))
    return f"(CASE {column} {cases} END)"


def key(row: str) -> str:
    """The key of access row `row` (new, old, or a table alias), as SQL."""
    return (
        f"(({row}.organisation_id << {ORG_SHIFT}) | ({row}.shared << {SHARED_SHIFT}) "
        f"| ({_type_code(f'{row}.doc_type')} << {TYPE_SHIFT}) | {row}.document_id)"
    )


def _out_of_range(row: str) -> str:
    return (
        f"{row}.document_id >= {MAX_DOCUMENT} OR {row}.document_id < 0 "
        f"OR {row}.organisation_id >= {MAX_ORGANISATION} OR {row}.organisation_id < 0 "
        f"OR {_type_code(f'{row}.doc_type')} IS NULL"
    )


_VISIBLE = ", ".join(f"'{v}'" for v in SHARED_VISIBILITIES)
_SHARED = (
    "(new.assist_id IS NULL OR EXISTS (SELECT 1 FROM assists_peerassist p "
    f"WHERE p.id = new.assist_id AND p.visibility IN ({_VISIBLE})))"
)


def _fts(action: str, document_id: str, when: str = "") -> str:
    """Delete (with the values it holds, as FTS5 needs) or insert the document's FTS row, as
    the view says it is at this moment: BEFORE a change, what the index holds; AFTER, what
    it must hold."""
    extra = f" AND ({when})" if when else ""
    if action == "delete":
        return (
            "INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems) "
            "SELECT 'delete', key, title_stems, body_stems FROM search_fts_source "
            f"WHERE document_id = {document_id}{extra};"
        )
    return (
        "INSERT INTO search_fts(rowid, title_stems, body_stems) "
        "SELECT key, title_stems, body_stems FROM search_fts_source "
        f"WHERE document_id = {document_id}{extra};"
    )


_STEMS_CHANGE = "old.title_stems IS NOT new.title_stems OR old.body_stems IS NOT new.body_stems"
_REFUSED = "SELECT RAISE(ABORT, 'search key out of range: document id, organisation id or type');"

# Each FTS row is removed BEFORE the row it is computed from changes (the view still shows
# what the index holds, which FTS5's 'delete' needs exactly) and added AFTER; a trigger that
# changes the other table does so last, so that its own triggers find the index in step.
TRIGGERS = {
    "search_key_check_insert": f"""CREATE TRIGGER search_key_check_insert
        BEFORE INSERT ON search_searchaccess WHEN {_out_of_range("new")} BEGIN {_REFUSED} END""",
    "search_key_check_update": f"""CREATE TRIGGER search_key_check_update
        BEFORE UPDATE ON search_searchaccess WHEN {_out_of_range("new")} BEGIN {_REFUSED} END""",
    "search_key_fixed_id": """CREATE TRIGGER search_key_fixed_id
        BEFORE UPDATE OF id ON search_searchdocument WHEN old.id IS NOT new.id BEGIN
        SELECT RAISE(ABORT, 'a search document keeps its id');
    END""",
    # The access row: made with the document, and follows its organisation, type and
    # assist (the indexer writes the same values; then it finds them there).
    "search_access_document_insert": f"""CREATE TRIGGER search_access_document_insert
        AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_searchaccess
            (document_id, organisation_id, doc_type, assist_id, shared)
        VALUES (new.id, new.organisation_id, new.doc_type, new.assist_id, {_SHARED});
    END""",
    "search_fts_document_before_update": f"""CREATE TRIGGER search_fts_document_before_update
        BEFORE UPDATE ON search_searchdocument BEGIN
        {_fts("delete", "old.id", _STEMS_CHANGE)}
    END""",
    "search_fts_document_after_update": f"""CREATE TRIGGER search_fts_document_after_update
        AFTER UPDATE ON search_searchdocument BEGIN
        {_fts("insert", "new.id", _STEMS_CHANGE)}
        UPDATE search_searchaccess SET organisation_id = new.organisation_id,
            doc_type = new.doc_type, assist_id = new.assist_id, shared = {_SHARED}
        WHERE document_id = new.id AND (organisation_id IS NOT new.organisation_id
            OR doc_type IS NOT new.doc_type OR assist_id IS NOT new.assist_id
            OR shared IS NOT {_SHARED});
    END""",
    "search_fts_document_delete": f"""CREATE TRIGGER search_fts_document_delete
        BEFORE DELETE ON search_searchdocument BEGIN {_fts("delete", "old.id")} END""",
    # An assist's visibility: `shared` on its documents' access rows.
    "search_access_assist_visibility": f"""CREATE TRIGGER search_access_assist_visibility
        AFTER UPDATE OF visibility ON assists_peerassist BEGIN
        UPDATE search_searchaccess SET shared = (new.visibility IN ({_VISIBLE}))
        WHERE assist_id = new.id AND shared IS NOT (new.visibility IN ({_VISIBLE}));
    END""",
    # The key: the FTS row moves when the access row's key changes.
    "search_fts_access_insert": f"""CREATE TRIGGER search_fts_access_insert
        AFTER INSERT ON search_searchaccess BEGIN {_fts("insert", "new.document_id")} END""",
    "search_fts_access_before_update": f"""CREATE TRIGGER search_fts_access_before_update
        BEFORE UPDATE ON search_searchaccess WHEN {key("old")} IS NOT {key("new")}
            OR old.document_id IS NOT new.document_id BEGIN
        {_fts("delete", "old.document_id")}
    END""",
    "search_fts_access_after_update": f"""CREATE TRIGGER search_fts_access_after_update
        AFTER UPDATE ON search_searchaccess WHEN {key("old")} IS NOT {key("new")}
            OR old.document_id IS NOT new.document_id BEGIN
        {_fts("insert", "new.document_id")}
    END""",
    "search_fts_access_delete": f"""CREATE TRIGGER search_fts_access_delete
        BEFORE DELETE ON search_searchaccess BEGIN {_fts("delete", "old.document_id")} END""",
}

# The key as a column of the access row (generated, not stored) with an index on it, so
# that a search walking the matches in key order looks their access rows up in the same
# order: joined by document id, consecutive lookups landed on different pages of the
# index (a guest's join: p95 7.7 against 4.6 ms on the SQL alone, 100,000 documents).
KEY_COLUMN = [
    "ALTER TABLE search_searchaccess ADD COLUMN fts_key INTEGER "
    f"GENERATED ALWAYS AS ({key('search_searchaccess').replace('search_searchaccess.', '')}) "
    "VIRTUAL",
    "CREATE INDEX search_access_by_key ON search_searchaccess "
    "(fts_key, organisation_id, shared, doc_type, assist_id)",
]

VIEW = f"""CREATE VIEW search_fts_source AS
    SELECT {key("a")} AS key, a.document_id AS document_id, d.title_stems, d.body_stems
    FROM search_searchaccess a JOIN search_searchdocument d ON d.id = a.document_id"""

FTS = """CREATE VIRTUAL TABLE search_fts USING fts5(
    title_stems, body_stems,
    content='search_fts_source', content_rowid='key',
    tokenize='unicode61 remove_diacritics 2'
)"""

FILL_ACCESS = (
    "INSERT OR IGNORE INTO search_searchaccess "
    "(document_id, organisation_id, doc_type, assist_id, shared) "
    "SELECT d.id, d.organisation_id, d.doc_type, d.assist_id, "
    f"(d.assist_id IS NULL OR a.visibility IN ({_VISIBLE})) "
    "FROM search_searchdocument d LEFT JOIN assists_peerassist a ON a.id = d.assist_id"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in _fts_0002.SQLITE_BACKWARD:
            cursor.execute(sql)
        cursor.execute(FILL_ACCESS)  # every document has its access row (0004 filled them)
        cursor.execute(f"SELECT count(*) FROM search_searchaccess a WHERE {_out_of_range('a')}")
        if cursor.fetchone()[0]:
            raise RuntimeError("search key out of range: document id, organisation id or type")
        for sql in KEY_COLUMN:
            cursor.execute(sql)
        cursor.execute(VIEW)
        cursor.execute(FTS)
        for sql in TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute("DROP TABLE IF EXISTS search_fts")
        cursor.execute("DROP VIEW IF EXISTS search_fts_source")
        cursor.execute("DROP INDEX IF EXISTS search_access_by_key")
        cursor.execute("SELECT 1 FROM pragma_table_xinfo('search_searchaccess') WHERE name = 'fts_key'")
        if cursor.fetchone():
            cursor.execute("ALTER TABLE search_searchaccess DROP COLUMN fts_key")
        for sql in _fts_0002.SQLITE_FORWARD:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("assists", "0009_breakoutgroup_spokesperson"),
        ("search", "0005_searchaccess_covering"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
