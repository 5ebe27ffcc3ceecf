"""A line diff of two versions of a write-up, for the versions page and the API (pure)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: `op` is "add", "remove", "same" or "gap" (lines left out)."""

    op: str
    text: str
    old_number: int | None = None
    new_number: int | None = None


def diff_lines(old: str, new: str, *, context: int = 2) -> list[DiffLine]:
    """Line diff of two texts, with `context` unchanged lines around each change."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("gap", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [DiffLine("same", a[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
                continue
            out += [DiffLine("remove", a[i], i + 1, None) for i in range(i1, i2)]
            out += [DiffLine("add", b[j], None, j + 1) for j in range(j1, j2)]
    return out
