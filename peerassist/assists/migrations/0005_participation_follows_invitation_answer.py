"""Past data: participations kept counting people whose invitation was declined (through
the e-mail link, also by suggesting someone else) or withdrawn. Give each the answer its
invitation carries, and take the people who are not taking part out of breakout groups."""

from django.db import migrations

DECLINED_ANSWERS = ("declined", "suggested_other")


def answers_forward(apps, schema_editor):
    Invitation = apps.get_model("invitations", "Invitation")
    Participation = apps.get_model("assists", "Participation")
    for assist_id, person_id, status, cancelled_at in Invitation.objects.values_list(
        "assist_id", "person_id", "status", "cancelled_at"
    ).iterator():
        if cancelled_at is not None:
            changes = {"rsvp": "withdrawn", "group": None}
        elif status in DECLINED_ANSWERS:
            changes = {"rsvp": "declined", "group": None}
        elif status == "accepted":
            changes = {"rsvp": "accepted"}
        else:
            continue
        Participation.objects.filter(assist_id=assist_id, person_id=person_id).update(**changes)


def answers_backward(apps, schema_editor):
    # The earlier schema has no "withdrawn": such people were left with an open answer.
    Participation = apps.get_model("assists", "Participation")
    Participation.objects.filter(rsvp="withdrawn").update(rsvp="pending")


class Migration(migrations.Migration):
    dependencies = [
        ("assists", "0004_participation_answer_and_attendance"),
        ("invitations", "0001_initial"),
    ]

    operations = [migrations.RunPython(answers_forward, answers_backward)]
