"""Who may do what in the room, now: rights follow the current step. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

FACILITATION = frozenset({"facilitator", "note_taker"})
ALL_KINDS = (
    "question",
    "practice",
    "lesson",
    "option",
    "recommendation",
    "insight",
    "surprise",
    "expected_not_heard",
    "need_to_know",
    "source",
    "action_idea",
)


@dataclass(frozen=True)
class Rights:
    post: bool
    kinds: tuple[str, ...]
    star: bool
    edit_any: bool
    control: bool
    on_behalf: bool
    why: str = ""
    read_only: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "post": self.post,
            "kinds": list(self.kinds),
            "star": self.star,
            "edit_any": self.edit_any,
            "control": self.control,
            "on_behalf": self.on_behalf,
        }


def rights_for(
    *,
    role: str | None,
    live: bool,
    step_name: str | None,
    posting_roles: Sequence[str],
    step_kinds: Sequence[str],
) -> Rights:
    """What a participant with `role` may do during the current step (None: not started)."""
    if role is None or role == "projector":
        return Rights(False, (), False, False, False, False, _("You are watching."), True)
    if role in FACILITATION:
        return Rights(
            post=live,
            kinds=ALL_KINDS,
            star=role == "facilitator",
            edit_any=True,
            control=role == "facilitator",
            on_behalf=True,
            why=_("You can always record notes, also on someone's behalf.")
            if live
            else _("The session is not live."),
        )
    if not live:
        return Rights(False, (), False, False, False, False, _("The session is not live."))
    if step_name is None:
        return Rights(
            False,
            (),
            role == "home_peer",
            False,
            False,
            False,
            _("The facilitator has not started the first step yet."),
        )
    kinds = tuple(step_kinds) or ALL_KINDS
    if role in posting_roles:
        return Rights(
            True,
            kinds,
            role == "home_peer",
            False,
            False,
            False,
            _("In “%(step)s” you can share notes.") % {"step": step_name},
        )
    if role == "home_peer":
        return Rights(
            True,
            ("question",),
            True,
            False,
            False,
            False,
            _(
                "In “%(step)s” the visiting peers share: listen, star what helps and ask "
                "clarifying questions only."
            )
            % {"step": step_name},
        )
    if role == "visiting_peer":
        return Rights(
            False,
            (),
            False,
            False,
            False,
            False,
            _("In “%(step)s” the home team works: read along, your turn comes back.")
            % {"step": step_name},
        )
    return Rights(False, (), False, False, False, False, _("Observers read along."))
