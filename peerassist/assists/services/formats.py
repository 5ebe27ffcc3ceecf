"""The organisation's own formats: copy one, edit its steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from peerassist.assists import kinds, rules
from peerassist.assists.models import ContributionKind, Format, FormatStep, Role
from peerassist.assists.selectors import format_get
from peerassist.assists.services._common import STEP_FIELDS
from peerassist.core.findings import Finding, raise_on_errors
from peerassist.core.scoping import Viewer, require_manager


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
