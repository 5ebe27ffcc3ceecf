"""Invitations of an assist: list, invite participants or a guest, send again, withdraw.

Only those who may edit the plan (`edit_plan` in `core.access.assist_rights`) use these;
an assist the caller may not see is 404. Answering an invitation is a page reached by a signed link
(`/rsvp/<token>/`), not an API call.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from ninja import Field, Router, Schema, Status

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import NO_SUCH_ASSIST, BodyId, ErrorOut, FieldErrorOut, Id
from peerassist.assists.models import PeerAssist, Role
from peerassist.core.access import assist_rights, get_assist_or_404
from peerassist.core.scoping import Viewer
from peerassist.invitations import selectors, services
from peerassist.invitations.models import Invitation, InvitationStatus

router = Router(tags=["invitations"])


class InvitationOut(Schema):
    id: int
    person_id: Id
    name: str = Field(..., alias="person.name")
    email: str = Field(..., alias="person.email")
    external: bool = Field(..., alias="person.is_external")
    role: Role
    status: InvitationStatus
    sequence: int
    sent_at: datetime | None
    responded_at: datetime | None
    cancelled_at: datetime | None
    suggested_name: str
    suggested_email: str
    suggested_reason: str


class InviteIn(Schema):
    person_ids: list[BodyId] = Field(
        ..., min_length=1, max_length=500, description="People taking part already."
    )


class GuestIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., max_length=254)
    role: Role = Role.VISITING_PEER


def _editable_assist(viewer: Viewer, assist_id: Id) -> PeerAssist:
    assist = get_assist_or_404(viewer=viewer, assist_id=assist_id, message=NO_SUCH_ASSIST)
    if not assist_rights(viewer=viewer, assist=assist).edit_plan:
        raise PermissionDenied(
            "Only the home team, the facilitator and organisers handle invitations."
        )
    return assist


def _out(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_related("person").get(pk=invitation.pk)


@router.get(
    "/assists/{assist_id}/invitations",
    response={200: list[InvitationOut], 403: ErrorOut, 404: ErrorOut},
    summary="Invitations of an assist and their answers",
)
def list_invitations(request: ApiRequest, assist_id: Id) -> QuerySet[Invitation]:
    return selectors.invitation_list(assist=_editable_assist(request.auth, assist_id))


@router.post(
    "/assists/{assist_id}/invitations",
    response={201: list[InvitationOut], 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Invite people who take part (the email, brief and .ics go out after commit)",
)
def create_invitations(
    request: ApiRequest, assist_id: Id, payload: InviteIn
) -> Status[list[Invitation]]:
    assist = _editable_assist(request.auth, assist_id)
    sent = services.invitation_send(
        viewer=request.auth, assist=assist, person_ids=payload.person_ids
    )
    return Status(201, [_out(i) for i in sent])


@router.post(
    "/assists/{assist_id}/invitations/guests",
    response={201: InvitationOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Invite a guest by name and e-mail (an external person is created if needed)",
)
def create_guest_invitation(
    request: ApiRequest, assist_id: Id, payload: GuestIn
) -> Status[Invitation]:
    assist = _editable_assist(request.auth, assist_id)
    invitation = services.guest_invite(
        viewer=request.auth,
        assist=assist,
        name=payload.name,
        email=payload.email,
        role=payload.role,
    )
    return Status(201, _out(invitation))


@router.post(
    "/assists/{assist_id}/invitations/{invitation_id}/resend",
    response={200: InvitationOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Send an invitation again (a withdrawn one is invited anew)",
)
def resend_invitation(request: ApiRequest, assist_id: Id, invitation_id: Id) -> Invitation:
    assist = _editable_assist(request.auth, assist_id)
    invitation = services.invitation_resend(
        viewer=request.auth, assist=assist, invitation_id=invitation_id
    )
    return _out(invitation)


@router.post(
    "/assists/{assist_id}/invitations/{invitation_id}/cancel",
    response={200: InvitationOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Withdraw an invitation: the person leaves the assist, the calendar entry is cancelled",
)
def cancel_invitation(request: ApiRequest, assist_id: Id, invitation_id: Id) -> Invitation:
    assist = _editable_assist(request.auth, assist_id)
    invitation = services.invitation_cancel(
        viewer=request.auth, assist=assist, invitation_id=invitation_id
    )
    return _out(invitation)
