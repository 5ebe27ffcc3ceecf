"""The write-up: draft it from the session, edit and restore versions, publish it."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerassist.assists.events import assist_event_payload
from peerassist.assists.models import PeerAssist, Status
from peerassist.assists.services import assist_transition
from peerassist.core.events import publish
from peerassist.core.findings import raise_on_errors
from peerassist.core.scoping import Viewer
from peerassist.people.models import Person
from peerassist.people.selectors import person_for_viewer
from peerassist.writeups import drafting, merging, rules, selectors
from peerassist.writeups.models import FollowUp, WriteUp, WriteUpStatus, WriteUpVersion
from peerassist.writeups.services._common import _notify, _require_edit, _rights, _stored_status


def _new_version(writeup: WriteUp, body: str, *, viewer: Viewer, note: str) -> WriteUp:
    """Store `body` as the write-up's next version (the row must be locked by the caller)."""
    writeup.version += 1
    writeup.body = body
    writeup.save(update_fields=["version", "body", "updated_at"])
    WriteUpVersion.objects.create(
        writeup=writeup, number=writeup.version, body=body, note=note[:200], created_by=viewer.user
    )
    return writeup


def _draft(viewer: Viewer, assist: PeerAssist, *, note: str) -> WriteUp:
    body = drafting.draft_markdown(selectors.session_data(assist=assist))
    writeup, _created = WriteUp.objects.get_or_create(assist=assist)
    writeup = WriteUp.objects.select_for_update().get(pk=writeup.pk)
    writeup.session_draft = body
    writeup.save(update_fields=["session_draft"])
    return _new_version(writeup, body, viewer=viewer, note=note)


@transaction.atomic
def writeup_merge_conclusion(*, viewer: Viewer, assist: PeerAssist) -> tuple[WriteUp, list[str]]:
    """Bring what the conclusion changed since the last draft into the edited write-up, as a
    new version: only the sections it changed are replaced; returns them (none: no version)."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    writeup = _locked_writeup(assist)
    fresh = drafting.draft_markdown(selectors.session_data(assist=assist))
    changed = merging.changed_sections(selectors.writeup_base(writeup=writeup), fresh)
    if not changed:
        return writeup, []
    body = merging.merge(writeup.body, fresh, changed)
    writeup.session_draft = fresh
    writeup.save(update_fields=["session_draft"])
    if body != writeup.body:
        note = _("Merged the conclusion's changes: %(sections)s") % {"sections": ", ".join(changed)}
        writeup = _new_version(writeup, body, viewer=viewer, note=note)
    return writeup, changed


@transaction.atomic
def writeup_draft(*, viewer: Viewer, assist: PeerAssist) -> WriteUp:
    """Draft the write-up from the session; a redraft is a new version (nothing is lost)."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    redraft = WriteUp.objects.filter(assist=assist).exists()
    return _draft(
        viewer,
        assist,
        note=_("Redrafted from the session") if redraft else _("Drafted from the session"),
    )


def _locked_writeup(assist: PeerAssist) -> WriteUp:
    try:
        return WriteUp.objects.select_for_update().get(assist=assist)
    except WriteUp.DoesNotExist:
        raise ValidationError(_("Draft the write-up from the session first.")) from None


@transaction.atomic
def writeup_save(*, viewer: Viewer, assist: PeerAssist, body: str, note: str = "") -> WriteUp:
    """Save an edit as a new version (an unchanged text makes no version)."""
    _require_edit(viewer, assist)
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    writeup = _locked_writeup(assist)
    body = body.replace("\r\n", "\n")
    if body == writeup.body:
        return writeup
    return _new_version(writeup, body, viewer=viewer, note=note or _("Edited"))


@transaction.atomic
def writeup_restore(*, viewer: Viewer, assist: PeerAssist, number: int) -> WriteUp:
    """Make an earlier version the current text again, as a new version."""
    _require_edit(viewer, assist)
    writeup = _locked_writeup(assist)
    try:
        old = writeup.versions.get(number=number)
    except WriteUpVersion.DoesNotExist:
        raise ValidationError(_("There is no version %s.") % number) from None
    return _new_version(
        writeup, old.body, viewer=viewer, note=_("Restored version %s") % old.number
    )


@transaction.atomic
def writeup_publish(
    *,
    viewer: Viewer,
    assist: PeerAssist,
    recipient_ids: Iterable[int] = (),
    shared_with_guests: bool = True,
) -> WriteUp:
    """Publish: the write-up enters the knowledge base, participants and the chosen
    recipients are told, and the assist becomes written up."""
    if not _rights(viewer, assist).publish:
        raise PermissionDenied(
            _("Only the home team, the facilitator and organisers publish the write-up.")
        )
    raise_on_errors(rules.writeup_open(_stored_status(assist)))
    writeup = _locked_writeup(assist)
    if writeup.status == WriteUpStatus.PUBLISHED:
        raise ValidationError(_("This write-up is already published."))
    wanted = set(recipient_ids)
    recipients = list(Person.objects.filter(organisation=assist.organisation, pk__in=wanted))
    if len(recipients) != len(wanted):
        raise ValidationError({"recipient_ids": _("Choose people of your organisation.")})
    writeup.status = WriteUpStatus.PUBLISHED
    writeup.published_at = timezone.now()
    writeup.published_by = person_for_viewer(viewer=viewer)
    writeup.shared_with_guests = shared_with_guests
    writeup.save()
    writeup.recipients.set(recipients)
    if assist.status == Status.CONCLUDED:
        assist, _findings = assist_transition(
            viewer=viewer, assist=assist, target=Status.WRITTEN_UP
        )
    followup = FollowUp.objects.filter(assist=assist, answered_at__isnull=False).first()
    if followup is not None and assist.status == Status.WRITTEN_UP:
        # Answered before the write-up was out: now the assist can be "followed up" too.
        assist, _findings = assist_transition(
            viewer=viewer, assist=assist, target=Status.FOLLOWED_UP
        )
    url = reverse("writeups:writeup", args=[assist.pk])
    # Participants-only: those who took part, not those invited who said no or did not come.
    participants = [p.person for p in assist.participations.attended().select_related("person")]
    _notify(
        participants,
        kind="writeup.published",
        title=lambda: _("The write-up of “%s” is published") % assist.title,
        body=lambda: _("The write-up of the Peer Assist you took part in is ready to read."),
        url=url,
    )
    taking_part = {p.pk for p in participants}
    _notify(
        [p for p in recipients if p.pk not in taking_part],
        kind="writeup.published",
        title=lambda: _("A Peer Assist write-up you might benefit from: “%s”") % assist.title,
        body=lambda: (
            _("%(who)s thought the write-up of this Peer Assist could help you.")
            % {"who": writeup.published_by.name if writeup.published_by else _("Someone")}
        ),
        url=url,
    )
    publish(
        "writeup.published",
        {**assist_event_payload(assist), "writeup": {"version": writeup.version, "url": url}},
    )
    return writeup
