"""The organisation's single sign-on (OpenID Connect) settings: administrators only (403 for
everyone else), the same checks and audit entry (`sso_changed`) as the settings page.

The client secret is written, never read: answers say only whether one is saved and its last
four characters (as the page does).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from ninja import Field, Router, Schema
from pydantic import AnyHttpUrl, StrictBool

from peerassist.accounts import selectors, services
from peerassist.accounts.models import Role, SsoConfiguration
from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, FieldErrorOut
from peerassist.core.scoping import Viewer

router = Router(tags=["single sign-on"])

NOT_SET_UP = "Single sign-on is not set up for your organisation."


# The roles a first sign-in may give (never admin); its own name in the OpenAPI document.
# Written out so that mypy knows the members; a test checks they are Role's values but admin.
class SsoDefaultRole(StrEnum):
    ORGANISER = Role.ORGANISER.value
    MEMBER = Role.MEMBER.value
    GUEST = Role.GUEST.value


# Read from the `SsoConfiguration`; the callback URL is made absolute for the request.
class SsoOut(Schema):
    enabled: bool
    issuer_url: str
    client_id: str
    secret_hint: str = Field(
        ..., description="The saved client secret's last four characters at most, masked."
    )
    domains: list[str]
    sso_only: bool
    default_role: SsoDefaultRole
    callback_url: str = Field(
        ..., description="The redirect URI to register at the identity provider."
    )

    @staticmethod
    def resolve_secret_hint(config: SsoConfiguration) -> str:
        return services.sso_secret_hint(config.client_secret)

    @staticmethod
    def resolve_domains(config: SsoConfiguration) -> list[str]:
        return config.domain_list

    @staticmethod
    def resolve_callback_url(config: SsoConfiguration, context: dict[str, Any]) -> str:
        callback = reverse("openid_connect_callback", kwargs={"provider_id": config.provider_id})
        request: ApiRequest = context["request"]
        return request.build_absolute_uri(callback)


class SsoIn(Schema):
    enabled: StrictBool = True
    issuer_url: AnyHttpUrl = Field(
        ...,
        description="The provider's issuer (its host must be a public address unless the "
        "operator allows it).",
    )
    client_id: str = Field(..., min_length=1, max_length=255)
    client_secret: str = Field(
        "", max_length=500, description="Empty or left out: keep the saved secret."
    )
    domains: list[str] = Field(..., min_length=1, max_length=100)
    sso_only: StrictBool = False
    default_role: SsoDefaultRole = SsoDefaultRole.MEMBER


def _require_admin(viewer: Viewer | None) -> None:
    if viewer is None or not viewer.is_admin:
        raise PermissionDenied(
            "Only administrators of this organisation can set up single sign-on."
        )


@router.get(
    "/sso",
    response={200: SsoOut, 403: ErrorOut, 404: ErrorOut},
    summary="Your organisation's single sign-on settings",
)
def get_sso(request: ApiRequest) -> SsoConfiguration:
    viewer: Viewer = request.auth
    _require_admin(viewer)
    config = selectors.sso_configuration_for_organisation(organisation=viewer.organisation)
    if config is None:
        raise Http404(NOT_SET_UP)
    return config


@router.put(
    "/sso",
    response={200: SsoOut, 403: ErrorOut, 422: FieldErrorOut},
    summary="Set up or change your organisation's single sign-on",
    description="The whole configuration; an empty client_secret keeps the saved one (the "
    "first time, it is required). Every change is in the audit log as sso_changed.",
)
def put_sso(request: ApiRequest, payload: SsoIn) -> SsoConfiguration:
    viewer: Viewer = request.auth
    _require_admin(viewer)
    config = services.sso_configuration_save(
        viewer=viewer,
        enabled=payload.enabled,
        issuer_url=str(payload.issuer_url),
        client_id=payload.client_id,
        client_secret=payload.client_secret,
        domains="\n".join(payload.domains),
        sso_only=payload.sso_only,
        default_role=str(payload.default_role),
    )
    return config
