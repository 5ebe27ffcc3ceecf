"""Who may do what in the room, now: rights follow the current step. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from peerassist.assists import kinds as kinds_module
from peerassist.live.events import May

FACILITATION = frozenset({"facilitator", "note_taker"})
ALL_KINDS = kinds_module.ALL_KINDS
#: Who upvotes questions: the people taking part, not those who moderate them.
UPVOTERS = frozenset({"home_peer", "visiting_peer", "observer"})
SPOKESPERSON = kinds_module.SPOKESPERSON


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
    #: May upvote questions (UPVOTERS, while the session is live).
    upvote: bool = False

    def as_dict(self) -> May:
        return {
            "post": self.post,
            "kinds": list(self.kinds),
            "star": self.star,
            "edit_any": self.edit_any,
            "control": self.control,
            "on_behalf": self.on_behalf,
            "upvote": self.upvote,
        }


def rights_for(
    *,
    role: str | None,
    live: bool,
    step_name: str | None,
    kinds_by_role: Mapping[str, Sequence[str]],
    spokesperson_of: str | None = None,
) -> Rights:
    """What a participant with `role` may do during the current step (None: not started).

    `kinds_by_role` is the step's step × role × kind table (assists.kinds.kinds_by_role);
    `spokesperson_of` names the breakout group the participant speaks for, if any: in a step
    that gives spokespeople kinds (a plenary), they post those on top of their role's."""
    rights = _rights_for(
        role=role,
        live=live,
        step_name=step_name,
        kinds_by_role=kinds_by_role,
        spokesperson_of=spokesperson_of,
    )
    return replace(rights, upvote=live and role in UPVOTERS)


def _rights_for(
    *,
    role: str | None,
    live: bool,
    step_name: str | None,
    kinds_by_role: Mapping[str, Sequence[str]],
    spokesperson_of: str | None,
) -> Rights:
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
    star = role == "home_peer"
    if step_name is None:
        return Rights(
            False,
            (),
            star,
            False,
            False,
            False,
            _("The facilitator has not started the first step yet."),
        )
    kinds = tuple(kinds_by_role.get(role, ()))
    spoken = tuple(kinds_by_role.get(SPOKESPERSON, ()))
    if spokesperson_of and spoken:
        merged = tuple(k for k in ALL_KINDS if k in set(kinds) | set(spoken))
        why = _("In “%(step)s” you speak for %(group)s: post its insights.") % {
            "step": step_name,
            "group": spokesperson_of,
        }
        return Rights(True, merged, star, False, False, False, why)
    if spoken and not kinds:
        why = _("In “%(step)s” each group's spokesperson shares the group's insights: listen.")
        return Rights(False, (), star, False, False, False, why % {"step": step_name})
    others_post = any(kinds_by_role.get(r) for r in ("home_peer", "visiting_peer") if r != role)
    if role == "home_peer" and kinds == ("question",):
        why = _(
            "In “%(step)s” the visiting peers share: listen, star what helps and ask "
            "clarifying questions only."
        )
    elif kinds:
        why = _("In “%(step)s” you can share notes.")
    elif role in ("home_peer", "visiting_peer") and not others_post:
        # Nobody but the facilitation records (an introduction, a closing): say just that.
        why = _("In “%(step)s” the facilitator records the notes: follow along.")
    elif role == "home_peer":
        why = _("In “%(step)s” the visiting peers share: listen and star what helps.")
    elif role == "visiting_peer":
        why = _("In “%(step)s” the home team works: read along, your turn comes back.")
    else:
        why = _("Observers read along.")
    return Rights(bool(kinds), kinds, star, False, False, False, why % {"step": step_name})


def anonymous_refusal(
    anonymous: bool,
    kind: str,
    on_behalf: bool,
    step: object | None,
    open_steps: Sequence[int] | None,
) -> tuple[str, str] | None:
    """Why a note may not go without its author's name (code, message), or None: only a
    question, never on someone's behalf, in a step where the facilitator allows it."""
    if not anonymous:
        return None
    if kind != "question":
        return "invalid", _("Only questions can be asked without your name.")
    if on_behalf:
        return "invalid", _("A note posted for someone else carries their name.")
    step_id = getattr(step, "pk", None)
    if step_id is None or step_id not in (open_steps or []):
        return "not_now", _("The facilitator has not opened anonymous questions in this step.")
    return None
