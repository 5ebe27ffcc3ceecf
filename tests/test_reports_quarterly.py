"""The quarterly report: exactly the quarter's assists in scope, never one the reader may
not see; its figures; the page, the API and the command line."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from peerassist.assists.models import Status, Visibility
from peerassist.communities.models import Community, Meeting, Topic
from peerassist.reports import quarterly as reports
from peerassist.writeups.models import ActionStatus
from tests.factories import PersonFactory, UnitFactory
from tests.reports_support import make_actions, make_assist, make_followup, make_writeup

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 15)
Q3 = reports.Quarter(2026, 3)


def at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


# --- Quarters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026Q3", (2026, 3)), ("2026-q1", (2026, 1)), (" 2025 Q4 ", (2025, 4))],
)
def test_a_quarter_is_read_in_its_usual_spellings(text, expected):
    quarter = reports.parse_quarter(text)
    assert (quarter.year, quarter.number) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026Q5", "'2026Q5' is not a quarter"),
        ("Q3", "'Q3' is not a quarter"),
        ("", "'' is not a quarter"),
        ("1890Q1", "The year 1890 is out of range"),
    ],
)
def test_a_bad_quarter_is_refused_with_a_message_naming_it(text, message):
    with pytest.raises(ValidationError) as error:
        reports.parse_quarter(text)
    assert message in " ".join(error.value.messages)


def test_quarter_bounds_and_the_recent_quarters_menu():
    assert (Q3.first_day, Q3.last_day) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert reports.Quarter(2026, 4).last_day == dt.date(2026, 12, 31)
    menu = [str(q) for q in reports.recent_quarters(dt.date(2026, 2, 1), count=3)]
    assert menu == ["2026Q1", "2025Q4", "2025Q3"]


# --- What a report holds ---------------------------------------------------------------------


@pytest.fixture
def world(org, other_org, directory, member, organiser):
    """Assists around the quarter's edges, in two units and a sub-unit, one private."""
    units = directory["units"]
    people = directory["people"]
    ana, bo, chloe = people["ana"], people["bo"], people["chloe"]  # field (in ops), ops, finance

    def held(title, when, *, status=Status.WRITTEN_UP, home=(ana,), **kw):
        return make_assist(org, title=title, starts_at=when, status=status, home=home, **kw)

    assists = {
        "q2_last": held("June", at(2026, 6, 30, 23)),
        "q3_first": held("July", at(2026, 7, 1, 0), visiting=(chloe,)),
        "q3_finance": held("Finance August", at(2026, 8, 12), home=(chloe,), visiting=(bo,)),
        "q3_last": held("September", at(2026, 9, 30, 23), status=Status.CONCLUDED),
        "q4_first": held("October", at(2026, 10, 1, 0)),
        "q3_planned": held("Planned only", at(2026, 9, 1), status=Status.PLANNED),
        "q3_private": held(
            "Private in field services",
            at(2026, 8, 20),
            visibility=Visibility.PARTICIPANTS,
            home=(ana,),
            visiting=(chloe,),
        ),
        "other_org": make_assist(
            other_org, title="Elsewhere", starts_at=at(2026, 8, 1), home=(people["stranger"],)
        ),
    }
    make_writeup(assists["q3_first"])
    make_writeup(assists["q3_finance"], published=False)
    make_writeup(assists["q3_private"])
    return {"assists": assists, "units": units, "people": people}


def _titles(report):
    return [entry.assist.title for entry in report.entries]


def _report(persona, **scope):
    return reports.report_build(
        viewer=persona.viewer,
        quarter=Q3,
        scope=reports.scope_resolve(viewer=persona.viewer, **scope),
        today=TODAY,
    )


def test_the_report_holds_exactly_the_quarters_held_assists(world, organiser):
    assert _titles(_report(organiser)) == [
        "July",
        "Finance August",
        "Private in field services",
        "September",
    ]


def test_a_private_assist_is_left_out_for_a_member_who_may_not_see_it(world, member, organiser):
    for scope in ({}, {"unit_id": world["units"]["ops"].pk}):
        titles = _titles(_report(member, **scope))
        assert "Private in field services" not in titles
        assert "Private in field services" in _titles(_report(organiser, **scope))
    assert _report(member).figures.assists_held == 3


def test_a_unit_scope_includes_its_sub_units(world, organiser):
    ops = _titles(_report(organiser, unit_id=world["units"]["ops"].pk))
    assert ops == ["July", "Private in field services", "September"]  # Ana is in Field (in Ops)
    finance = _titles(_report(organiser, unit_id=world["units"]["finance"].pk))
    assert finance == ["Finance August"]


def test_a_community_scope_holds_its_meetings_and_topics_assists(world, org, organiser):
    community = Community.objects.create(organisation=org, name="Field operations")
    Meeting.objects.create(
        community=community,
        title="August meeting",
        starts_at=at(2026, 8, 12),
        mini_assist=world["assists"]["q3_finance"],
    )
    Topic.objects.create(
        organisation=org,
        title="Missed visits",
        source="round_robin",
        community=community,
        assist=world["assists"]["q3_first"],
    )
    assert _titles(_report(organiser, community_id=community.pk)) == ["July", "Finance August"]


def test_another_organisations_unit_or_community_is_refused(world, other_org, organiser):
    stranger_unit = UnitFactory(organisation=other_org, name="Theirs")
    with pytest.raises(ValidationError, match="There is no unit"):
        reports.scope_resolve(viewer=organiser.viewer, unit_id=stranger_unit.pk)
    with pytest.raises(ValidationError, match="not both"):
        reports.scope_resolve(viewer=organiser.viewer, unit_id=1, community_id=1)


def test_drafts_are_listed_as_not_yet_written_up(world, organiser):
    report = _report(organiser)
    assert [e.assist.title for e in report.written_up] == ["July", "Private in field services"]
    assert [e.assist.title for e in report.not_written_up] == ["Finance August", "September"]


def test_the_figures(world, organiser, org):
    july = world["assists"]["q3_first"]
    make_actions(
        july,
        [
            (ActionStatus.DONE, dt.date(2026, 8, 1)),
            (ActionStatus.OPEN, dt.date(2026, 9, 1)),  # overdue on 15 October
            (ActionStatus.IN_PROGRESS, dt.date(2026, 12, 1)),
            (ActionStatus.DROPPED, dt.date(2026, 8, 1)),
        ],
    )
    make_followup(july, due_on=dt.date(2026, 9, 1), answered=True)
    make_followup(world["assists"]["q3_finance"], due_on=dt.date(2026, 9, 15), answered=False)
    make_followup(world["assists"]["q3_last"], due_on=dt.date(2026, 11, 1), answered=False)
    extra = PersonFactory(organisation=org, name="No unit", unit=None)
    make_assist(org, title="Unitless", starts_at=at(2026, 9, 2), home=(extra,))

    figures = _report(organiser).figures
    assert figures.assists_held == 5
    assert figures.participants == 4  # Ana, Bo, Chloé and the person without a unit
    assert figures.units_involved == 3  # Field Services, Operations, Finance
    assert (figures.actions_total, figures.actions_done, figures.actions_overdue) == (3, 1, 1)
    assert (figures.followups_due, figures.followups_answered) == (2, 1)
    assert figures.followup_rate == 0.5
    assert dict(figures.as_list())["Follow-up rate"] == "50%"


def test_no_follow_up_due_reads_as_a_dash(organiser):
    figures = reports.report_figures(assist_ids=[], today=TODAY)
    assert figures.followup_rate is None and figures.followup_rate_label == "—"


# --- Files ------------------------------------------------------------------------------------


def test_the_pdf_has_the_figures_and_each_published_writeup(world, organiser):
    name, content_type, content = reports.report_file(_report(organiser), "pdf")
    assert (name, content_type) == ("peer-assist-report-2026q3.pdf", "application/pdf")
    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for expected in ["Peer Assist report 2026 Q3", "Assists held", "Follow-up rate", "July"]:
        assert expected in text
    assert "Not yet written up" in text
    assert "Private in field services" in text
    assert "Page 1 of" in text
    assert len(reader.pages) >= 3, "each write-up starts on its own page"


def test_the_docx_opens_with_the_figures_and_each_writeup(world, member):
    _name, _type, content = reports.report_file(_report(member), "docx")
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert "Peer Assist report 2026 Q3" in texts
    assert "July" in texts
    assert "Private in field services" not in " ".join(texts)
    figures = document.tables[0]
    assert figures.rows[1].cells[0].text == "Assists held"
    assert figures.rows[1].cells[1].text == "3"


def test_an_unknown_report_format_is_refused(organiser):
    report = reports.report_build(
        viewer=organiser.viewer, quarter=Q3, scope=reports.scope_resolve(viewer=organiser.viewer)
    )
    with pytest.raises(ValidationError, match="Unknown format 'md'"):
        reports.report_file(report, "md")


# --- Page, API, CLI ---------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_offers_downloads(world, member):
    response = member.client().get("/reports/", {"quarter": "2026Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Peer Assist report 2026 Q3" in html
    assert "July" in html and "Private in field services" not in html
    assert "/reports/report.pdf?quarter=2026Q3" in html


def test_the_page_names_a_bad_quarter(member):
    response = member.client().get("/reports/", {"quarter": "2026Q9"})
    assert response.status_code == 400
    assert "&#x27;2026Q9&#x27; is not a quarter" in response.content.decode()


def test_the_download_is_a_file_or_a_clear_400(world, member):
    response = member.client().get("/reports/report.docx", {"quarter": "2026Q3"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="peer-assist-report-2026q3.docx"'
    )
    bad = member.client().get("/reports/report.pdf", {"quarter": "3/2026"})
    assert bad.status_code == 400
    assert "'3/2026' is not a quarter" in bad.content.decode()


@pytest.mark.parametrize(("who", "expected"), [("guest", 404), ("outsider", 403)])
def test_reports_are_for_members(request, who, expected):
    client = request.getfixturevalue(who).client()
    assert client.get("/reports/").status_code == expected
    assert client.get("/reports/report.pdf", {"quarter": "2026Q3"}).status_code == expected


def test_the_api_gives_figures_as_json_and_files(world, member, organiser):
    response = member.client().get("/api/v1/reports/quarterly", {"quarter": "2026Q3"})
    assert response.status_code == 200
    body = response.json()
    assert body["figures"]["assists_held"] == 3
    assert [a["title"] for a in body["assists"]] == ["July", "Finance August", "September"]
    unit = world["units"]["finance"].pk
    scoped = organiser.client().get(
        "/api/v1/reports/quarterly", {"quarter": "2026Q3", "unit": unit}
    )
    assert [a["title"] for a in scoped.json()["assists"]] == ["Finance August"]

    pdf = member.client().get("/api/v1/reports/quarterly", {"quarter": "2026Q3", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    bad = member.client().get("/api/v1/reports/quarterly", {"quarter": "2026Q0"})
    assert bad.status_code == 422
    assert "'2026Q0' is not a quarter" in str(bad.json())


def test_the_api_refuses_guests(guest):
    response = guest.client().get("/api/v1/reports/quarterly", {"quarter": "2026Q3"})
    assert response.status_code == 403


def test_cli_writes_the_report_as_the_person_named(world, org, member, tmp_path):
    target = tmp_path / "q3.docx"
    out = io.StringIO()
    call_command(
        "report",
        "--quarter=2026Q3",
        "--format=docx",
        f"--organisation={org.slug}",
        f"--as={member.user.email}",
        f"--output={target}",
        stdout=out,
    )
    texts = " ".join(p.text for p in Document(str(target)).paragraphs)
    assert "July" in texts and "Private in field services" not in texts
    assert "3 assists, 1 written up" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter=2026Q7"], "'2026Q7' is not a quarter"),
        (["--quarter=2026Q3", "--organisation=nope"], "No organisation with the short name"),
        (["--quarter=2026Q3", "--organisation=meridian-test", "--unit=999999"], "no unit 999999"),
        (
            ["--quarter=2026Q3", "--organisation=meridian-test", "--as=nobody@example.org"],
            "nobody@example.org is not a member of 'meridian-test'",
        ),
        (["--quarter=2026Q3"], "several organisations; add --organisation"),
    ],
)
def test_cli_errors_name_the_problem(world, args, message, tmp_path):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("report", *args, f"--output={tmp_path / 'r.pdf'}")
