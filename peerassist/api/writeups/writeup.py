"""The write-up: its text, page gauge, versions, redraft, restore and publishing."""

from django.http import Http404
from django.utils.translation import gettext as _

from peerassist.api.auth import ApiRequest
from peerassist.api.schemas import ErrorOut, Id
from peerassist.api.writeups._common import _assist, router
from peerassist.api.writeups.schemas import (
    PublishIn,
    VersionOut,
    VersionSummaryOut,
    WriteUpIn,
    WriteUpOut,
)
from peerassist.core.scoping import Viewer
from peerassist.writeups import selectors, services
from peerassist.writeups.models import WriteUp, WriteUpVersion


def _writeup(viewer: Viewer, assist_id: Id) -> WriteUp:
    try:
        return selectors.writeup_for_viewer(viewer=viewer, assist_id=assist_id)
    except WriteUp.DoesNotExist:
        raise Http404(_("No write-up, or you may not read it.")) from None


@router.get(
    "/assists/{assist_id}/writeup",
    response={200: WriteUpOut, 404: ErrorOut},
    summary="The write-up (Markdown, HTML and its page gauge)",
)
def get_writeup(request: ApiRequest, assist_id: Id) -> WriteUp:
    return _writeup(request.auth, assist_id)


@router.put(
    "/assists/{assist_id}/writeup",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Save the write-up's text as a new version",
)
def put_writeup(request: ApiRequest, assist_id: Id, payload: WriteUpIn) -> WriteUp:
    writeup = _writeup(request.auth, assist_id)
    writeup = services.writeup_save(
        viewer=request.auth, assist=writeup.assist, body=payload.body, note=payload.note
    )
    return writeup


@router.post(
    "/assists/{assist_id}/writeup/redraft",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Draft (or redraft) the write-up from the session, as a new version",
)
def redraft_writeup(request: ApiRequest, assist_id: Id) -> WriteUp:
    assist = _assist(request.auth, assist_id)
    writeup = services.writeup_draft(viewer=request.auth, assist=assist)
    return writeup


@router.get(
    "/assists/{assist_id}/writeup/versions",
    response={200: list[VersionSummaryOut], 404: ErrorOut},
    summary="The write-up's versions, newest first",
)
def list_versions(request: ApiRequest, assist_id: Id) -> list[WriteUpVersion]:
    writeup = _writeup(request.auth, assist_id)
    return list(selectors.version_list(writeup=writeup).select_related("created_by"))


@router.get(
    "/assists/{assist_id}/writeup/versions/{number}",
    response={200: VersionOut, 404: ErrorOut},
    summary="One version, with its diff to the current text",
)
def get_version(request: ApiRequest, assist_id: Id, number: Id) -> WriteUpVersion:
    writeup = _writeup(request.auth, assist_id)
    version = selectors.version_list(writeup=writeup).filter(number=number).first()
    if version is None:
        raise Http404(_("No such version."))
    version.writeup = writeup
    return version


@router.post(
    "/assists/{assist_id}/writeup/versions/{number}/restore",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Make a version the current text again (as a new version)",
)
def restore_version(request: ApiRequest, assist_id: Id, number: Id) -> WriteUp:
    writeup = _writeup(request.auth, assist_id)
    if not selectors.version_list(writeup=writeup).filter(number=number).exists():
        raise Http404(_("No such version."))
    writeup = services.writeup_restore(viewer=request.auth, assist=writeup.assist, number=number)
    return writeup


@router.post(
    "/assists/{assist_id}/writeup/publish",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Publish the write-up and send it to participants and chosen people",
)
def publish_writeup(request: ApiRequest, assist_id: Id, payload: PublishIn) -> WriteUp:
    writeup = _writeup(request.auth, assist_id)
    writeup = services.writeup_publish(viewer=request.auth, assist=writeup.assist, **payload.dict())
    return writeup
