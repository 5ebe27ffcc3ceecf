"""PostgreSQL: index words written between angle brackets too ("<script>" is text a person
typed, not HTML), as the SQLite index and the snippets already do. No-op on SQLite."""

from django.db import migrations

FUNCTION = """CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger AS $$
    DECLARE cfg regconfig;
    BEGIN
        cfg := CASE NEW.language WHEN 'fr' THEN 'pa_french' WHEN 'es' THEN 'pa_spanish'
               ELSE 'pa_english' END::regconfig;
        NEW.search_vector := setweight(to_tsvector(cfg, translate(coalesce(NEW.title, ''),
                                                                 '<>', '  ')), 'A')
                          || setweight(to_tsvector(cfg, translate(coalesce(NEW.body, ''),
                                                                 '<>', '  ')), 'B');
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""
PREVIOUS = """CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger AS $$
    DECLARE cfg regconfig;
    BEGIN
        cfg := CASE NEW.language WHEN 'fr' THEN 'pa_french' WHEN 'es' THEN 'pa_spanish'
               ELSE 'pa_english' END::regconfig;
        NEW.search_vector := setweight(to_tsvector(cfg, coalesce(NEW.title, '')), 'A')
                          || setweight(to_tsvector(cfg, coalesce(NEW.body, '')), 'B');
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""
REFRESH = "UPDATE search_searchdocument SET title = title WHERE title || body ~ '[<>]'"


def _run(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RunPython(_run(FUNCTION, REFRESH), _run(PREVIOUS, REFRESH), elidable=False)
    ]
