"""A narrow access row per document (organisation, type, assist, shared with the
organisation?), filled from the documents and their assists: the search checks access on it
instead of on the wide document row."""

import django.db.models.deletion
from django.db import migrations, models

SHARED_VISIBILITIES = ("organisation", "published")


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_searchaccess "
            "(document_id, organisation_id, doc_type, assist_id, shared) "
            "SELECT d.id, d.organisation_id, d.doc_type, d.assist_id, "
            "(d.assist_id IS NULL OR a.visibility IN (%s, %s)) "
            "FROM search_searchdocument d LEFT JOIN assists_peerassist a ON a.id = d.assist_id",
            list(SHARED_VISIBILITIES),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("assists", "0009_breakoutgroup_spokesperson"),
        ("search", "0003_postgres_index_angle_brackets"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchAccess",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="access",
                        serialize=False,
                        to="search.searchdocument",
                    ),
                ),
                (
                    "doc_type",
                    models.CharField(
                        choices=[
                            ("brief", "Brief"),
                            ("contribution", "Contribution"),
                            ("writeup", "Write-up"),
                            ("action", "Action"),
                            ("person", "Person"),
                            ("topic", "Topic"),
                            ("give", "Give"),
                        ],
                        max_length=20,
                    ),
                ),
                ("shared", models.BooleanField()),
                (
                    "assist",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assists.peerassist",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
