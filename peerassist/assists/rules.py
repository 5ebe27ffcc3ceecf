"""The method's rules as pure functions: plain values in, findings out.

Forms, pages, the API and the services all call these, so a rule reads the same
everywhere. Sources: the four guides in shared/seeds (BP / Collison & Parcell,
the World Bank and TCI guides, the mini Peer Assist guide).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerassist.core.findings import Finding, Level

WORDS_PER_PAGE = 500
MIN_LEAD_DAYS = 7
DECISION_MARGIN_DAYS = 3
MAX_FOCUS_QUESTIONS = 5
GROUP_MIN = 6
GROUP_MAX = 8
ROOM_MAX = 20
#: "half a day to two days, never more": two working days of agenda.
EXTENDED_MAX_MINUTES = 2 * 8 * 60
EXTENDED_MIN_MINUTES = 3 * 60
MAX_SPAN = timedelta(days=2)
SENIOR_LEVELS = frozenset({"senior", "manager", "executive"})

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


def facilitator_outside_home_team(
    facilitator_ids: Iterable[int], home_team_ids: Iterable[int]
) -> list[Finding]:
    """The facilitator must not be one of the home team."""
    inside = set(facilitator_ids) & set(home_team_ids)
    if not inside:
        return []
    return [
        Finding(
            Level.ERROR,
            "facilitator_in_home_team",
            _(
                "The facilitator cannot be a member of the home team. A facilitator from "
                "outside keeps the balance between telling and listening, and can hold the "
                "home team to listening without defending its plan. Ask someone from "
                "another team."
            ),
            "facilitator",
        )
    ]


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
            message % {"decision": decision_date.isoformat(), "days": days_before},
            "decision_date",
        )
    ]


def visiting_peers_across(
    home_unit_ids: Iterable[int | None], visiting_unit_ids: Sequence[int | None]
) -> list[Finding]:
    """Nudge when most visiting peers come from the home team's own units."""
    home = {u for u in home_unit_ids if u is not None}
    if not home or not visiting_unit_ids:
        return []
    same = sum(1 for u in visiting_unit_ids if u in home)
    if same * 2 <= len(visiting_unit_ids):
        return []
    return [
        Finding(
            Level.NUDGE,
            "look_across",
            _(
                "%(same)s of %(total)s visiting peers come from the home team's own unit. "
                "Look across the organisation: someone who solved this elsewhere brings what "
                "your unit does not already know."
            )
            % {"same": same, "total": len(visiting_unit_ids)},
            "visiting_peers",
        )
    ]


def visiting_peers_not_only_senior(levels: Sequence[str]) -> list[Finding]:
    """Nudge when every visiting peer is senior: look across, not up."""
    if len(levels) < 2 or not all(level in SENIOR_LEVELS for level in levels):
        return []
    return [
        Finding(
            Level.NUDGE,
            "across_not_up",
            _(
                "All visiting peers are senior. Look across, not up: people who did the work "
                "recently often have the most practical experience to share."
            ),
            "visiting_peers",
        )
    ]


def group_size(active_voices: int, groups: int) -> list[Finding]:
    """6–8 voices a group works best; propose breakouts above 8, warn above 20 in one room."""
    findings = []
    if active_voices > ROOM_MAX:
        findings.append(
            Finding(
                Level.WARNING,
                "too_many_people",
                _(
                    "%(n)s home and visiting peers is a lot for one Peer Assist (the guides "
                    "say no more than 15–20). Consider two sessions, or fewer peers."
                )
                % {"n": active_voices},
                "participants",
            )
        )
    largest = math.ceil(active_voices / max(groups, 1))
    if largest > GROUP_MAX:
        findings.append(
            Finding(
                Level.WARNING,
                "propose_breakouts",
                _(
                    "%(n)s active voices in one group: above %(max)s, not everyone gets to "
                    "speak. Split into breakout groups of %(min)s–%(max)s."
                )
                % {"n": largest, "min": GROUP_MIN, "max": GROUP_MAX},
                "groups",
            )
        )
    return findings


def can_invite(visiting_peers: int) -> list[Finding]:
    """An assist needs visiting peers before invitations go out."""
    if visiting_peers:
        return []
    return [
        Finding(
            Level.ERROR,
            "no_visiting_peers",
            _("Add at least one visiting peer: they are the people whose experience you ask for."),
            "visiting_peers",
        )
    ]


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


# --- The whole plan at once ------------------------------------------------------


from dataclasses import dataclass, field  # noqa: E402 - kept next to the code that uses it


@dataclass(frozen=True)
class PlanFacts:
    """Plain facts about an assist's plan, gathered by the selector; no database here."""

    format_kind: str
    brief_words: int
    has_challenge: bool
    focus_questions: Sequence[str]
    starts_at: datetime | None
    ends_at: datetime | None
    session_date: date | None
    decision_date: date | None
    brief_date: date | None
    agenda_minutes: int
    mode: str
    place: str
    video_link: str
    home_ids: Sequence[int]
    home_unit_ids: Sequence[int | None]
    facilitator_ids: Sequence[int]
    visiting_unit_ids: Sequence[int | None] = field(default_factory=list)
    visiting_levels: Sequence[str] = field(default_factory=list)
    groups: int = 0


def plan_findings(facts: PlanFacts) -> list[Finding]:
    """Every rule applied to a plan, errors first."""
    findings = [
        *focus_questions(facts.focus_questions),
        *facilitator_outside_home_team(facts.facilitator_ids, facts.home_ids),
        *agenda_length(facts.format_kind, facts.agenda_minutes, facts.starts_at, facts.ends_at),
        *agenda_fits_slot(facts.agenda_minutes, facts.starts_at, facts.ends_at),
        *brief_length(facts.brief_words),
        *brief_lead_time(facts.brief_date, facts.session_date),
        *decision_timing(facts.session_date, facts.decision_date),
        *group_size(len(facts.home_ids) + len(facts.visiting_unit_ids), facts.groups),
        *visiting_peers_across(facts.home_unit_ids, facts.visiting_unit_ids),
        *visiting_peers_not_only_senior(facts.visiting_levels),
    ]
    order = {Level.ERROR: 0, Level.WARNING: 1, Level.NUDGE: 2}
    return sorted(findings, key=lambda f: order[f.level])


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str
    done: bool
    hint: str = ""


def readiness(facts: PlanFacts) -> list[CheckItem]:
    """What must be in place before invitations go out, each with whether it is."""
    where_done = bool(facts.place) if facts.mode == "in_person" else bool(facts.video_link)
    if facts.mode == "hybrid":
        where_done = bool(facts.place and facts.video_link)
    return [
        CheckItem(
            "brief",
            _("The brief states the challenge"),
            facts.has_challenge,
            _("Write the business context, the challenge and your planned approach."),
        ),
        CheckItem(
            "focus_questions",
            _("1 to 5 focus questions"),
            0 < len(facts.focus_questions) <= MAX_FOCUS_QUESTIONS,
            _("What exactly do you want to learn? One question per line."),
        ),
        CheckItem(
            "when",
            _("Date and time"),
            facts.starts_at is not None,
            _("Early enough to change the plan, and a week after the brief goes out."),
        ),
        CheckItem(
            "decision_date",
            _("The decision this assist feeds, and when it is taken"),
            facts.decision_date is not None,
            _("Stating it shows whether the session comes early enough."),
        ),
        CheckItem("where", _("Place or video link"), where_done, _("Where do people meet?")),
        CheckItem(
            "home_team",
            _("At least one home peer"),
            bool(facts.home_ids),
            _("Who owns the challenge?"),
        ),
        CheckItem(
            "facilitator",
            _("A facilitator from outside the home team"),
            bool(facts.facilitator_ids) and not set(facts.facilitator_ids) & set(facts.home_ids),
            _("Someone who can hold the balance between telling and listening."),
        ),
        CheckItem(
            "visiting_peers",
            _("At least one visiting peer"),
            bool(facts.visiting_unit_ids),
            _("People from elsewhere who have done something similar."),
        ),
    ]


def ready_to_invite(facts: PlanFacts) -> list[Finding]:
    """Errors that stop invitations: open checklist items and rule errors."""
    findings = [f for f in plan_findings(facts) if f.level == Level.ERROR]
    findings += can_invite(len(facts.visiting_unit_ids))
    for item in readiness(facts):
        if not item.done and item.code not in ("visiting_peers", "facilitator"):
            findings.append(
                Finding(
                    Level.ERROR, f"missing_{item.code}", f"{item.label}: {item.hint}", item.code
                )
            )
        elif not item.done and item.code == "facilitator" and not facts.facilitator_ids:
            findings.append(
                Finding(
                    Level.ERROR, "missing_facilitator", f"{item.label}: {item.hint}", "facilitator"
                )
            )
    return findings


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
