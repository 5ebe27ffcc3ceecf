"""The brief and its timing: length, focus questions, lead time, the decision date."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerassist.core.findings import Finding, Level
from peerassist.core.when import format_when

WORDS_PER_PAGE = 500


MIN_LEAD_DAYS = 7


DECISION_MARGIN_DAYS = 3


MAX_FOCUS_QUESTIONS = 5


_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def word_count(*texts: str) -> int:
    """Words in the given texts, as a reader would count them."""
    return sum(len(_WORD.findall(text or "")) for text in texts)


def brief_pages(words: int) -> float:
    """How many pages a brief of this many words fills (about 500 words a page)."""
    return round(words / WORDS_PER_PAGE, 2)


def brief_length(words: int) -> list[Finding]:
    """Warn when a brief runs past one page: peers read it before the session."""
    if words <= WORDS_PER_PAGE:
        return []
    return [
        Finding(
            Level.WARNING,
            "brief_too_long",
            _(
                "The brief is %(words)s words, about %(pages)s pages. Keep it to one page "
                "(about %(limit)s words): visiting peers read it before the session, and a "
                "short brief leaves the time for their experience."
            )
            % {"words": words, "pages": math.ceil(words / WORDS_PER_PAGE), "limit": WORDS_PER_PAGE},
            "brief",
        )
    ]


def focus_questions(questions: Sequence[str]) -> list[Finding]:
    """One to five focus questions, none empty."""
    cleaned = [q for q in questions if q.strip()]
    if len(cleaned) != len(questions):
        return [
            Finding(
                Level.ERROR,
                "focus_question_empty",
                _("A focus question is empty."),
                "focus_questions",
            )
        ]
    if len(cleaned) > MAX_FOCUS_QUESTIONS:
        return [
            Finding(
                Level.ERROR,
                "too_many_focus_questions",
                _(
                    "%(n)s focus questions are too many: keep at most %(max)s, so that the "
                    "session can go deep on each."
                )
                % {"n": len(cleaned), "max": MAX_FOCUS_QUESTIONS},
                "focus_questions",
            )
        ]
    return []


def brief_lead_time(brief_date: date | None, session_date: date | None) -> list[Finding]:
    """The brief should reach visiting peers at least a week before the session."""
    if brief_date is None or session_date is None:
        return []
    days = (session_date - brief_date).days
    if days >= MIN_LEAD_DAYS:
        return []
    return [
        Finding(
            Level.WARNING,
            "brief_late",
            ngettext(
                "The brief reaches the visiting peers only %(days)s day before the session. "
                "Send it at least %(min)s days ahead so that they can prepare what to share.",
                "The brief reaches the visiting peers only %(days)s days before the session. "
                "Send it at least %(min)s days ahead so that they can prepare what to share.",
                max(days, 0),
            )
            % {"days": max(days, 0), "min": MIN_LEAD_DAYS},
            "brief_send_on",
        )
    ]


def decision_timing(session_date: date | None, decision_date: date | None) -> list[Finding]:
    """The session must come early enough to change the plan it feeds."""
    if session_date is None or decision_date is None:
        return []
    days_before = (decision_date - session_date).days
    if days_before >= DECISION_MARGIN_DAYS:
        return []
    if days_before < 0:
        message = _(
            "Too late to change the plan: the session is after the decision date "
            "(%(decision)s). Hold it earlier, while there is still time to do something "
            "different with what you learn."
        )
    else:
        message = _(
            "Too late to change the plan: the session is only %(days)s days before the "
            "decision (%(decision)s). Leave time to act on what you learn."
        )
    return [
        Finding(
            Level.WARNING,
            "too_late_to_change",
            message % {"decision": format_when(decision_date, style="day"), "days": days_before},
            "decision_date",
        )
    ]
