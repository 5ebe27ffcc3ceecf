"""The method's rules after the session, as pure functions: plain values in, findings out.

How long a write-up may be ("1–2 pages"); when a conclusion can be recorded and a follow-up
scheduled. Pages, the API and the services call these, so a rule reads the same everywhere.
(Who may record, publish and answer is access, decided in `peerassist.core.access`.)
"""

from __future__ import annotations

import math
import re
from datetime import date

from django.utils.translation import gettext as _

from peerassist.core.findings import Finding, Level
from peerassist.core.when import format_when

WORDS_PER_PAGE = 500
#: A table row takes a line whatever its words; a line is worth about this many words.
WORDS_PER_LINE = 12
MAX_PAGES = 2

#: Statuses in which there is a conclusion to record or read.
CONCLUSION_STATUSES = frozenset({"live", "concluded", "written_up", "followed_up"})
#: Statuses in which the session is over and the write-up can be drafted.
WRITEUP_STATUSES = frozenset({"concluded", "written_up", "followed_up"})

_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def conclusion_open(status: str) -> list[Finding]:
    """The conclusion is recorded from the live session on."""
    if status in CONCLUSION_STATUSES:
        return []
    return [
        Finding(
            Level.ERROR,
            "conclusion_not_open",
            _("The conclusion is recorded at the end of the live session; this assist is %s.")
            % status.replace("_", " "),
        )
    ]


def writeup_open(status: str) -> list[Finding]:
    """The write-up is drafted once the session is concluded."""
    if status in WRITEUP_STATUSES:
        return []
    return [
        Finding(
            Level.ERROR,
            "writeup_not_open",
            _(
                "The write-up is drafted once the facilitator has concluded the session; "
                "this assist is %s."
            )
            % status.replace("_", " "),
        )
    ]


def markdown_words(text: str) -> int:
    """Equivalent words of a Markdown text: words outside tables, a line's worth per table row."""
    words = 0
    for line in (text or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            if not _TABLE_RULE.match(stripped):
                words += max(WORDS_PER_LINE, len(_WORD.findall(stripped)))
            continue
        words += len(_WORD.findall(stripped))
    return words


def writeup_pages(text: str) -> float:
    """About how many pages the write-up fills (500 words a page, tables by the line)."""
    return round(markdown_words(text) / WORDS_PER_PAGE, 1)


def writeup_length(text: str) -> list[Finding]:
    """A write-up is read when it fits on one or two pages: warn past two."""
    words = markdown_words(text)
    if words <= WORDS_PER_PAGE * MAX_PAGES:
        return []
    return [
        Finding(
            Level.WARNING,
            "writeup_too_long",
            _(
                "The write-up runs to about %(pages)s pages. Keep it to %(max)s pages: cut "
                "repeated notes and keep the starred ones, so that people who were not there "
                "read it to the end."
            )
            % {"pages": math.ceil(words / WORDS_PER_PAGE), "max": MAX_PAGES},
            "body",
        )
    ]


def followup_choice(
    *, on: date | None, at_next_meeting: bool, meeting_date: date | None, session_date: date | None
) -> list[Finding]:
    """A follow-up is a date after the session, or the community's next (planned) meeting."""
    if at_next_meeting:
        if meeting_date is None:
            return [
                Finding(
                    Level.ERROR,
                    "no_next_meeting",
                    _("This assist's home team has no community meeting planned; choose a date."),
                    "followup_on",
                )
            ]
        return []
    if on is not None and session_date is not None and on <= session_date:
        return [
            Finding(
                Level.ERROR,
                "followup_before_session",
                _("The follow-up comes after the session: choose a date after %s.")
                % format_when(session_date, style="day"),
                "followup_on",
            )
        ]
    return []


def usefulness(value: int) -> list[Finding]:
    if 1 <= value <= 5:
        return []
    return [
        Finding(
            Level.ERROR,
            "usefulness_range",
            _("Rate the session from 1 (not useful) to 5 (very useful)."),
            "usefulness",
        )
    ]


def is_overdue(*, due_on: date | None, status: str, today: date) -> bool:
    """An action is overdue when its date has passed and it is still open or in progress."""
    return due_on is not None and due_on < today and status in ("open", "in_progress")
