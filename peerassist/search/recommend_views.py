"""The "Suggested visiting peers" fragment of an assist's People & groups page (htmx)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peerassist.assists.models import PeerAssist
from peerassist.assists.selectors import assist_get, can_edit
from peerassist.core.scoping import require_member
from peerassist.search.recommender.selectors import excluded_summary, recommend_for_assist


@require_GET
def fragment(request: HttpRequest, assist_id: int) -> HttpResponse:
    viewer = require_member(request.viewer)  # type: ignore[attr-defined]
    try:
        assist = assist_get(viewer=viewer, assist_id=assist_id)
    except PeerAssist.DoesNotExist:
        raise Http404(_("There is no such Peer Assist, or it is not shared with you.")) from None
    # Suggestions sit on the planning page, which only those who edit the plan reach.
    if not can_edit(viewer=viewer, assist=assist):
        raise PermissionDenied(_("Only the home team, the facilitator and organisers plan this."))
    found = recommend_for_assist(viewer=viewer, assist=assist)
    context = {
        "assist": assist,
        "found": found,
        "excluded": excluded_summary(found.excluded),
        "can_edit": True,
    }
    return render(request, "search/_recommendations.html", context)
