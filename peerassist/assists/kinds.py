"""The step × role × kind table: which kinds of note each role may post in a step. Pure.

A step stores it as `role_kinds` ({role: [kind, …]}); the facilitator and the note-taker
record every kind (they note what is said, also on someone's behalf), and a role missing
from the table posts nothing. Steps saved before the table existed keep their old meaning:
the roles in `posting_roles` post the step's `contribution_kinds` (any kind when empty),
and a home peer outside them may ask clarifying questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

#: Every kind of note, in the order the room and the write-up list them.
ALL_KINDS: tuple[str, ...] = (
    "purpose",
    "context",
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
FACILITATION = ("facilitator", "note_taker")
#: The roles whose kinds the table decides, in the order the agenda shows them.
TABLE_ROLES = ("home_peer", "visiting_peer", "observer")
ALL_ROLES = (*TABLE_ROLES, *FACILITATION)
#: Not a role but a part someone plays on top of theirs: each breakout group's spokesperson
#: posts these kinds (in a plenary, the group's insights) whatever their role may post.
SPOKESPERSON = "spokesperson"


def kinds_by_role(
    *,
    role_kinds: Mapping[str, Sequence[str]] | None,
    posting_roles: Sequence[str] = (),
    contribution_kinds: Sequence[str] = (),
) -> dict[str, tuple[str, ...]]:
    """The kinds each role may post in a step (every role a key; empty: may not post)."""
    table: dict[str, tuple[str, ...]] = {role: () for role in TABLE_ROLES}
    if role_kinds:
        for role in TABLE_ROLES:
            table[role] = tuple(k for k in ALL_KINDS if k in set(role_kinds.get(role, ())))
    else:
        kinds = tuple(contribution_kinds) or tuple(
            k for k in ALL_KINDS if k not in ("purpose", "context")
        )
        for role in TABLE_ROLES:
            if role in posting_roles:
                table[role] = kinds
        if "home_peer" not in posting_roles:
            table["home_peer"] = ("question",)
    for role in FACILITATION:
        table[role] = ALL_KINDS
    spoken = set((role_kinds or {}).get(SPOKESPERSON, ()))
    table[SPOKESPERSON] = tuple(k for k in ALL_KINDS if k in spoken)
    return table


def legacy_fields(role_kinds: Mapping[str, Sequence[str]]) -> tuple[list[str], list[str]]:
    """`posting_roles` and `contribution_kinds` that say the same as a table, for older readers."""
    roles = [r for r in TABLE_ROLES if role_kinds.get(r)] + list(FACILITATION)
    kinds = [k for k in ALL_KINDS if any(k in role_kinds.get(r, ()) for r in TABLE_ROLES)]
    return roles, kinds


def role_kinds_errors(value: object) -> list[str]:
    """Why a submitted table is not one (empty list: it is)."""
    if not isinstance(value, Mapping):
        return [_("The table must map roles to lists of kinds.")]
    errors: list[str] = []
    for role, kinds in value.items():
        if role not in (*TABLE_ROLES, SPOKESPERSON):
            errors.append(
                _("“%(role)s” is not a role the table decides (one of %(roles)s).")
                % {"role": role, "roles": ", ".join((*TABLE_ROLES, SPOKESPERSON))}
            )
            continue
        if not isinstance(kinds, list | tuple) or not all(isinstance(k, str) for k in kinds):
            errors.append(_("The kinds of “%(role)s” must be a list.") % {"role": role})
            continue
        if bad := [k for k in kinds if k not in ALL_KINDS]:
            errors.append(
                _("Not kinds of note: %(bad)s (one of %(kinds)s).")
                % {"bad": ", ".join(bad), "kinds": ", ".join(ALL_KINDS)}
            )
    return errors
