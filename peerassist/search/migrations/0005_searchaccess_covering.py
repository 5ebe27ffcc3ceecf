"""An index holding every column of the access row the search reads, keyed by document:
Django declares the key `bigint PRIMARY KEY`, which SQLite keeps as an index beside the
table's rowid, so each match's access row cost two B-tree searches (issue 19)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_searchaccess"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchaccess",
            index=models.Index(
                fields=["document", "organisation", "shared", "doc_type", "assist"],
                name="search_access_covering",
            ),
        ),
    ]
