"""Background documents attached to the brief."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from peerassist.assists.models import BriefAttachment, PeerAssist
from peerassist.assists.services._common import _require_edit
from peerassist.core.scoping import Viewer

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


ATTACHMENT_TYPES = frozenset(
    {
        ".pdf",
        ".docx",
        ".doc",
        ".pptx",
        ".xlsx",
        ".odt",
        ".odp",
        ".ods",
        ".txt",
        ".md",
        ".csv",
        ".png",
        ".jpg",
        ".jpeg",
    }
)


@transaction.atomic
def attachment_add(
    *, viewer: Viewer, assist: PeerAssist, upload: UploadedFile[bytes]
) -> BriefAttachment:
    """Attach a background document to the brief (10 MB at most, office documents and images)."""
    _require_edit(viewer, assist)
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise ValidationError(
            {
                "file": _("'%(name)s' is not a type peers can open here (%(allowed)s).")
                % {"name": name, "allowed": allowed}
            }
        )
    if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("'%(name)s' is larger than 10 MB.") % {"name": name}})
    if assist.attachments.count() >= 10:
        raise ValidationError({"file": _("A brief can have 10 attachments at most.")})
    return BriefAttachment.objects.create(assist=assist, file=upload, name=name[:200])


@transaction.atomic
def attachment_remove(*, viewer: Viewer, assist: PeerAssist, attachment_id: int) -> None:
    """Remove an attachment and its file."""
    _require_edit(viewer, assist)
    attachment = assist.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError({"attachment_id": _("There is no such attachment on this brief.")})
    attachment.file.delete(save=False)
    attachment.delete()
