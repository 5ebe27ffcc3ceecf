"""The method's rules after the session and the draft, without the database."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from peerassist.core import access
from peerassist.writeups import drafting, rules
from peerassist.writeups.markdown import render_markdown

KINDS = [("lesson", "Lesson learned"), ("practice", "Practice"), ("action_idea", "Action idea")]


def session(**overrides) -> drafting.SessionData:
    data = dict(
        title="Finding leaks with acoustic loggers",
        organisation="Meridian Water",
        format_name="Mini Peer Assist",
        held_on=date(2026, 11, 14),
        business_context="Network Maintenance pilots acoustic loggers.",
        challenge="Avoid the mistakes others made.",
        focus_questions=["Where do loggers go?", "What did you underestimate?"],
        roles=[("home_peer", "Home peer"), ("visiting_peer", "Visiting peer")],
        participants=[
            drafting.ParticipantData("home_peer", "Home peer", "Hana Home", "Network Maintenance"),
            drafting.ParticipantData("visiting_peer", "Visiting peer", "Victor Peer", "Field"),
        ],
        kinds=KINDS,
        notes=[
            drafting.NoteData("practice", "Practice", "Map hydrants first", False, 0, "Vera"),
            drafting.NoteData("lesson", "Lesson learned", "Plastic pipes hear less", True, 0, "V"),
            drafting.NoteData("lesson", "Lesson learned", "Night correlation works", False, 0),
            drafting.NoteData("lesson", "Lesson learned", "Customer-side leaks", True, 1),
            drafting.NoteData("action_idea", "Action idea", "Call the 2023 team", False, None),
        ],
        learned="Placement matters more than the number of loggers.",
        do_differently="Start on metal mains.",
        shared_knowledge="Nobody has good data on plastic mains.",
        actions=[
            drafting.ActionData("Get the placement sheet", "Hana Home", date(2026, 12, 1), "Open"),
            drafting.ActionData("Pipe | material map", "", None, "Done"),
        ],
    )
    data.update(overrides)
    return drafting.SessionData(**data)


# --- Who may do what ---------------------------------------------------------------------


def test_note_taker_edits_the_conclusion_but_does_not_publish():
    assert access.may_edit_conclusion({"note_taker"}, is_manager=False)
    assert not access.may_publish({"note_taker"}, is_manager=False)


def test_visiting_peer_and_observer_only_give_feedback():
    for role in ("visiting_peer", "observer"):
        assert not access.may_edit_conclusion({role}, is_manager=False)
        assert not access.may_conclude({role}, is_manager=False)
        assert access.may_give_feedback({role})
    assert not access.may_give_feedback(set())


def test_only_the_facilitator_or_an_organiser_concludes():
    assert access.may_conclude({"facilitator"}, is_manager=False)
    assert not access.may_conclude({"home_peer"}, is_manager=False)
    assert access.may_conclude(set(), is_manager=True)


def test_home_team_answers_the_followup():
    assert access.may_answer_followup({"home_peer"}, is_manager=False)
    assert not access.may_answer_followup({"facilitator"}, is_manager=False)


def test_conclusion_opens_with_the_live_session():
    assert rules.conclusion_open("invited")[0].code == "conclusion_not_open"
    assert rules.conclusion_open("live") == []
    assert rules.writeup_open("live")[0].code == "writeup_not_open"
    assert rules.writeup_open("concluded") == []


# --- The gauge ---------------------------------------------------------------------------


def test_gauge_counts_words_and_table_rows_by_the_line():
    assert rules.markdown_words("one two three") == 3
    table = "| a | b |\n| --- | --- |\n| x | y |\n"
    assert rules.markdown_words(table) == 2 * rules.WORDS_PER_LINE
    assert rules.writeup_pages("word " * 500) == 1.0


def test_write_up_past_two_pages_gets_a_warning():
    assert rules.writeup_length("word " * 1000) == []
    [finding] = rules.writeup_length("word " * 1001)
    assert finding.code == "writeup_too_long"
    assert finding.level == "warning"
    assert "3 pages" in finding.message


def test_many_actions_count_as_lines_towards_the_pages():
    rows = "\n".join(f"| a{i} | b | c | d |" for i in range(90))
    assert rules.writeup_pages("| h |\n| --- |\n" + rows) > 2
    assert rules.writeup_length("| h |\n| --- |\n" + rows)


# --- Follow-up and feedback ----------------------------------------------------------------


def test_followup_at_the_next_meeting_needs_a_planned_meeting():
    [finding] = rules.followup_choice(
        on=None, at_next_meeting=True, meeting_date=None, session_date=date(2026, 1, 1)
    )
    assert finding.code == "no_next_meeting"
    assert "no community meeting planned; choose a date" in finding.message
    assert not rules.followup_choice(
        on=None, at_next_meeting=True, meeting_date=date(2026, 2, 1), session_date=None
    )


def test_followup_date_comes_after_the_session():
    [finding] = rules.followup_choice(
        on=date(2026, 1, 1), at_next_meeting=False, meeting_date=None, session_date=date(2026, 1, 1)
    )
    assert finding.code == "followup_before_session"
    assert not rules.followup_choice(
        on=date(2026, 1, 2), at_next_meeting=False, meeting_date=None, session_date=date(2026, 1, 1)
    )


def test_usefulness_is_one_to_five():
    assert rules.usefulness(0) and rules.usefulness(6)
    assert not rules.usefulness(1) and not rules.usefulness(5)


def test_overdue_means_past_due_and_still_open():
    today = date(2026, 5, 10)
    assert rules.is_overdue(due_on=date(2026, 5, 9), status="open", today=today)
    assert rules.is_overdue(due_on=date(2026, 5, 9), status="in_progress", today=today)
    assert not rules.is_overdue(due_on=date(2026, 5, 9), status="done", today=today)
    assert not rules.is_overdue(due_on=date(2026, 5, 10), status="open", today=today)
    assert not rules.is_overdue(due_on=None, status="open", today=today)


# --- The draft ---------------------------------------------------------------------------


def test_draft_has_the_method_sections_in_order():
    text = drafting.draft_markdown(session())
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Finding leaks with acoustic loggers",
        "## Purpose and context",
        "## Who took part",
        "## What we heard",
        "### 1. Where do loggers go?",
        "### 2. What did you underestimate?",
        "### Other notes",
        "## What we all now know together",
        "## Our response",
        "## Actions",
    ]
    assert "- **Home peer:** Hana Home (Network Maintenance)" in text
    assert "Nobody has good data on plastic mains." in text


def test_draft_lists_starred_notes_first_within_a_kind_and_kinds_in_order():
    text = drafting.draft_markdown(session())
    q1 = text.split("### 1.")[1].split("### 2.")[0]
    assert q1.index("**Lesson learned**") < q1.index("**Practice**")
    assert q1.index("★ Plastic pipes hear less") < q1.index("Night correlation works")


def test_draft_escapes_table_cells_and_list_markers():
    data = session(
        notes=[drafting.NoteData("lesson", "Lesson learned", "1. not a list", True, 0)],
        actions=[drafting.ActionData("Pipe | material map", "", None, "Done")],
    )
    text = drafting.draft_markdown(data)
    assert "| Pipe \\| material map | — | — | Done |" in text
    assert "- ★ 1\\. not a list" in text


def test_draft_round_trips_through_markdown_it():
    text = drafting.draft_markdown(session())
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    kinds = [t.type for t in tokens]
    assert kinds.count("table_open") == 1
    assert sum(1 for t in tokens if t.type == "tr_open") == 3  # header + two actions
    html = str(render_markdown(text))
    assert "<h1>Finding leaks with acoustic loggers</h1>" in html
    assert "<h2>Actions</h2>" in html
    assert "<th>Action</th>" in html
    assert "<td>Get the placement sheet</td>" in html


printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60
).filter(lambda s: s.strip())


@given(titles=st.lists(printable, min_size=1, max_size=6), note_text=printable)
def test_every_action_is_one_table_row_whatever_its_text(titles, note_text):
    data = session(
        actions=[drafting.ActionData(t, "Owner", None, "Open") for t in titles],
        notes=[drafting.NoteData("lesson", "Lesson learned", note_text, True, 0)],
    )
    tokens = MarkdownIt("commonmark").enable("table").parse(drafting.draft_markdown(data))
    rows = sum(1 for t in tokens if t.type == "tr_open")
    assert rows == len(titles) + 1
    headings = [t.tag for t in tokens if t.type == "heading_open"]
    assert headings.count("h1") == 1
