"""Breakout groups on the People page: who speaks for each group in the plenary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerassist.assists import services
from peerassist.assists.views._common import _assist, _refusal
from peerassist.assists.views.participants import _people
from peerassist.core.access import ViewerRequest


@require_POST
def group_spokesperson(request: ViewerRequest, assist_id: int, group_id: int) -> HttpResponse:
    viewer, assist = _assist(request, assist_id, edit=True)
    raw = request.POST.get("person_id", "").strip()
    if raw and not raw.isdigit():
        refusal = _refusal(ValidationError(_("Choose one of the group's members.")))
        return _people(request, viewer, assist, refusal=refusal)
    try:
        group = services.group_spokesperson_set(
            viewer=viewer, assist=assist, group_id=group_id, person_id=int(raw) if raw else None
        )
    except ValidationError as error:
        return _people(request, viewer, assist, refusal=_refusal(error))
    if group.spokesperson_id:
        messages.success(
            request,
            _("%(person)s speaks for %(group)s in the plenary.")
            % {"person": group.spokesperson, "group": group.name},
        )
    else:
        messages.success(request, _("%(group)s has no spokesperson.") % {"group": group.name})
    return redirect("assists:people", assist.pk)
