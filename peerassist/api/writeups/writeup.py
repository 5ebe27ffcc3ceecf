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
from peerassist.writeups import diffing, length, selectors, services
from peerassist.writeups.markdown import render_markdown
from peerassist.writeups.models import WriteUp, WriteUpVersion


def _writeup(viewer: Viewer, assist_id: Id) -> WriteUp:
    try:
        return selectors.writeup_for_viewer(viewer=viewer, assist_id=assist_id)
    except WriteUp.DoesNotExist:
        raise Http404(_("No write-up, or you may not read it.")) from None


def _writeup_out(viewer: Viewer, writeup: WriteUp) -> dict[str, object]:
    rights = selectors.rights_for(viewer=viewer, assist=writeup.assist)
    # The pages the PDF takes, laid out (cached by content), as the editor's gauge shows.
    gauge = length.writeup_gauge(assist=writeup.assist, body=writeup.body, writeup=writeup)
    return {
        "assist_id": writeup.assist_id,
        "status": writeup.status,
        "version": writeup.version,
        "body": writeup.body,
        "html": str(render_markdown(writeup.body)),
        "pages": gauge["pages"],
        "findings": [f.as_dict() for f in gauge["findings"]],
        "published_at": writeup.published_at,
        "shared_with_guests": writeup.shared_with_guests,
        "can_edit": rights.edit,
    }


def _version_summary(version: WriteUpVersion) -> dict[str, object]:
    return {
        "number": version.number,
        "note": version.note,
        "created_at": version.created_at,
        "created_by": version.created_by.email if version.created_by else None,
    }


@router.get(
    "/assists/{assist_id}/writeup",
    response={200: WriteUpOut, 404: ErrorOut},
    summary="The write-up (Markdown, HTML and its page gauge)",
)
def get_writeup(request: ApiRequest, assist_id: Id) -> dict[str, object]:
    return _writeup_out(request.auth, _writeup(request.auth, assist_id))


@router.put(
    "/assists/{assist_id}/writeup",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Save the write-up's text as a new version",
)
def put_writeup(request: ApiRequest, assist_id: Id, payload: WriteUpIn) -> dict[str, object]:
    writeup = _writeup(request.auth, assist_id)
    writeup = services.writeup_save(
        viewer=request.auth, assist=writeup.assist, body=payload.body, note=payload.note
    )
    return _writeup_out(request.auth, writeup)


@router.post(
    "/assists/{assist_id}/writeup/redraft",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Draft (or redraft) the write-up from the session, as a new version",
)
def redraft_writeup(request: ApiRequest, assist_id: Id) -> dict[str, object]:
    assist = _assist(request.auth, assist_id)
    writeup = services.writeup_draft(viewer=request.auth, assist=assist)
    return _writeup_out(request.auth, writeup)


@router.get(
    "/assists/{assist_id}/writeup/versions",
    response={200: list[VersionSummaryOut], 404: ErrorOut},
    summary="The write-up's versions, newest first",
)
def list_versions(request: ApiRequest, assist_id: Id) -> list[dict[str, object]]:
    writeup = _writeup(request.auth, assist_id)
    return [_version_summary(v) for v in selectors.version_list(writeup=writeup)]


@router.get(
    "/assists/{assist_id}/writeup/versions/{number}",
    response={200: VersionOut, 404: ErrorOut},
    summary="One version, with its diff to the current text",
)
def get_version(request: ApiRequest, assist_id: Id, number: Id) -> dict[str, object]:
    writeup = _writeup(request.auth, assist_id)
    version = selectors.version_list(writeup=writeup).filter(number=number).first()
    if version is None:
        raise Http404(_("No such version."))
    return {
        **_version_summary(version),
        "body": version.body,
        "diff": [line.__dict__ for line in diffing.diff_lines(version.body, writeup.body)],
    }


@router.post(
    "/assists/{assist_id}/writeup/versions/{number}/restore",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Make a version the current text again (as a new version)",
)
def restore_version(request: ApiRequest, assist_id: Id, number: Id) -> dict[str, object]:
    writeup = _writeup(request.auth, assist_id)
    if not selectors.version_list(writeup=writeup).filter(number=number).exists():
        raise Http404(_("No such version."))
    writeup = services.writeup_restore(viewer=request.auth, assist=writeup.assist, number=number)
    return _writeup_out(request.auth, writeup)


@router.post(
    "/assists/{assist_id}/writeup/publish",
    response={200: WriteUpOut, 403: ErrorOut, 404: ErrorOut, 422: dict},
    summary="Publish the write-up and send it to participants and chosen people",
)
def publish_writeup(request: ApiRequest, assist_id: Id, payload: PublishIn) -> dict[str, object]:
    writeup = _writeup(request.auth, assist_id)
    writeup = services.writeup_publish(viewer=request.auth, assist=writeup.assist, **payload.dict())
    return _writeup_out(request.auth, writeup)
