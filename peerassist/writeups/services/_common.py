"""What every write-up service checks first: the viewer's rights and the stored status."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from peerassist.assists.models import PeerAssist
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.writeups import selectors

logger = logging.getLogger(__name__)


def _rights(viewer: Viewer, assist: PeerAssist) -> selectors.Rights:
    return selectors.rights_for(viewer=viewer, assist=assist)


def _require_edit(viewer: Viewer, assist: PeerAssist) -> None:
    if not _rights(viewer, assist).edit:
        raise PermissionDenied(
            _(
                "Only the home team, the facilitator, the note-taker and organisers can "
                "record the conclusion and edit the write-up."
            )
        )


def _stored_status(assist: PeerAssist) -> str:
    """The caller's object may be stale: the status that counts is the stored one."""
    assist.status = PeerAssist.objects.values_list("status", flat=True).get(pk=assist.pk)
    return assist.status


def _notify(people: Iterable[Person], **kwargs: Any) -> None:
    from peerassist.notifications.services import notify

    notify(list(people), **kwargs)
