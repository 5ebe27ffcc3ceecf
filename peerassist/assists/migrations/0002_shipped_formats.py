"""Load the four shipped formats (Mini, Standard, Four-part, Extended)."""

from django.db import migrations

from peerassist.assists.shipped_formats import SHIPPED


def load(apps, schema_editor):
    Format = apps.get_model("assists", "Format")
    FormatStep = apps.get_model("assists", "FormatStep")
    for spec in SHIPPED:
        fmt, created = Format.objects.get_or_create(
            organisation=None,
            kind=spec["kind"],
            defaults={"name": spec["name"], "description": spec["description"]},
        )
        if not created:
            continue
        for order, step in enumerate(spec["steps"], start=1):
            FormatStep.objects.create(
                format=fmt,
                order=order,
                name=step["name"],
                phase=step.get("phase", "during"),
                duration_minutes=step["duration_minutes"],
                description=step.get("description", ""),
                prompt_questions=step.get("prompt_questions", []),
                posting_roles=step.get("posting_roles", []),
                contribution_kinds=step.get("contribution_kinds", []),
                optional=step.get("optional", False),
            )


def unload(apps, schema_editor):
    apps.get_model("assists", "Format").objects.filter(organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("assists", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
