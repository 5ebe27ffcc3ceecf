"""The full-text index beside SearchDocument, for whichever database this is.

SQLite: an FTS5 table over the stemmed columns (external content: the text lives once,
in search_searchdocument) and triggers that keep it in step in the same transaction.
PostgreSQL: a tsvector column filled by a trigger with the document's language
configuration (accents removed when the unaccent extension can be created) and a GIN index.
A later migration that rebuilds search_searchdocument on SQLite must re-create the triggers.
"""

from django.db import migrations, transaction

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_stems, body_stems,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title_stems, body_stems)
        VALUES (new.id, new.title_stems, new.body_stems);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems)
        VALUES ('delete', old.id, old.title_stems, old.body_stems);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE OF title_stems, body_stems
        ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems)
        VALUES ('delete', old.id, old.title_stems, old.body_stems);
        INSERT INTO search_fts(rowid, title_stems, body_stems)
        VALUES (new.id, new.title_stems, new.body_stems);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

CONFIGS = {"pa_english": "english", "pa_french": "french", "pa_spanish": "spanish"}

POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION search_document_vector() RETURNS trigger AS $$
    DECLARE cfg regconfig;
    BEGIN
        cfg := CASE NEW.language WHEN 'fr' THEN 'pa_french' WHEN 'es' THEN 'pa_spanish'
               ELSE 'pa_english' END::regconfig;
        NEW.search_vector := setweight(to_tsvector(cfg, coalesce(NEW.title, '')), 'A')
                          || setweight(to_tsvector(cfg, coalesce(NEW.body, '')), 'B');
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER search_document_vector
        BEFORE INSERT OR UPDATE OF title, body, language ON search_searchdocument
        FOR EACH ROW EXECUTE FUNCTION search_document_vector()""",
    "UPDATE search_searchdocument SET title = title",
    "CREATE INDEX search_document_vector_gin ON search_searchdocument USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "DROP TRIGGER IF EXISTS search_document_vector ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_document_vector()",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
    *(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in CONFIGS),
]


def _has_unaccent(cursor) -> bool:
    try:
        with transaction.atomic():
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception:  # not installed, or no right to create it: plain stemming only
        return False
    return True


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            for sql in SQLITE_FORWARD:
                cursor.execute(sql)
        elif vendor == "postgresql":
            unaccent = _has_unaccent(cursor)
            for name, base in CONFIGS.items():
                cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base})")
                if unaccent:
                    cursor.execute(
                        f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR "
                        f"hword, hword_part, word WITH unaccent, {base}_stem"
                    )
            for sql in POSTGRES_FORWARD:
                cursor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
