import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerassist.people.csv_import import (
    OPTIONAL_COLUMNS,
    FieldChange,
    people_import_csv,
    people_import_preview,
    validate,
)
from peerassist.people.models import ExpertiseTag, Person, Unit

pytestmark = pytest.mark.django_db

HEADER = "email,name,unit,job_title,level,languages,time_zone,expertise,bio,external\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


GOOD = csv_bytes(
    "dana@meridian.test,Dana Okafor,Operations,Engineer,senior,en;fr,Europe/Paris,"
    "leak detection;asset data,,no",
    "eli@meridian.test,Eli Tanaka,Operations / Field Services,Planner,entry,ja,Asia/Tokyo,"
    "field scheduling,,",
)


def test_one_bad_row_is_reported_by_line_and_column_and_nothing_is_imported(org, directory):
    before = Person.objects.count()
    data = csv_bytes(
        "dana@meridian.test,Dana Okafor,Operations,Engineer,senior,en,UTC,,,no",
        "eli@meridian.test,Eli Tanaka,Operations,Planner,boss,en,UTC,,,no",
        "fay@meridian.test,Fay Berg,Operations,Planner,entry,en,UTC,,,no",
    )

    report = people_import_csv(organisation=org, data=data)

    assert not report.ok
    assert [(e.line, e.column) for e in report.errors] == [(3, "level")]
    assert "'boss' is not one of" in report.errors[0].message
    assert str(report.errors[0]).startswith("line 3, column 'level'")
    assert Person.objects.count() == before
    assert not Person.objects.filter(email="dana@meridian.test").exists()


def test_every_problem_is_listed_not_just_the_first(org, directory):
    data = csv_bytes(
        "not-an-email,Dana,Operations,,senior,en,UTC,,,no",
        "eli@meridian.test,,Nowhere,,entry,xx,Mars/Base,,,maybe",
    )
    report = people_import_csv(organisation=org, data=data)
    assert {(e.line, e.column) for e in report.errors} == {
        (2, "email"),
        (3, "name"),
        (3, "unit"),
        (3, "languages"),
        (3, "time_zone"),
        (3, "external"),
    }


def test_good_file_creates_people_with_units_languages_and_expertise(org, directory):
    report = people_import_csv(organisation=org, data=GOOD)

    assert report.ok and (report.created, report.updated) == (2, 0)
    dana = Person.objects.get(organisation=org, email="dana@meridian.test")
    assert dana.unit == directory["units"]["ops"]
    assert dana.level == "senior"
    assert sorted(dana.languages.values_list("code", flat=True)) == ["en", "fr"]
    assert sorted(dana.expertise.values_list("name", flat=True)) == ["asset data", "leak detection"]
    eli = Person.objects.get(organisation=org, email="eli@meridian.test")
    assert eli.unit == directory["units"]["field"]
    assert eli.time_zone == "Asia/Tokyo"


def test_reimport_updates_people_by_email_case_insensitively(org, directory):
    people_import_csv(organisation=org, data=GOOD)
    changed = csv_bytes(
        "DANA@Meridian.test,Dana Okafor-Smith,Finance,Head of buying,manager,es,UTC,"
        "procurement,,yes"
    )

    report = people_import_csv(organisation=org, data=changed)

    assert (report.created, report.updated) == (0, 1)
    dana = Person.objects.get(organisation=org, email="dana@meridian.test")
    assert dana.name == "Dana Okafor-Smith"
    assert dana.unit == directory["units"]["finance"]
    assert dana.is_external is True
    assert list(dana.languages.values_list("code", flat=True)) == ["es"]
    assert list(dana.expertise.values_list("name", flat=True)) == ["procurement"]
    assert Person.objects.filter(organisation=org, email__iexact="dana@meridian.test").count() == 1


def test_reimporting_the_same_file_changes_nothing(org, directory):
    people_import_csv(organisation=org, data=GOOD)
    stamp = Person.objects.get(email="dana@meridian.test").updated_at
    report = people_import_csv(organisation=org, data=GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Person.objects.get(email="dana@meridian.test").updated_at == stamp


def test_changing_only_expertise_counts_as_an_update(org, directory):
    people_import_csv(organisation=org, data=GOOD)
    changed = GOOD.replace(b"field scheduling", b"route planning")
    report = people_import_csv(organisation=org, data=changed)
    assert (report.updated, report.unchanged) == (1, 1)
    eli = Person.objects.get(email="eli@meridian.test")
    assert list(eli.expertise.values_list("name", flat=True)) == ["route planning"]


def test_large_file_is_written_in_batches_with_progress(org):
    rows = [f"p{i}@x.test,Person {i},,,,en,,topic {i % 7},," for i in range(1203)]
    seen = []
    report = people_import_csv(
        organisation=org, data=csv_bytes(*rows), progress=lambda done, total: seen.append(done)
    )
    assert report.ok and report.created == 1203
    assert seen == [500, 1000, 1203]
    assert Person.objects.filter(organisation=org, languages__code="en").count() == 1203
    assert ExpertiseTag.objects.filter(organisation=org).count() == 7


def test_import_never_touches_another_organisation(org, other_org, directory):
    data = csv_bytes("ana@other.test,Hijacked,,,entry,,UTC,,,")
    report = people_import_csv(organisation=org, data=data)
    assert report.ok and report.created == 1
    assert Person.objects.get(organisation=other_org, email="ana@other.test").name == "Ana Stranger"


def test_same_email_twice_in_a_file_names_both_lines(org):
    data = csv_bytes("a@x.test,A,,,,,,,,", "b@x.test,B,,,,,,,,", "A@x.test,A again,,,,,,,,")
    report = people_import_csv(organisation=org, data=data)
    assert [(e.line, e.column) for e in report.errors] == [(4, "email")]
    assert "already on line 2" in report.errors[0].message


def test_unknown_and_missing_columns_are_reported_on_line_one(org):
    data = csv_bytes("x,y", header="name,salary\n")
    report = people_import_csv(organisation=org, data=data)
    assert {(e.line, e.column) for e in report.errors} == {(1, "salary"), (1, "email")}


def test_missing_units_are_created_only_when_asked(org, directory):
    data = csv_bytes("gus@meridian.test,Gus,Operations / Night Shift,,,,,,,")
    refused = people_import_csv(organisation=org, data=data)
    assert [(e.line, e.column) for e in refused.errors] == [(2, "unit")]

    report = people_import_csv(organisation=org, data=data, create_units=True)
    assert report.ok and report.units_created == 1
    night = Unit.objects.get(organisation=org, name="Night Shift")
    assert night.parent == directory["units"]["ops"]


def test_ambiguous_unit_name_asks_for_the_full_path(org, directory):
    Unit.objects.create(organisation=org, name="Field Services")  # a second one, at the top
    data = csv_bytes("gus@meridian.test,Gus,Field Services,,,,,,,")
    report = people_import_csv(organisation=org, data=data)
    assert "full path" in report.errors[0].message


def test_non_utf8_file_gets_a_clear_message(org):
    data = (HEADER + "a@x.test,Zoë,,,,,,,,\n").encode("latin-1")
    report = people_import_csv(organisation=org, data=data)
    assert report.errors[0].line == 2
    assert "not UTF-8" in report.errors[0].message


def test_semicolon_separated_excel_export_is_understood(org):
    data = "email;name;languages\nh@x.test;Hélène;fr|en\n".encode("utf-8-sig")
    report = people_import_csv(organisation=org, data=data)
    assert report.ok, report.errors
    person = Person.objects.get(organisation=org, email="h@x.test")
    assert sorted(person.languages.values_list("code", flat=True)) == ["en", "fr"]


def test_existing_expertise_tags_are_reused_whatever_their_case(org):
    ExpertiseTag.objects.create(organisation=org, name="Leak Detection")
    people_import_csv(organisation=org, data=csv_bytes("a@x.test,A,,,,,,leak detection,,"))
    assert ExpertiseTag.objects.filter(organisation=org).count() == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(garbage=st.binary(max_size=400))
def test_any_bytes_give_a_report_never_a_crash_or_a_partial_write(org, garbage):
    before = Person.objects.count()
    report = people_import_csv(organisation=org, data=csv_bytes("ok@x.test,Ok,,,,,,,,") + garbage)
    if not report.ok:
        assert Person.objects.count() == before
        assert all(e.line >= 1 and e.message for e in report.errors)


def test_validation_alone_writes_nothing(org):
    rows, errors = validate(organisation=org, data=GOOD, create_units=True)
    assert len(rows) == 2 and not errors
    assert not Person.objects.exists() and not Unit.objects.exists()


class TestCommand:
    def test_bad_file_exits_with_error_naming_line_and_column(
        self, org, directory, tmp_path, capsys
    ):
        path = tmp_path / "people.csv"
        path.write_bytes(csv_bytes("eli@meridian.test,Eli,Operations,,boss,,,,,"))
        with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
            call_command("import_people", str(path), org=org.slug)
        assert "people.csv:line 2, column 'level'" in capsys.readouterr().err
        assert not Person.objects.filter(email="eli@meridian.test").exists()

    def test_good_file_reports_counts(self, org, directory, tmp_path, capsys):
        path = tmp_path / "people.csv"
        path.write_bytes(GOOD)
        call_command("import_people", str(path), org=org.slug)
        out = capsys.readouterr().out
        assert "Imported 2 people into Meridian Test: 2 new, 0 updated, 0 unchanged." in out
        assert "2/2 people written" in out

    def test_dry_run_lists_each_change_and_writes_nothing(self, org, directory, tmp_path, capsys):
        path = tmp_path / "people.csv"
        path.write_bytes(
            csv_bytes("ana@meridian.test,Ana Ruiz,,Lead", header="email,name,unit,job_title\n")
        )
        call_command("import_people", str(path), org=org.slug, dry_run=True)
        out = capsys.readouterr().out
        assert "0 new, 1 changed, 0 unchanged" in out
        assert "unit: Operations / Field Services → (cleared)" in out
        assert "job_title: Field coordinator → Lead" in out
        assert "Nothing was written" in out
        assert Person.objects.get(email="ana@meridian.test").job_title == "Field coordinator"

    def test_unknown_organisation_lists_the_known_ones(self, org, tmp_path):
        path = tmp_path / "people.csv"
        path.write_bytes(GOOD)
        with pytest.raises(CommandError, match="Known: meridian-test"):
            call_command("import_people", str(path), org="nope")

    def test_missing_file_is_a_clear_error(self, org, tmp_path):
        with pytest.raises(CommandError, match="no such file"):
            call_command("import_people", str(tmp_path / "missing.csv"))


class TestUploadForm:
    def test_bad_row_shows_the_report_and_imports_nothing(self, organiser, directory):
        before = Person.objects.count()
        upload = _upload(csv_bytes("eli@meridian.test,Eli,Operations,,boss,,,,,"))
        response = organiser.client().post(reverse("people:import"), {"file": upload})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Nothing was imported: 1 problem to fix" in body
        assert "<td>2</td><td>level</td>" in body.replace("\n", "")
        assert Person.objects.count() == before

    def test_good_file_is_previewed_then_imported_on_confirmation(self, organiser, directory):
        client = organiser.client()
        response = client.post(reverse("people:import"), {"file": _upload(GOOD)})
        assert response.status_code == 200
        assert "2 new, 0 changed, 0 unchanged" in response.content.decode()
        assert not Person.objects.filter(email="dana@meridian.test").exists()

        confirm = response.context["confirm"]
        response = client.post(
            reverse("people:import"),
            {"token": confirm["token"].value(), "fingerprint": confirm["fingerprint"].value()},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("people:directory")
        assert Person.objects.filter(organisation=organiser.organisation).count() == 5 + 1

    def test_preview_lists_every_change_old_to_new_and_the_columns_left_alone(
        self, organiser, directory
    ):
        data = csv_bytes(
            "ana@meridian.test,Ana Ruiz,,Field lead", header="email,name,unit,job_title\n"
        )
        response = organiser.client().post(reverse("people:import"), {"file": _upload(data)})
        body = " ".join(response.content.decode().split())
        assert response.status_code == 200
        assert "0 new, 1 changed, 0 unchanged" in body
        assert (
            "<td>unit</td><td>Operations / Field Services</td><td><strong>(cleared)</strong>"
            in (body.replace("> <", "><"))
        )
        assert "<td>job_title</td><td>Field coordinator</td><td>Field lead</td>" in (
            body.replace("> <", "><")
        )
        assert "left as they are: level, languages, time_zone, expertise, bio, external" in body
        ana = Person.objects.get(email="ana@meridian.test")
        assert ana.job_title == "Field coordinator" and ana.unit is not None

    def test_a_confirmation_that_no_longer_matches_the_directory_writes_nothing(
        self, organiser, directory
    ):
        client = organiser.client()
        data = csv_bytes("ana@meridian.test,Ana Ruiz,Lead", header="email,name,job_title\n")
        confirm = client.post(reverse("people:import"), {"file": _upload(data)}).context["confirm"]
        Person.objects.filter(email="ana@meridian.test").update(job_title="Changed meanwhile")
        response = client.post(
            reverse("people:import"),
            {"token": confirm["token"].value(), "fingerprint": confirm["fingerprint"].value()},
        )
        assert response.status_code == 200
        assert "The directory changed since the file was checked" in response.content.decode()
        assert Person.objects.get(email="ana@meridian.test").job_title == "Changed meanwhile"

    def test_an_unknown_or_someone_elses_token_is_refused(self, organiser, admin, directory):
        confirm = (
            organiser.client()
            .post(reverse("people:import"), {"file": _upload(GOOD)})
            .context["confirm"]
        )
        for client, token in ((organiser.client(), "nope"), (admin.client(), None)):
            response = client.post(
                reverse("people:import"),
                {
                    "token": token or confirm["token"].value(),
                    "fingerprint": confirm["fingerprint"].value(),
                },
            )
            assert response.status_code == 400
            assert "no longer kept" in response.content.decode()
        assert not Person.objects.filter(email="dana@meridian.test").exists()

    @pytest.mark.parametrize(
        ("persona", "status"),
        # A guest's link opens only their assist: for them the rest does not exist.
        [("member", 403), ("guest", 404), ("outsider", 403)],
    )
    def test_only_organisers_and_admins_may_import(self, persona, status, request, directory):
        client = request.getfixturevalue(persona).client()
        assert client.get(reverse("people:import")).status_code == status
        response = client.post(reverse("people:import"), {"file": _upload(GOOD)})
        assert response.status_code == status
        response = client.post(reverse("people:import"), {"token": "x", "fingerprint": "y"})
        assert response.status_code == status
        assert not Person.objects.filter(email="dana@meridian.test").exists()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("people.csv", data, content_type="text/csv")


def test_doubled_quotes_inside_a_quoted_value_are_one_quote(org):
    data = csv_bytes('q@x.test,Quinn,,,,,,,"He said ""hello"", ok",no', header=HEADER)
    report = people_import_csv(organisation=org, data=data)
    assert report.ok, report.errors
    assert Person.objects.get(organisation=org, email="q@x.test").bio == 'He said "hello", ok'


def test_doubled_quotes_work_in_a_semicolon_file_too(org):
    data = b'email;name;bio\nq@x.test;Quinn;"a ""b""; c"\n'
    report = people_import_csv(organisation=org, data=data)
    assert report.ok, report.errors
    assert Person.objects.get(organisation=org, email="q@x.test").bio == 'a "b"; c'


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_with_line_and_column(org, char):
    data = csv_bytes("a@x.test,Ann,,,,,,,fine,no", f"b@x.test,B{char}ob,,,,,,,,no")
    report = people_import_csv(organisation=org, data=data)
    assert not report.ok
    [error] = report.errors
    assert (error.line, error.column) == (3, "name")
    assert "character 2 is a control character" in error.message
    assert not Person.objects.filter(organisation=org).exists()


def test_a_control_character_in_a_multiline_value_names_its_own_line(org):
    data = csv_bytes('a@x.test,Ann,,,,,,,"first\nsec\x00ond",no')
    report = people_import_csv(organisation=org, data=data)
    [error] = report.errors
    assert (error.line, error.column) == (3, "bio")
    assert "character 4" in error.message


def test_tabs_and_line_breaks_in_quoted_values_are_kept(org):
    data = csv_bytes('a@x.test,Ann,,,,,,,"one\ttwo\r\nthree",no')
    report = people_import_csv(organisation=org, data=data)
    assert report.ok, report.errors


# --- Nothing is erased by omission -------------------------------------------------------

FULL_DANA = (
    "dana@meridian.test,Dana Okafor,Operations,Engineer,senior,en;fr,Europe/Paris,"
    "leak detection;asset data,Twenty years of pipes,yes"
)


def _snapshot(email: str) -> dict[str, object]:
    person = Person.objects.get(email=email)
    return {
        "name": person.name,
        "unit": person.unit_id,
        "job_title": person.job_title,
        "level": person.level,
        "languages": sorted(person.languages.values_list("code", flat=True)),
        "time_zone": person.time_zone,
        "expertise": sorted(person.expertise.values_list("name", flat=True)),
        "bio": person.bio,
        "external": person.is_external,
    }


@pytest.mark.parametrize("missing", OPTIONAL_COLUMNS)
def test_reimport_without_a_column_leaves_that_column_unchanged(org, directory, missing):
    people_import_csv(organisation=org, data=csv_bytes(FULL_DANA))
    before = _snapshot("dana@meridian.test")
    columns = [c for c in HEADER.strip().split(",") if c != missing]
    values = dict(zip(HEADER.strip().split(","), FULL_DANA.split(","), strict=True))
    values["name"] = "Dana Okafor-Smith"  # something else changes, so the row is written
    data = csv_bytes(",".join(values[c] for c in columns), header=",".join(columns) + "\n")

    preview = people_import_preview(organisation=org, data=data)
    report = people_import_csv(organisation=org, data=data)

    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert preview.absent_columns == (missing,)
    assert [c.column for c in preview.changed[0].changes] == ["name"]
    after = _snapshot("dana@meridian.test")
    assert after == before | {"name": "Dana Okafor-Smith"}


def test_the_issue_case_email_name_languages_keeps_unit_job_and_expertise(org, directory):
    people_import_csv(organisation=org, data=csv_bytes(FULL_DANA))
    data = csv_bytes('dana@meridian.test,Dana Okafor,"en;es"', header="email,name,languages\n")

    preview = people_import_preview(organisation=org, data=data)
    report = people_import_csv(organisation=org, data=data)

    assert [(c.column, c.old, c.new) for c in preview.changed[0].changes] == [
        ("languages", "en, fr", "en, es")
    ]
    assert (report.updated, report.unchanged) == (1, 0)
    dana = _snapshot("dana@meridian.test")
    assert dana["unit"] == directory["units"]["ops"].pk
    assert dana["job_title"] == "Engineer"
    assert dana["expertise"] == ["asset data", "leak detection"]
    assert dana["languages"] == ["en", "es"]


def test_a_file_with_only_the_required_columns_changes_nothing_already_stored(org, directory):
    people_import_csv(organisation=org, data=csv_bytes(FULL_DANA))
    before = _snapshot("dana@meridian.test")
    data = csv_bytes("dana@meridian.test,Dana Okafor", header="email,name\n")
    report = people_import_csv(organisation=org, data=data)
    assert (report.updated, report.unchanged) == (0, 1)
    assert _snapshot("dana@meridian.test") == before


def test_an_explicit_empty_cell_clears_and_the_preview_says_so(org, directory):
    people_import_csv(organisation=org, data=csv_bytes(FULL_DANA))
    data = csv_bytes("dana@meridian.test,Dana Okafor,,,", header="email,name,unit,expertise,bio\n")

    preview = people_import_preview(organisation=org, data=data)
    assert preview.changed[0].changes == (
        FieldChange("unit", "Operations", ""),
        FieldChange("expertise", "asset data; leak detection", ""),
        FieldChange("bio", "Twenty years of pipes", ""),
    )
    people_import_csv(organisation=org, data=data)
    dana = _snapshot("dana@meridian.test")
    assert (dana["unit"], dana["expertise"], dana["bio"]) == (None, [], "")
    assert dana["job_title"] == "Engineer" and dana["languages"] == ["en", "fr"]


def test_new_people_get_defaults_for_absent_columns(org, directory):
    data = csv_bytes("new@meridian.test,New Person", header="email,name\n")
    preview = people_import_preview(organisation=org, data=data)
    assert [p.email for p in preview.new] == ["new@meridian.test"]
    people_import_csv(organisation=org, data=data)
    person = Person.objects.get(email="new@meridian.test")
    assert (person.level, person.time_zone, person.unit) == ("professional", "UTC", None)


def test_preview_writes_nothing_and_names_units_to_be_created(org, directory):
    data = csv_bytes("ana@meridian.test,Ana Ruiz,Operations / Depots", header="email,name,unit\n")
    preview = people_import_preview(organisation=org, data=data, create_units=True)
    assert preview.new_units == ["Operations / Depots"]
    assert preview.changed[0].changes == (
        FieldChange("unit", "Operations / Field Services", "Operations / Depots"),
    )
    assert not Unit.objects.filter(name="Depots").exists()
    assert Person.objects.get(email="ana@meridian.test").unit == directory["units"]["field"]


def test_preview_of_the_same_file_twice_has_the_same_fingerprint(org, directory):
    a = people_import_preview(organisation=org, data=GOOD)
    b = people_import_preview(organisation=org, data=GOOD)
    assert a.fingerprint == b.fingerprint
    people_import_csv(organisation=org, data=GOOD)
    assert people_import_preview(organisation=org, data=GOOD).fingerprint != a.fingerprint
