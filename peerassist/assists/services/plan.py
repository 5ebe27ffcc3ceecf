"""The assist itself: create it, change its brief and logistics, the agenda's durations, its
status, and delete it."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists import rules
from peerassist.assists.events import assist_event_payload
from peerassist.assists.models import AssistStep, Format, Participation, PeerAssist, Role, Status
from peerassist.assists.selectors import format_get, plan_facts, viewer_person_id
from peerassist.assists.services._common import STEP_FIELDS, _require_edit, _review
from peerassist.core.events import publish
from peerassist.core.findings import Finding, Level, raise_on_errors
from peerassist.core.scoping import Viewer, require_member
from peerassist.people.models import Language


def _copy_steps(source: Format, assist: PeerAssist) -> None:
    AssistStep.objects.bulk_create(
        AssistStep(assist=assist, **{f: getattr(step, f) for f in STEP_FIELDS})
        for step in source.steps.all()
    )


@transaction.atomic
def assist_create(
    *, viewer: Viewer, title: str, format_id: int, join_home_team: bool = True
) -> PeerAssist:
    """Start a draft assist in the viewer's organisation with the format's agenda copied in."""
    require_member(viewer)
    try:
        chosen = format_get(viewer=viewer, format_id=format_id)
    except Format.DoesNotExist:
        raise ValidationError({"format_id": _("There is no such format.")}) from None
    assist = PeerAssist.objects.create(
        organisation=viewer.organisation,
        title=title.strip(),
        format=chosen,
        created_by=viewer.user,
    )
    _copy_steps(chosen, assist)
    person_id = viewer_person_id(viewer)
    if join_home_team and person_id is not None:
        Participation.objects.create(assist=assist, person_id=person_id, role=Role.HOME_PEER)
    return assist


BRIEF_FIELDS = ("business_context", "challenge", "planned_approach", "desired_outcome")


LOGISTICS_FIELDS = (
    "title",
    "decision_date",
    "starts_at",
    "ends_at",
    "time_zone",
    "brief_send_on",
    "mode",
    "place",
    "video_link",
    "visibility",
)


@transaction.atomic
def assist_update(
    *, viewer: Viewer, assist: PeerAssist, changes: Mapping[str, Any]
) -> tuple[PeerAssist, list[Finding]]:
    """Change the brief or the logistics. Errors refuse the change; warnings come back."""
    _require_edit(viewer, assist)
    unknown = (
        set(changes) - set(BRIEF_FIELDS) - set(LOGISTICS_FIELDS) - {"focus_questions", "languages"}
    )
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if "languages" in changes:
        codes = list(changes["languages"])
        known = set(Language.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown_codes := [c for c in codes if c not in known]:
            raise ValidationError(
                {
                    "languages": _("Unknown language codes: %(codes)s.")
                    % {"codes": ", ".join(unknown_codes)}
                }
            )
    assist = PeerAssist.objects.select_for_update().get(pk=assist.pk)
    before = {name: getattr(assist, name) for name in CALENDAR_FIELDS}
    brief_before = [getattr(assist, name) for name in BRIEF_TEXT_FIELDS]
    for name, value in changes.items():
        if name == "focus_questions":
            questions = [str(q).strip() for q in value]
            raise_on_errors(rules.focus_questions(questions))
            assist.focus_questions = questions
        elif name != "languages":
            setattr(assist, name, value.strip() if isinstance(value, str) else value)
    raise_on_errors(rules.agenda_length(assist.format.kind, 0, assist.starts_at, assist.ends_at))
    assist.full_clean(exclude=["format", "organisation", "created_by"])
    if [getattr(assist, name) for name in BRIEF_TEXT_FIELDS] != brief_before:
        assist.brief_changed_at = timezone.now()
    assist.save()
    if "languages" in changes:
        assist.languages.set(changes["languages"])
    if changed := [name for name in CALENDAR_FIELDS if getattr(assist, name) != before[name]]:
        publish("assist.changed", {"assist_id": assist.pk, "fields": changed})
    return assist, _review(assist)


#: What an invitation carries of the brief: a change to these makes it worth sending again.
BRIEF_TEXT_FIELDS = (*BRIEF_FIELDS, "focus_questions")


#: Fields that make up the invitees' calendar entry.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place", "video_link")


@transaction.atomic
def agenda_set_durations(
    *, viewer: Viewer, assist: PeerAssist, durations: Mapping[int, int]
) -> tuple[PeerAssist, list[Finding]]:
    """Adjust the minutes of the assist's steps (by step id); over two days is refused."""
    _require_edit(viewer, assist)
    steps = {step.pk: step for step in assist.steps.all()}
    for step_id, minutes in durations.items():
        if step_id not in steps:
            raise ValidationError(
                {"steps": _("Step %(id)s is not on this assist's agenda.") % {"id": step_id}}
            )
        if not 0 <= int(minutes) <= 2 * 24 * 60:
            raise ValidationError(
                {
                    "steps": _("%(minutes)s minutes is not a possible duration.")
                    % {"minutes": minutes}
                }
            )
        steps[step_id].duration_minutes = int(minutes)
    total = sum(s.duration_minutes for s in steps.values() if s.phase == "during")
    raise_on_errors(
        rules.agenda_length(assist.format.kind, total, assist.starts_at, assist.ends_at)
    )
    AssistStep.objects.bulk_update(steps.values(), ["duration_minutes"])
    return assist, _review(assist)


@transaction.atomic
def assist_transition(
    *, viewer: Viewer, assist: PeerAssist, target: str
) -> tuple[PeerAssist, list[Finding]]:
    """Move the assist to its next status, if the method allows it now."""
    _require_edit(viewer, assist, planning=False)
    assist = PeerAssist.objects.select_for_update().get(pk=assist.pk)
    raise_on_errors(rules.transition_allowed(assist.status, target))
    if target in (Status.PLANNED, Status.INVITED):
        facts = plan_facts(assist=assist)
        blocking = (
            rules.ready_to_invite(facts)
            if target == Status.INVITED
            else ([f for f in rules.plan_findings(facts) if f.level == Level.ERROR])
        )
        raise_on_errors(blocking)
    assist.status = target
    fields = ["status", "updated_at"]
    if target == Status.LIVE:
        assist.held_on = timezone.now().astimezone(_zone(assist.time_zone)).date()
        fields.append("held_on")
    assist.save(update_fields=fields)
    if target in (Status.PLANNED, Status.INVITED):
        publish(f"assist.{target}", assist_event_payload(assist))
    return assist, _review(assist)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@transaction.atomic
def assist_delete(*, viewer: Viewer, assist: PeerAssist) -> None:
    """Delete a draft or planned assist of the viewer's organisation (organisers and admins),
    with its plan, people and attachments; recorded in the audit log."""
    from peerassist.audit.models import Kind
    from peerassist.audit.services import audit_record

    locked = (
        PeerAssist.objects.select_for_update()
        .filter(pk=assist.pk, organisation_id=viewer.organisation.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("There is no such Peer Assist in your organisation."))
    raise_on_errors(rules.can_delete(status=locked.status, manages_people=viewer.can_manage_people))
    files = [a.file.name for a in locked.attachments.all() if a.file]
    audit_record(
        kind=Kind.ASSIST_DELETED,
        organisations=viewer.organisation,
        actor=viewer.user,
        target=locked.title,
        detail={"assist_id": locked.pk, "status": locked.status},
    )
    locked.delete()

    def remove_files() -> None:
        from django.core.files.storage import default_storage

        for name in files:
            default_storage.delete(name)

    # The files go only once the rows are gone for good.
    transaction.on_commit(remove_files)
