"""The follow-up check-in and its answer."""

from django.http import Http404
from django.utils.translation import gettext as _

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, Id
from peerassist.api.writeups._common import _assist, router
from peerassist.api.writeups.schemas import FollowUpAnswerIn, FollowUpOut
from peerassist.writeups import selectors, services
from peerassist.writeups.models import FollowUp


@router.get(
    "/assists/{assist_id}/followup",
    response={200: FollowUpOut, 404: ErrorOut},
    summary="The follow-up check-in and its answer",
)
def get_followup(request: ApiRequest, assist_id: Id) -> FollowUp:
    followup = selectors.followup_get(assist=_assist(request.auth, assist_id))
    if followup is None:
        raise Http404(_("No follow-up is scheduled."))
    return followup


@router.post(
    "/assists/{assist_id}/followup/answer",
    response={200: FollowUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Answer the follow-up: who you followed up with, what changed, each action",
)
def answer_followup(
    request: ApiRequest, assist_id: Id, payload: FollowUpAnswerIn
) -> FollowUp | None:
    assist = _assist(request.auth, assist_id)
    services.followup_answer(
        viewer=request.auth,
        assist=assist,
        followed_up_with_ids=payload.followed_up_with_ids,
        what_changed=payload.what_changed,
        action_statuses={k: str(v) for k, v in payload.action_statuses.items()},
    )
    return selectors.followup_get(assist=assist)
