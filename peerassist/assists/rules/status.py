"""The assist's status: the legal moves, and when it may be deleted."""

from __future__ import annotations

from django.utils.translation import gettext as _

from peerassist.core.findings import Finding, Level

#: The legal moves of an assist's status; anything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("planned",),
    "planned": ("draft", "invited"),
    "invited": ("planned", "live"),
    "live": ("concluded",),
    "concluded": ("written_up",),
    "written_up": ("followed_up",),
    "followed_up": (),
}


def transition_allowed(current: str, target: str) -> list[Finding]:
    """Only the method's next (or previous planning) step is a legal move."""
    if target in TRANSITIONS.get(current, ()):
        return []
    return [
        Finding(
            Level.ERROR,
            "illegal_transition",
            _("An assist that is %(current)s cannot become %(target)s.")
            % {"current": current.replace("_", " "), "target": target.replace("_", " ")},
            "status",
        )
    ]


#: A plan nobody has been invited to yet can be deleted; later ones have a history to keep.
DELETABLE_STATUSES = frozenset({"draft", "planned"})


def can_delete(*, status: str, manages_people: bool) -> list[Finding]:
    """Only organisers and administrators delete, and only drafts and planned assists."""
    if not manages_people:
        return [
            Finding(
                Level.ERROR,
                "delete_not_allowed",
                _("Only organisers and administrators can delete a Peer Assist."),
            )
        ]
    if status not in DELETABLE_STATUSES:
        return [
            Finding(
                Level.ERROR,
                "delete_too_late",
                _(
                    "Only a draft or a planned Peer Assist can be deleted: once invitations "
                    "have gone out, its history is kept. Withdraw the invitations and keep it, "
                    "or ask the people taking part."
                ),
            )
        ]
    return []
