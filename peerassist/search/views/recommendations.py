"""The "Suggested visiting peers" fragment of an assist's People & groups page (htmx)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peerassist.core.access import ViewerRequest, assist_rights, get_assist_or_404
from peerassist.core.scoping import require_member
from peerassist.search.recommender.selectors import excluded_summary, recommend_for_assist


@require_GET
def fragment(request: ViewerRequest, assist_id: int) -> HttpResponse:
    viewer = require_member(request.viewer)
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id)
    # Suggestions sit on the planning page, which only those who edit the plan reach.
    if not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(_("Only the home team, the facilitator and organisers plan this."))
    found = recommend_for_assist(viewer=viewer, assist=assist)
    context = {
        "assist": assist,
        "found": found,
        "excluded": excluded_summary(found.excluded),
        "can_edit": True,
    }
    return render(request, "search/_recommendations.html", context)
