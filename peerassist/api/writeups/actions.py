"""Actions, connect-afterwards pairs and feedback."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Status

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, Id
from peerassist.api.writeups._common import (
    FeedbackSummary,
    _actions,
    _assist,
    _feedback,
    router,
)
from peerassist.api.writeups.schemas import (
    ActionIn,
    ActionOut,
    ActionPatchIn,
    FeedbackIn,
    FeedbackListOut,
    FeedbackOut,
    PairIn,
    PairOut,
)
from peerassist.assists.models import PeerAssist
from peerassist.writeups import selectors, services
from peerassist.writeups.models import Action, ConnectPair


def _one_action(assist: PeerAssist, action_id: Id) -> Action:
    try:
        return selectors.action_list(assist=assist).select_related("assist").get(pk=action_id)
    except Action.DoesNotExist:
        raise Http404(_("No such action.")) from None


@router.get(
    "/assists/{assist_id}/actions",
    response={200: list[ActionOut], 404: ErrorOut},
    summary="The assist's actions",
)
def list_actions(request: ApiRequest, assist_id: Id) -> list[Action]:
    return _actions(_assist(request.auth, assist_id))


@router.post(
    "/assists/{assist_id}/actions",
    response={201: ActionOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Add an action",
)
def create_action(request: ApiRequest, assist_id: Id, payload: ActionIn) -> Status[Action]:
    assist = _assist(request.auth, assist_id)
    action = services.action_create(viewer=request.auth, assist=assist, **payload.dict())
    return Status(201, action)


@router.get(
    "/assists/{assist_id}/actions/{action_id}",
    response={200: ActionOut, 404: ErrorOut},
    summary="One action",
)
def get_action(request: ApiRequest, assist_id: Id, action_id: Id) -> Action:
    action = _one_action(_assist(request.auth, assist_id), action_id)
    return action


@router.patch(
    "/assists/{assist_id}/actions/{action_id}",
    response={200: ActionOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Change an action (its status, owner, date…)",
)
def update_action(
    request: ApiRequest, assist_id: Id, action_id: Id, payload: ActionPatchIn
) -> Action:
    action = _one_action(_assist(request.auth, assist_id), action_id)
    action = services.action_update(
        viewer=request.auth, action=action, changes=payload.dict(exclude_unset=True)
    )
    return action


@router.delete(
    "/assists/{assist_id}/actions/{action_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove an action",
)
def delete_action(request: ApiRequest, assist_id: Id, action_id: Id) -> Status[None]:
    action = _one_action(_assist(request.auth, assist_id), action_id)
    services.action_delete(viewer=request.auth, action=action)
    return Status(204, None)


@router.get(
    "/assists/{assist_id}/connect-pairs",
    response={200: list[PairOut], 404: ErrorOut},
    summary="Who connects with whom after the session",
)
def list_pairs(request: ApiRequest, assist_id: Id) -> list[ConnectPair]:
    assist = _assist(request.auth, assist_id)
    return list(selectors.connect_pair_list(assist=assist))


@router.post(
    "/assists/{assist_id}/connect-pairs",
    response={201: PairOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Add a home peer ↔ visiting peer pair",
)
def create_pair(request: ApiRequest, assist_id: Id, payload: PairIn) -> Status[ConnectPair]:
    assist = _assist(request.auth, assist_id)
    pair = services.connect_pair_add(viewer=request.auth, assist=assist, **payload.dict())
    return Status(201, pair)


@router.delete(
    "/assists/{assist_id}/connect-pairs/{pair_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Remove a pair",
)
def delete_pair(request: ApiRequest, assist_id: Id, pair_id: Id) -> Status[None]:
    assist = _assist(request.auth, assist_id)
    try:
        pair = selectors.connect_pair_list(assist=assist).select_related("assist").get(pk=pair_id)
    except ConnectPair.DoesNotExist:
        raise Http404(_("No such pair.")) from None
    services.connect_pair_remove(viewer=request.auth, pair=pair)
    return Status(204, None)


@router.get(
    "/assists/{assist_id}/feedback",
    response={200: FeedbackListOut, 404: ErrorOut},
    summary="Participants' feedback (anonymous ones without a name)",
)
def list_feedback(request: ApiRequest, assist_id: Id) -> FeedbackSummary:
    return _feedback(_assist(request.auth, assist_id))


@router.post(
    "/assists/{assist_id}/feedback",
    response={200: FeedbackOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Give (or change) your own feedback on the session",
)
def give_feedback(
    request: ApiRequest, assist_id: Id, payload: FeedbackIn
) -> selectors.FeedbackView:
    assist = _assist(request.auth, assist_id)
    feedback = services.feedback_give(viewer=request.auth, assist=assist, **payload.dict())
    return selectors.FeedbackView(
        usefulness=feedback.usefulness,
        comment=feedback.comment,
        anonymous=feedback.anonymous,
        name=None if feedback.anonymous else feedback.person.name,
    )
