"""The first draft of a write-up, from what the session produced.

`draft_markdown(data)` is a pure function of `SessionData` (assembled by
`peerassist.writeups.selectors.session_data`), so that the draft can be tested without a
database and read by the exports. Headings follow the method: purpose and context, who
took part, what was heard under each focus question (starred notes first), what we all
now know together, the home team's response and the actions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from peerassist.core.when import format_when


@dataclass(frozen=True)
class NoteData:
    kind: str
    kind_label: str
    text: str
    starred: bool
    focus_question: int | None
    author: str = ""
    #: The role of who starred the note ("" when not known).
    starred_by: str = ""
    #: Where the write-up puts it: "" (what was heard), "purpose", "analysis" (four-part),
    #: "together" or "response" (Mini: the guide's steps 4 and 5).
    part: str = ""
    #: The breakout group it was written in ("" when none).
    group: str = ""


@dataclass(frozen=True)
class VoteData:
    """A closed dot-vote: where it belongs (a NoteData part), dots each, how many voted, and
    the notes with their dots, most first."""

    part: str
    dots: int
    ballots: int
    results: Sequence[tuple[str, int]]


@dataclass(frozen=True)
class ParticipantData:
    role: str
    role_label: str
    name: str
    unit: str = ""


@dataclass(frozen=True)
class GroupData:
    """A breakout group as the record lists it: its members and who spoke for it."""

    name: str
    members: Sequence[str] = ()
    spokesperson: str = ""


@dataclass(frozen=True)
class ActionData:
    title: str
    owner: str
    due_on: date | None
    status_label: str


@dataclass(frozen=True)
class PairData:
    home_peer: str
    visiting_peer: str
    topic: str = ""


@dataclass(frozen=True)
class SessionData:
    title: str
    organisation: str = ""
    format_name: str = ""
    held_on: date | None = None
    business_context: str = ""
    challenge: str = ""
    planned_approach: str = ""
    desired_outcome: str = ""
    focus_questions: Sequence[str] = ()
    #: Roles in the order they are listed: (value, label).
    roles: Sequence[tuple[str, str]] = ()
    participants: Sequence[ParticipantData] = ()
    #: Contribution kinds in the order they are listed: (value, label).
    kinds: Sequence[tuple[str, str]] = ()
    notes: Sequence[NoteData] = ()
    learned: str = ""
    do_differently: str = ""
    shared_knowledge: str = ""
    actions: Sequence[ActionData] = ()
    pairs: Sequence[PairData] = field(default_factory=tuple)
    #: The format's kind: the four-part and the Mini write-ups have their own sections.
    format_kind: str = ""
    #: The follow-up check-in's date (the Mini guide's "after the event"), if set.
    followup_on: date | None = None
    followup_at_next_meeting: bool = False
    #: Closed dot-votes, in the order they were held.
    votes: Sequence[VoteData] = ()
    #: The breakout groups, in order (none: the session met as one group).
    groups: Sequence[GroupData] = ()


_SPACES = re.compile(r"\s+")
_LEADING_MARK = re.compile(r"^(\d*)([#>+\-*.)])(\s)")


def inline(text: str) -> str:
    """One line of Markdown from free text: whitespace collapsed, no accidental block syntax."""
    flat = _SPACES.sub(" ", text or "").strip()
    # "1. x", "- x" or "# x" at the start would turn a note into a list or a heading.
    return _LEADING_MARK.sub(r"\1\\\2\3", flat)


def cell(text: str) -> str:
    """A table cell: one line, pipes escaped."""
    return inline(text).replace("|", "\\|") or "—"


def paragraphs(text: str) -> str:
    """Free text kept as paragraphs (blank lines between them), each line made inline."""
    blocks = [b for b in re.split(r"\n\s*\n", (text or "").strip()) if b.strip()]
    return "\n\n".join(inline(b) for b in blocks)


def _note_line(note: NoteData) -> str:
    star = "★ " if note.starred else ""
    author = f" — *{inline(note.author)}*" if note.author else ""
    group = f" · {inline(note.group)}" if note.group else ""
    return f"- {star}{inline(note.text)}{author}{group}"


def star_legend(roles: set[str]) -> str:
    """What ★ means, saying who starred: the home team, the facilitator or both."""
    if roles == {"home_peer"}:
        return _("★ marks the notes the home team starred.")
    if roles == {"facilitator"}:
        return _("★ marks the notes the facilitator starred.")
    if roles == {"home_peer", "facilitator"}:
        return _("★ marks the notes the home team and the facilitator starred.")
    return _("★ marks the notes starred in the room.")


def _notes_by_kind(notes: Iterable[NoteData], kinds: Sequence[tuple[str, str]]) -> list[str]:
    """Sections per kind, in the kinds' order, starred notes first within each."""
    by_kind: dict[str, list[NoteData]] = {}
    for note in notes:
        by_kind.setdefault(note.kind, []).append(note)
    order = [k for k, _label in kinds] + [k for k in by_kind if k not in dict(kinds)]
    labels = dict(kinds)
    lines: list[str] = []
    for kind in order:
        group = by_kind.get(kind)
        if not group:
            continue
        group = sorted(group, key=lambda n: not n.starred)  # stable: keeps the room's order
        lines += ["", f"**{labels.get(kind, group[0].kind_label)}**", ""]
        lines += [_note_line(n) for n in group]
    return lines


def _participants(data: SessionData) -> list[str]:
    lines: list[str] = []
    roles = list(data.roles) or sorted({(p.role, p.role_label) for p in data.participants})
    for role, label in roles:
        people = [p for p in data.participants if p.role == role]
        if not people:
            continue
        names = ", ".join(
            inline(p.name) + (f" ({inline(p.unit)})" if p.unit else "") for p in people
        )
        lines.append(f"- **{label}:** {names}")
    return lines


def _groups(groups: Sequence[GroupData]) -> list[str]:
    """Who was in which breakout group, and who spoke for it in the plenary."""
    lines = [f"### {_('Breakout groups')}", ""]
    for group in groups:
        names = ", ".join(inline(n) for n in group.members) or _("nobody")
        spoke = (
            " " + _("(spokesperson: %(name)s)") % {"name": inline(group.spokesperson)}
            if group.spokesperson
            else ""
        )
        lines.append(f"- **{inline(group.name)}:** {names}{spoke}")
    return lines


def _actions_table(actions: Sequence[ActionData]) -> list[str]:
    lines = [
        f"| {_('Action')} | {_('Owner')} | {_('Due')} | {_('Status')} |",
        "| --- | --- | --- | --- |",
    ]
    for action in actions:
        due = format_when(action.due_on, style="date") if action.due_on else "—"
        lines.append(
            f"| {cell(action.title)} | {cell(action.owner)} | {due} | {cell(action.status_label)} |"
        )
    return lines


def _header(data: SessionData) -> list[str]:
    out: list[str] = [f"# {inline(data.title)}", ""]
    facts = [
        _("Peer Assist"),
        inline(data.format_name),
        format_when(data.held_on, style="day"),
        inline(data.organisation),
    ]
    out += ["*" + " · ".join(f for f in facts if f) + "*", ""]
    return out


def _brief(data: SessionData) -> list[str]:
    """The home team's brief: context, challenge, planned approach, what they wanted."""
    out: list[str] = []
    if data.business_context.strip():
        out += [paragraphs(data.business_context), ""]
    for label, text in (
        (_("The challenge."), data.challenge),
        (_("Our planned approach."), data.planned_approach),
        (_("What we wanted from the session."), data.desired_outcome),
    ):
        if text.strip():
            out += [f"**{label}** {inline(text)}", ""]
    purpose = [n for n in data.notes if n.part == "purpose"]
    if purpose:
        out += [_note_line(n) for n in purpose] + [""]
    return out


def _who_took_part(data: SessionData) -> list[str]:
    """Who took part, then who was in which breakout group (when the session had any)."""
    out = [f"## {_('Who took part')}", ""]
    out += _participants(data) or [_("Nobody was recorded as taking part.")]
    out.append("")
    if data.groups:
        out += [*_groups(data.groups), ""]
    return out


def _by_question(data: SessionData, heard: Sequence[NoteData]) -> list[str]:
    """The notes under each focus question, then those filed under none."""
    out: list[str] = []
    if any(n.starred for n in data.notes):
        out += [star_legend({n.starred_by for n in data.notes if n.starred}), ""]
    questions = list(data.focus_questions)
    for index, question in enumerate(questions):
        out.append(f"### {index + 1}. {inline(question)}")
        notes = [n for n in heard if n.focus_question == index]
        out += _notes_by_kind(notes, data.kinds) or ["", _("No notes under this question.")]
        out.append("")
    general = [
        n for n in heard if n.focus_question is None or not 0 <= n.focus_question < len(questions)
    ]
    if general:
        out.append(f"### {_('Other notes')}" if questions else f"### {_('Notes')}")
        out += _notes_by_kind(general, data.kinds)
        out.append("")
    if not data.notes:
        out += [_("No notes were recorded in the room."), ""]
    return out


def _votes(data: SessionData, part: str) -> list[str]:
    """The dot-votes held in the steps whose notes go in this part of the write-up."""
    out: list[str] = []
    for vote in (v for v in data.votes if v.part == part):
        # Two counts, each with its own plural, then one sentence a translator can reorder.
        each = ngettext("%(dots)s dot each", "%(dots)s dots each", vote.dots) % {"dots": vote.dots}
        voted = ngettext("%(n)s person voted", "%(n)s people voted", vote.ballots) % {
            "n": vote.ballots
        }
        summary = pgettext(
            "dot-vote summary: dots each person had, then how many voted",
            "%(dots_each)s, %(voted)s.",
        ) % {"dots_each": each, "voted": voted}
        out += [f"**{_('Dot-vote.')}** {summary}", ""]
        for text, dots in vote.results:
            count = ngettext("%(n)s dot", "%(n)s dots", dots) % {"n": dots}
            out.append(f"- {inline(text)} — **{count}**")
        out.append("")
    return out


def _actions(data: SessionData, heading: str) -> list[str]:
    out = [f"## {heading}", ""]
    out += _actions_table(data.actions) if data.actions else [_("No actions were agreed.")]
    out.append("")
    return out


def _pairs(data: SessionData, heading: str) -> list[str]:
    if not data.pairs:
        return []
    out = [f"## {heading}", ""]
    for pair in data.pairs:
        topic = f": {inline(pair.topic)}" if pair.topic else ""
        out.append(f"- {inline(pair.home_peer)} ↔ {inline(pair.visiting_peer)}{topic}")
    out.append("")
    return out


def followup_line(data: SessionData) -> str:
    """When the follow-up check-in is, in words."""
    if data.followup_on is not None:
        if data.followup_at_next_meeting:
            return _("At the community's next meeting, on %(date)s.") % {
                "date": data.followup_on.isoformat()
            }
        return _("On %(date)s.") % {"date": data.followup_on.isoformat()}
    if data.followup_at_next_meeting:
        return _("At the community's next meeting (not scheduled yet).")
    return _("No follow-up date has been set yet.")


def draft_mini(data: SessionData) -> str:
    """The Mini Peer Assist's write-up, one section per step of its guide."""
    out = _header(data)
    out += _who_took_part(data)
    out += [f"## {_('What the home peers know')}", ""]
    out += _brief(data) or [_("The home peer's challenge was not written down."), ""]
    heard = [n for n in data.notes if not n.part]
    out += [f"## {_('What the visiting peers know')}", ""]
    out += _by_question(data, heard)
    out += _votes(data, "")
    together = [n for n in data.notes if n.part == "together"]
    out += [f"## {_('What we all now know together')}", ""]
    lines = _notes_by_kind(together, data.kinds)[1:]
    if lines:
        out += [*lines, ""]
    if data.shared_knowledge.strip():
        out += [paragraphs(data.shared_knowledge), ""]
    out += _votes(data, "together")
    if not lines and not data.shared_knowledge.strip() and not _votes(data, "together"):
        out += [_("To be completed by the home team."), ""]
    out += [f"## {_('Home peer response')}", ""]
    out += [
        f"**{_('What did you learn that might help you with your challenge?')}** "
        f"{inline(data.learned) or '—'}",
        "",
        f"**{_('What might you do differently based on what you heard?')}** "
        f"{inline(data.do_differently) or '—'}",
        "",
    ]
    response = [n for n in data.notes if n.part == "response"]
    if response:
        out += [*_notes_by_kind(response, data.kinds)[1:], ""]
    out += _votes(data, "response")
    if data.actions:
        out += _actions(data, _("Actions"))
    out += _pairs(data, _("Connect after the session"))
    out += [f"## {_('After the event: follow-up')}", ""]
    out += [f"**{_('Follow-up check-in.')}** {followup_line(data)}", ""]
    out += [
        _(
            "The facilitator asks the home peer whether they had follow-up conversations "
            "with the visiting peers, and what they did differently as a result."
        ),
        "",
    ]
    return "\n".join(out).rstrip() + "\n"


def draft_markdown(data: SessionData) -> str:
    """The write-up's first draft, in Markdown (CommonMark with tables)."""
    if data.format_kind == "mini":
        return draft_mini(data)
    out = _header(data)
    out += [f"## {_('Purpose and context')}", ""]
    out += _brief(data)
    four_part = data.format_kind == "four_part"

    out += _who_took_part(data)

    heard = [n for n in data.notes if not n.part]
    out += [f"## {_('What the peers shared') if four_part else _('What we heard')}", ""]
    out += _by_question(data, heard)
    out += _votes(data, "")

    if four_part:
        analysis = [n for n in data.notes if n.part == "analysis"]
        out += [f"## {_('The receivers’ analysis')}", ""]
        votes = _votes(data, "analysis")
        lines = _notes_by_kind(analysis, data.kinds)[1:]
        out += lines or ([] if votes else [_("To be completed by the home team.")])
        out.append("")
        out += votes
        if data.shared_knowledge.strip():
            out += [paragraphs(data.shared_knowledge), ""]
    else:
        out += [f"## {_('What we all now know together')}", ""]
        out += [paragraphs(data.shared_knowledge) or _("To be completed by the home team."), ""]

    out += [f"## {_('Our response')}", ""]
    out += [f"**{_('What we learned.')}** {inline(data.learned) or '—'}", ""]
    out += [f"**{_('What we will do differently.')}** {inline(data.do_differently) or '—'}", ""]

    out += _actions(data, _("Agreed actions") if four_part else _("Actions"))
    out += _pairs(data, _("Connect afterwards"))
    return "\n".join(out).rstrip() + "\n"
