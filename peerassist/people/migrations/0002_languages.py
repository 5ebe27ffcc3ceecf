"""Seed the languages people can declare, from Django's own table of languages."""

from django.conf.locale import LANG_INFO
from django.db import migrations


def seed(apps, schema_editor):
    Language = apps.get_model("people", "Language")
    rows = [
        Language(code=code, name=info["name"])
        for code, info in LANG_INFO.items()
        if "name" in info and "-" not in code
    ]
    Language.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
