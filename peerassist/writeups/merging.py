"""Bringing changes to the conclusion into an edited write-up, section by section. Pure.

After the session only the conclusion moves (the response, the actions, who connects, the
follow-up): the room's notes are closed. So the sections of a fresh draft that differ from
the draft the write-up was last built from are exactly what the conclusion changed, and a
merge replaces those sections of the edited text and leaves every other edit alone.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)


def sections(markdown: str) -> dict[str, str]:
    """The `## ` sections of a write-up by heading, each block with its heading line; the text
    before the first one is under ""."""
    found: dict[str, str] = {}
    starts = [(m.start(), m.group(1)) for m in _HEADING.finditer(markdown)]
    found[""] = markdown[: starts[0][0]] if starts else markdown
    for index, (start, heading) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(markdown)
        found[heading] = markdown[start:end]
    return found


def changed_sections(base: str, fresh: str) -> list[str]:
    """Headings of the fresh draft's sections that differ from the base draft's, in order."""
    old = sections(base)
    return [
        heading
        for heading, block in sections(fresh).items()
        if heading and block.strip() != old.get(heading, "").strip()
    ]


def merge(body: str, fresh: str, headings: list[str]) -> str:
    """`body` with the named sections taken from `fresh`: replaced where the body has them,
    added at the end where it does not (a heading the editor deleted comes back)."""
    new = sections(fresh)
    out = body
    for heading in headings:
        block = new.get(heading)
        if block is None:
            continue
        mine = sections(out).get(heading)
        if mine is None:
            out = out.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"
        else:
            ending = "\n\n" if mine.endswith("\n\n") else "\n"
            out = out.replace(mine, block.rstrip("\n") + ending, 1)
    return out
