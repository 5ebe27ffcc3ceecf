"""Members: who may sign in to the organisation, with which role (administrators only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from django.http import Http404
from ninja import Field, Router, Schema, Status

from peerassist.accounts import selectors
from peerassist.accounts.models import Membership, Role
from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import BodyId, ErrorOut, FieldErrorOut, Id
from peerassist.members import services

router = Router(tags=["members"])


# Its own name in the OpenAPI document: ninja files schemas by class name, and the
# assists' participant Role would otherwise replace the organisation role there. The roles
# are written out so that mypy knows the members; a test checks they are Role's values.
class MemberRole(StrEnum):
    ADMIN = Role.ADMIN.value
    ORGANISER = Role.ORGANISER.value
    MEMBER = Role.MEMBER.value
    GUEST = Role.GUEST.value


NO_SUCH_MEMBER = "No such member in your organisation."


# Read from a `selectors.MemberRow` (the membership with its status and 2FA state).
class MemberOut(Schema):
    id: int = Field(..., description="The membership id (used in the member URLs).")
    user_id: int
    email: str
    name: str
    role: MemberRole
    status: str = Field(..., description="active, invited (not signed in yet) or deactivated.")
    last_login: datetime | None
    two_factor: bool
    invited_at: datetime | None
    deactivated_at: datetime | None

    @staticmethod
    def resolve_id(row: selectors.MemberRow) -> int:
        return row.membership.pk

    @staticmethod
    def resolve_user_id(row: selectors.MemberRow) -> int:
        return row.membership.user_id

    @staticmethod
    def resolve_email(row: selectors.MemberRow) -> str:
        return row.membership.user.email

    @staticmethod
    def resolve_name(row: selectors.MemberRow) -> str:
        return row.membership.user.get_full_name()

    @staticmethod
    def resolve_role(row: selectors.MemberRow) -> str:
        return row.membership.role

    @staticmethod
    def resolve_last_login(row: selectors.MemberRow) -> datetime | None:
        return row.membership.user.last_login

    @staticmethod
    def resolve_invited_at(row: selectors.MemberRow) -> datetime | None:
        return row.membership.invited_at

    @staticmethod
    def resolve_deactivated_at(row: selectors.MemberRow) -> datetime | None:
        return row.membership.deactivated_at


class MemberInviteIn(Schema):
    person_ids: list[BodyId] = Field(..., min_length=1, max_length=1000)
    role: MemberRole = MemberRole.MEMBER


class SkippedOut(Schema):
    person_id: int
    reason: str


class InviteOut(Schema):
    invited: list[MemberOut]
    skipped: list[SkippedOut]


class RoleIn(Schema):
    role: MemberRole


def _row(request: ApiRequest, membership_id: Id) -> selectors.MemberRow:
    try:
        return selectors.member_get(viewer=request.auth, membership_id=membership_id)
    except Membership.DoesNotExist:
        raise Http404(NO_SUCH_MEMBER) from None


@router.get("/members/", response={200: list[MemberOut], 403: ErrorOut}, summary="List members")
def list_members(request: ApiRequest) -> list[selectors.MemberRow]:
    return list(selectors.member_list(viewer=request.auth))


@router.post(
    "/members/invitations",
    response={201: InviteOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Invite directory people to sign in",
    description="Each person gets a login with the role and an e-mail to choose a password. "
    "People who cannot be invited (already members, no e-mail) are listed in `skipped`.",
)
def invite_members(request: ApiRequest, payload: MemberInviteIn) -> Status[InviteOut]:
    report = services.member_invite(
        viewer=request.auth,
        person_ids=payload.person_ids,
        role=payload.role,
    )
    invited = [_row(request, m.pk) for m in report.invited]
    skipped = [SkippedOut(person_id=p.pk, reason=reason) for p, reason in report.skipped]
    return Status(201, InviteOut.model_validate({"invited": invited, "skipped": skipped}))


@router.get(
    "/members/{membership_id}",
    response={200: MemberOut, 403: ErrorOut, 404: ErrorOut},
    summary="Get one member",
)
def get_member(request: ApiRequest, membership_id: Id) -> selectors.MemberRow:
    return _row(request, membership_id)


def _change(
    request: ApiRequest, membership_id: Id, action: Callable[..., object], **extra: object
) -> selectors.MemberRow:
    try:
        action(viewer=request.auth, membership_id=membership_id, **extra)
    except Membership.DoesNotExist:
        raise Http404(NO_SUCH_MEMBER) from None
    return _row(request, membership_id)


@router.patch(
    "/members/{membership_id}",
    response={200: MemberOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change a member's role",
)
def change_role(request: ApiRequest, membership_id: Id, payload: RoleIn) -> selectors.MemberRow:
    return _change(request, membership_id, services.member_role_set, role=payload.role)


@router.post(
    "/members/{membership_id}/deactivate",
    response={200: MemberOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Deactivate a member",
    description="Ends their sessions, revokes their API tokens and closes their live rooms.",
)
def deactivate_member(request: ApiRequest, membership_id: Id) -> selectors.MemberRow:
    return _change(request, membership_id, services.member_deactivate)


@router.post(
    "/members/{membership_id}/reactivate",
    response={200: MemberOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Reactivate a member",
)
def reactivate_member(request: ApiRequest, membership_id: Id) -> selectors.MemberRow:
    return _change(request, membership_id, services.member_reactivate)


@router.post(
    "/members/{membership_id}/resend-invitation",
    response={200: MemberOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Send the invitation e-mail again",
)
def resend_invitation(request: ApiRequest, membership_id: Id) -> selectors.MemberRow:
    return _change(request, membership_id, services.member_invitation_resend)
