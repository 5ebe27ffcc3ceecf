"""Writes about assists: every change checks who may make it and what the method's rules say.

Services raise `RuleViolation` when a rule's error applies and return the warnings
and nudges alongside the saved object otherwise.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists import kinds, rules
from peerassist.assists.events import assist_event_payload
from peerassist.assists.groups import Member, propose_groups
from peerassist.assists.models import (
    AssistStep,
    BreakoutGroup,
    BriefAttachment,
    ContributionKind,
    Format,
    FormatStep,
    JoinRequest,
    Participation,
    PeerAssist,
    Role,
    Status,
)
from peerassist.assists.selectors import (
    EDITABLE_STATUSES,
    format_get,
    plan_facts,
    viewer_person_id,
)
from peerassist.core.access import assist_rights
from peerassist.core.events import bus_message, publish, room_publish_on_commit
from peerassist.core.findings import Finding, Level, RuleViolation, raise_on_errors
from peerassist.core.scoping import Viewer, require_manager, require_member
from peerassist.people.models import Language, Person

STEP_FIELDS = (
    "order",
    "name",
    "phase",
    "duration_minutes",
    "description",
    "prompt_questions",
    "posting_roles",
    "contribution_kinds",
    "role_kinds",
    "optional",
)


def _require_edit(
    viewer: Viewer, assist: PeerAssist, *, planning: bool = True, allow_live: bool = False
) -> None:
    if not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers can change this.")
        )
    # The caller's object may be stale: the status that counts is the stored one.
    assist.status = PeerAssist.objects.values_list("status", flat=True).get(pk=assist.pk)
    editable = assist.status in EDITABLE_STATUSES or (allow_live and assist.status == Status.LIVE)
    if planning and not editable:
        raise RuleViolation(
            [
                Finding(
                    Level.ERROR,
                    "not_editable",
                    _("The plan cannot change once the assist is %(status)s.")
                    % {"status": assist.get_status_display().lower()},
                    "status",
                )
            ]
        )


def _review(assist: PeerAssist) -> list[Finding]:
    return rules.plan_findings(plan_facts(assist=assist))


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


def _home_and_facilitators(assist: PeerAssist) -> tuple[set[int], set[int]]:
    home, facilitators = set(), set()
    for person_id, role in assist.participations.values_list("person_id", "role"):
        if role == Role.HOME_PEER:
            home.add(person_id)
        elif role == Role.FACILITATOR:
            facilitators.add(person_id)
    return home, facilitators


def _check_roles(assist: PeerAssist, person_id: int, role: str) -> None:
    home, facilitators = _home_and_facilitators(assist)
    home.discard(person_id)
    facilitators.discard(person_id)
    if role == Role.HOME_PEER:
        home.add(person_id)
    elif role == Role.FACILITATOR:
        facilitators.add(person_id)
    raise_on_errors(rules.facilitator_outside_home_team(facilitators, home))


@transaction.atomic
def participation_add(
    *, viewer: Viewer, assist: PeerAssist, person_id: int, role: str
) -> tuple[Participation, list[Finding]]:
    """Give a person of the organisation a role in the assist (or change the role they have)."""
    _require_edit(viewer, assist, allow_live=True)  # late joiners
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("'%(role)s' is not one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    person = Person.objects.for_org(assist.organisation).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person_id": _("There is no such person in your organisation.")})
    current = Participation.objects.filter(assist=assist, person=person).first()
    if role == Role.FACILITATOR and current is not None and current.role == Role.HOME_PEER:
        raise RuleViolation(rules.facilitator_outside_home_team([person.pk], [person.pk]))
    _check_roles(assist, person.pk, role)
    participation, _created = Participation.objects.update_or_create(
        assist=assist, person=person, defaults={"role": role}
    )
    return participation, _review(assist)


@transaction.atomic
def participation_remove(*, viewer: Viewer, assist: PeerAssist, participation_id: int) -> None:
    """Take someone off the assist."""
    _require_edit(viewer, assist, allow_live=True)
    removed = Participation.objects.filter(assist=assist, pk=participation_id).first()
    deleted, _by_model = Participation.objects.filter(assist=assist, pk=participation_id).delete()
    if removed is not None:
        # Their open live-room sockets close as soon as this commits.
        room_publish_on_commit(bus_message(assist.pk, kick_person_id=removed.person_id))
        publish("participation.removed", {"assist_id": assist.pk, "person_id": removed.person_id})
    if not deleted:
        raise ValidationError(
            {"participation_id": _("This person does not take part in this assist.")}
        )


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
def groups_propose(*, viewer: Viewer, assist: PeerAssist) -> list[BreakoutGroup]:
    """Replace the breakout groups with a proposal: 6–8 peers each, mixed, by language."""
    _require_edit(viewer, assist)
    participations = list(
        Participation.objects.taking_part()
        .filter(assist=assist)
        .prefetch_related("person__languages")
    )
    wanted = set(assist.languages.values_list("code", flat=True))
    members = []
    for p in participations:
        spoken = tuple(sorted(lang.code for lang in p.person.languages.all()))
        # Group by the assist's languages when it names some; people keep theirs otherwise.
        usable = tuple(code for code in spoken if code in wanted) if wanted else spoken
        members.append(
            Member(
                p.pk, p.role == Role.HOME_PEER, usable or spoken, role=p.role, name=str(p.person)
            )
        )
    # Everyone taking part, facilitators and note-takers too: each group needs someone who
    # may record its notes, and the facilitators are spread across the groups.
    proposal = propose_groups(members)
    assist.groups.all().delete()
    groups = []
    for index, proposed in enumerate(proposal, start=1):
        group = BreakoutGroup.objects.create(
            assist=assist,
            name=_("Group %(n)s") % {"n": index},
            order=index,
            language_id=proposed.language,
        )
        Participation.objects.filter(pk__in=proposed.member_ids).update(group=group)
        groups.append(group)
    return groups


@transaction.atomic
def group_assign(
    *, viewer: Viewer, assist: PeerAssist, participation_id: int, group_id: int | None
) -> Participation:
    """Move one participant to another group by hand (None: no group)."""
    _require_edit(viewer, assist)
    participation = (
        Participation.objects.taking_part().filter(assist=assist, pk=participation_id).first()
    )
    if participation is None:
        raise ValidationError(
            {"participation_id": _("This person does not take part in this assist.")}
        )
    group = None
    if group_id is not None:
        group = BreakoutGroup.objects.filter(assist=assist, pk=group_id).first()
        if group is None:
            raise ValidationError({"group_id": _("There is no such group in this assist.")})
    participation.group = group
    participation.save(update_fields=["group"])
    return participation


@transaction.atomic
def group_create(*, viewer: Viewer, assist: PeerAssist, name: str) -> BreakoutGroup:
    _require_edit(viewer, assist)
    order = assist.groups.count() + 1
    return BreakoutGroup.objects.create(
        assist=assist, name=name.strip() or _("Group %(n)s") % {"n": order}, order=order
    )


@transaction.atomic
def format_copy(*, viewer: Viewer, format_id: int, name: str = "") -> Format:
    """Copy a format (shipped or the organisation's) into an editable one of the organisation."""
    require_manager(viewer)
    try:
        source = format_get(viewer=viewer, format_id=format_id)
    except Format.DoesNotExist:
        raise ValidationError({"format_id": _("There is no such format.")}) from None
    copy = Format.objects.create(
        organisation=viewer.organisation,
        kind=source.kind,
        name=name.strip() or _("%(name)s (copy)") % {"name": source.name},
        description=source.description,
        based_on=source,
    )
    FormatStep.objects.bulk_create(
        FormatStep(format=copy, **{f: getattr(step, f) for f in STEP_FIELDS})
        for step in source.steps.all()
    )
    return copy


@transaction.atomic
def format_step_update(
    *, viewer: Viewer, step_id: int, changes: Mapping[str, Any]
) -> tuple[FormatStep, list[Finding]]:
    """Edit a step of one of the organisation's own formats (shipped ones are copied first)."""
    require_manager(viewer)
    step = (
        FormatStep.objects.select_related("format")
        .filter(pk=step_id, format__organisation=viewer.organisation)
        .first()
    )
    if step is None:
        raise ValidationError(
            {"step_id": _("There is no such step in your organisation's formats.")}
        )
    for name, value in changes.items():
        if name not in STEP_FIELDS or name == "order":
            raise ValidationError({name: _("This field cannot be changed here.")})
        allowed = {"posting_roles": Role.values, "contribution_kinds": ContributionKind.values}
        if name in allowed and (bad := [v for v in value if v not in allowed[name]]):
            raise ValidationError(
                {
                    name: _("Not one of %(allowed)s: %(bad)s.")
                    % {"allowed": ", ".join(allowed[name]), "bad": ", ".join(map(str, bad))}
                }
            )
        if name == "role_kinds" and (errors := kinds.role_kinds_errors(value)):
            raise ValidationError({name: errors})
        setattr(step, name, value)
    if "role_kinds" in changes:
        # The older fields say the same as the table, for readers that only know them.
        step.posting_roles, step.contribution_kinds = kinds.legacy_fields(step.role_kinds)
    elif {"posting_roles", "contribution_kinds"} & set(changes):
        step.role_kinds = {}  # edited the old way: the table follows those fields again
    step.full_clean(exclude=["format"])
    step.save()
    total = sum(
        s.duration_minutes if s.pk != step.pk else step.duration_minutes
        for s in step.format.steps.filter(phase="during")
    )
    findings = raise_on_errors(rules.agenda_length(step.format.kind, total))
    return step, findings


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = frozenset(
    {
        ".pdf",
        ".docx",
        ".doc",
        ".pptx",
        ".xlsx",
        ".odt",
        ".odp",
        ".ods",
        ".txt",
        ".md",
        ".csv",
        ".png",
        ".jpg",
        ".jpeg",
    }
)


@transaction.atomic
def attachment_add(
    *, viewer: Viewer, assist: PeerAssist, upload: UploadedFile[bytes]
) -> BriefAttachment:
    """Attach a background document to the brief (10 MB at most, office documents and images)."""
    _require_edit(viewer, assist)
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise ValidationError(
            {
                "file": _("'%(name)s' is not a type peers can open here (%(allowed)s).")
                % {"name": name, "allowed": allowed}
            }
        )
    if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("'%(name)s' is larger than 10 MB.") % {"name": name}})
    if assist.attachments.count() >= 10:
        raise ValidationError({"file": _("A brief can have 10 attachments at most.")})
    return BriefAttachment.objects.create(assist=assist, file=upload, name=name[:200])


@transaction.atomic
def attachment_remove(*, viewer: Viewer, assist: PeerAssist, attachment_id: int) -> None:
    """Remove an attachment and its file."""
    _require_edit(viewer, assist)
    attachment = assist.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError({"attachment_id": _("There is no such attachment on this brief.")})
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def join_request_create(
    *, viewer: Viewer, assist: PeerAssist, role: str, message: str = ""
) -> JoinRequest:
    """Ask to join a shared plan as visiting peer or observer."""
    require_member(viewer)
    assist.status = PeerAssist.objects.values_list("status", flat=True).get(pk=assist.pk)
    if assist.status not in (Status.PLANNED, Status.INVITED):
        raise ValidationError({"assist": _("Only planned assists take requests to join.")})
    if role not in (Role.VISITING_PEER, Role.OBSERVER):
        raise ValidationError({"role": _("You can ask to join as a visiting peer or an observer.")})
    person_id = viewer_person_id(viewer)
    if person_id is None:
        raise ValidationError({"person": _("You need an entry in the people directory to join.")})
    if Participation.objects.filter(assist=assist, person_id=person_id).exists():
        raise ValidationError({"person": _("You already take part in this assist.")})
    if JoinRequest.objects.filter(
        assist=assist, person_id=person_id, status=JoinRequest.Decision.PENDING
    ).exists():
        raise ValidationError({"person": _("You have already asked; the home team will answer.")})
    return JoinRequest.objects.create(
        assist=assist, person_id=person_id, role=role, message=message.strip()
    )


@transaction.atomic
def join_request_decide(
    *, viewer: Viewer, assist: PeerAssist, request_id: int, accept: bool
) -> JoinRequest:
    """Accept (the person joins with the role asked) or decline a request to join."""
    _require_edit(viewer, assist)
    request = JoinRequest.objects.select_for_update().filter(assist=assist, pk=request_id).first()
    if request is None or request.status != JoinRequest.Decision.PENDING:
        raise ValidationError({"request_id": _("There is no open request with this id.")})
    request.status = JoinRequest.Decision.ACCEPTED if accept else JoinRequest.Decision.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    if accept:
        Participation.objects.get_or_create(
            assist=assist, person_id=request.person_id, defaults={"role": request.role}
        )
    return request


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
