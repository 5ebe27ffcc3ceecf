"""The step × role × kind table: which kinds of note each role may post in a step.

The shipped formats get the guides' table (assists/shipped_formats.py), and so do the steps
of assists planned on them that are not concluded yet; every other step keeps its meaning
(an empty table reads the old posting roles and kinds).
"""

from django.db import migrations, models

from peerassist.assists.kinds import legacy_fields
from peerassist.assists.shipped_formats import SHIPPED

OPEN = ("draft", "planned", "invited", "live")


def load(apps, schema_editor):
    Format = apps.get_model("assists", "Format")
    FormatStep = apps.get_model("assists", "FormatStep")
    AssistStep = apps.get_model("assists", "AssistStep")
    for spec in SHIPPED:
        tables = {step["name"]: step["role_kinds"] for step in spec["steps"]}
        shipped = Format.objects.filter(organisation=None, kind=spec["kind"])
        for model, steps in (
            (FormatStep, FormatStep.objects.filter(format__in=shipped)),
            (
                AssistStep,
                AssistStep.objects.filter(
                    assist__format__in=shipped, assist__status__in=OPEN
                ),
            ),
        ):
            for step in steps.filter(name__in=tables):
                step.role_kinds = tables[step.name]
                step.posting_roles, step.contribution_kinds = legacy_fields(step.role_kinds)
                step.save(update_fields=["role_kinds", "posting_roles", "contribution_kinds"])


class Migration(migrations.Migration):

    dependencies = [
        ('assists', '0005_participation_follows_invitation_answer'),
    ]

    operations = [
        migrations.AddField(
            model_name='assiststep',
            name='role_kinds',
            field=models.JSONField(blank=True, default=dict, verbose_name='kinds each role may post'),
        ),
        migrations.AddField(
            model_name='formatstep',
            name='role_kinds',
            field=models.JSONField(blank=True, default=dict, verbose_name='kinds each role may post'),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
