"""Formats: the shipped ones and the organisation's own."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Status

from peerassist.api.assists._common import _findings, _formats, _not_found_for, router
from peerassist.api.assists.schemas import FormatCopyIn, FormatOut, FormatStepIn, FormatStepSavedOut
from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, FieldErrorOut, Id
from peerassist.assists import services
from peerassist.assists.models import Format


@router.get("/formats/", response=list[FormatOut], summary="Shipped formats and your own")
def list_formats(request: ApiRequest) -> QuerySet[Format]:
    return _formats(request.auth)


@router.get(
    "/formats/{format_id}", response={200: FormatOut, 404: ErrorOut}, summary="Get one format"
)
def get_format(request: ApiRequest, format_id: Id) -> Format:
    try:
        return _formats(request.auth).get(pk=format_id)
    except Format.DoesNotExist:
        raise Http404(_("No such format.")) from None


@router.post(
    "/formats/{format_id}/copy",
    response={201: FormatOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Copy a format into an editable one (organisers and admins)",
)
def copy_format(request: ApiRequest, format_id: Id, payload: FormatCopyIn) -> Status[Format]:
    try:
        copy = services.format_copy(viewer=request.auth, format_id=format_id, name=payload.name)
    except ValidationError as exc:
        _not_found_for(exc, "format_id")
        raise
    return Status(201, _formats(request.auth).get(pk=copy.pk))


@router.patch(
    "/formats/steps/{step_id}",
    response={200: FormatStepSavedOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Change a step of one of your organisation's formats",
)
def update_format_step(
    request: ApiRequest, step_id: Id, payload: FormatStepIn
) -> dict[str, object]:
    try:
        step, findings = services.format_step_update(
            viewer=request.auth,
            step_id=step_id,
            changes=payload.model_dump(exclude_unset=True, mode="json"),
        )
    except ValidationError as exc:
        _not_found_for(exc, "step_id")
        raise
    return {"step": step, "findings": _findings(findings)}
