"""A spokesperson per breakout group, and the 90-minute format's plenary gives them a say:
each group's spokesperson posts its insights (the shipped format, and the steps of assists
planned on it that are not concluded yet, unless someone already changed that step's table)."""

import django.db.models.deletion
from django.db import migrations, models

OPEN = ("draft", "planned", "invited", "live")
PLENARY = "Plenary debriefing"


def give_spokespeople_a_say(apps, schema_editor):
    Format = apps.get_model("assists", "Format")
    FormatStep = apps.get_model("assists", "FormatStep")
    AssistStep = apps.get_model("assists", "AssistStep")
    shipped = Format.objects.filter(organisation=None, kind="standard")
    for steps in (
        FormatStep.objects.filter(format__in=shipped, name=PLENARY),
        AssistStep.objects.filter(
            assist__format__in=shipped, assist__status__in=OPEN, name=PLENARY
        ),
    ):
        for step in steps:
            table = dict(step.role_kinds or {})
            # An empty table still means the old posting roles: leave those steps alone.
            if not table or "spokesperson" in table:
                continue
            table["spokesperson"] = ["insight"]
            step.role_kinds = table
            step.save(update_fields=["role_kinds"])


class Migration(migrations.Migration):
    dependencies = [
        ("assists", "0008_brief_changed_at"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="breakoutgroup",
            name="spokesperson",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="people.person",
                verbose_name="spokesperson",
            ),
        ),
        migrations.RunPython(give_spokespeople_a_say, migrations.RunPython.noop),
    ]
