"""The agenda: its length against the format and the slot, and which steps the room runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from peerassist.core.findings import Finding, Level

#: "half a day to two days, never more": two working days of agenda.
EXTENDED_MAX_MINUTES = 2 * 8 * 60


EXTENDED_MIN_MINUTES = 3 * 60


MAX_SPAN = timedelta(days=2)


def agenda_length(
    kind: str,
    total_minutes: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> list[Finding]:
    """Extended assists last half a day to two days, never more; no session spans over 2 days."""
    findings = []
    too_long = kind == "extended" and total_minutes > EXTENDED_MAX_MINUTES
    spans_too_long = starts_at and ends_at and ends_at - starts_at > MAX_SPAN
    if too_long or spans_too_long:
        findings.append(
            Finding(
                Level.ERROR,
                "longer_than_two_days",
                _(
                    "A Peer Assist lasts two days at the most. Longer, and people stop "
                    "listening and start defending; split the work into two assists instead."
                ),
                "agenda",
            )
        )
    if kind == "extended" and 0 < total_minutes < EXTENDED_MIN_MINUTES:
        findings.append(
            Finding(
                Level.WARNING,
                "extended_too_short",
                _(
                    "An extended Peer Assist takes at least half a day; "
                    "consider the standard format."
                ),
                "agenda",
            )
        )
    if starts_at and ends_at and ends_at <= starts_at:
        findings.append(
            Finding(
                Level.ERROR, "ends_before_start", _("The session ends before it starts."), "ends_at"
            )
        )
    return findings


def agenda_fits_slot(
    total_minutes: int, starts_at: datetime | None, ends_at: datetime | None
) -> list[Finding]:
    """The session's steps should fit the time booked for it: a longer agenda is cut short
    in the room, usually in the last steps, where the home team responds."""
    if not (starts_at and ends_at) or ends_at <= starts_at:
        return []
    slot = int((ends_at - starts_at).total_seconds() // 60)
    if total_minutes <= slot:
        return []
    return [
        Finding(
            Level.WARNING,
            "agenda_longer_than_slot",
            _(
                "The agenda takes %(agenda)s minutes but the session is booked for "
                "%(slot)s: shorten some steps or book a longer slot, or the last steps "
                "(where the home team responds) get squeezed."
            )
            % {"agenda": total_minutes, "slot": slot},
            "agenda",
        )
    ]


#: The phase of the agenda steps the live room runs; "before" and "after" steps happen
#: outside the session (the brief, the follow-up at the next meeting).
RUNNABLE_PHASE = "during"


def runnable_steps[T](steps: Sequence[tuple[T, str]]) -> list[T]:
    """Of (step, phase) pairs in agenda order, the steps the live room can run."""
    return [step for step, phase in steps if phase == RUNNABLE_PHASE]


def concluding_step[T](steps: Sequence[tuple[T, str]]) -> T | None:
    """The step from which the facilitator records the conclusion: the last that can be run.

    Not the agenda's last item: in the Mini format that is the follow-up at the next
    meeting, which the room never runs. None when no step can be run.
    """
    runnable = runnable_steps(steps)
    return runnable[-1] if runnable else None
