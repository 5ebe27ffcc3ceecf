"""The one way dates and times are shown (peerassist/core/when.py): the reader's zone, the zone
named where it matters, daylight saving, midnight, French and Spanish."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from peerassist.core.when import format_span, format_when

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MOMENT = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 09:30 in Paris, 03:30 in New York


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_moment_is_shown_on_the_readers_clock_in_the_house_style():
    assert format_when(MOMENT, zone=PARIS) == "Tue 1 Dec 2026, 09:30"
    assert format_when(MOMENT, zone=NEW_YORK) == "Tue 1 Dec 2026, 03:30"
    assert format_when(MOMENT, zone=PARIS, style="short") == "1 Dec 2026, 09:30"
    assert format_when(MOMENT, zone=PARIS, style="time") == "09:30"
    assert format_when(MOMENT, zone=PARIS, style="day") == "Tue 1 Dec 2026"
    assert format_when(MOMENT, zone=PARIS, style="date") == "1 Dec 2026"


def test_the_active_zone_is_the_default():
    with timezone.override(NEW_YORK):
        assert format_when(MOMENT) == "Tue 1 Dec 2026, 03:30"


def test_an_afternoon_is_on_a_24_hour_clock():
    afternoon = datetime(2026, 11, 28, 19, 37, tzinfo=UTC)
    assert format_when(afternoon, zone="UTC") == "Sat 28 Nov 2026, 19:37"
    assert format_when(afternoon, zone="UTC", style="time") == "19:37"


def test_the_readers_zone_is_named_when_it_differs_from_the_events():
    assert format_when(MOMENT, zone=PARIS, event_zone="Europe/Paris") == "Tue 1 Dec 2026, 09:30"
    assert (
        format_when(MOMENT, zone=NEW_YORK, event_zone="Europe/Paris")
        == "Tue 1 Dec 2026, 03:30 (America/New York)"
    )
    # Another name for the same clock at that moment is not a difference worth a label.
    assert format_when(MOMENT, zone="Europe/Berlin", event_zone="Europe/Paris").endswith("09:30")


def test_e_mails_and_files_always_name_the_zone():
    assert format_when(MOMENT, zone=PARIS, name_zone=True) == "Tue 1 Dec 2026, 09:30 (Europe/Paris)"


def test_daylight_saving_moves_the_clock_not_the_moment():
    # Paris springs forward on 29 March 2026 at 01:00 UTC (02:00 → 03:00 local).
    before = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    after = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert format_when(before, zone=PARIS, style="time") == "01:30"
    assert format_when(after, zone=PARIS, style="time") == "03:30"
    # London and Paris differ by an hour all year; New York and Paris by 5 or, for the weeks
    # when only one has changed, 4 hours.
    march = datetime(2027, 3, 20, 13, 0, tzinfo=UTC)
    assert format_when(march, zone=NEW_YORK, style="time") == "09:00"
    assert format_when(march, zone=PARIS, style="time") == "14:00"


def test_midnight_belongs_to_the_next_day_in_the_readers_zone():
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert format_when(late, zone="UTC") == "Tue 1 Dec 2026, 23:30"
    assert format_when(late, zone=PARIS) == "Wed 2 Dec 2026, 00:30"
    midnight = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert format_when(midnight, zone=PARIS) == "Wed 2 Dec 2026, 00:00"


def test_a_span_repeats_the_date_only_across_midnight():
    start = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    assert (
        format_span(start, datetime(2026, 12, 1, 10, 0, tzinfo=UTC), zone=PARIS)
        == "Tue 1 Dec 2026, 09:30–11:00"
    )
    assert (
        format_span(
            datetime(2026, 12, 1, 22, 0, tzinfo=UTC),
            datetime(2026, 12, 1, 23, 30, tzinfo=UTC),
            zone=PARIS,
            event_zone="UTC",
        )
        == "Tue 1 Dec 2026, 23:00–Wed 2 Dec 2026, 00:30 (Europe/Paris)"
    )


def test_a_plain_date_has_no_zone():
    due = date(2026, 12, 1)
    assert format_when(due) == "Tue 1 Dec 2026"
    assert format_when(due, style="date") == "1 Dec 2026"
    assert format_when(due, zone=NEW_YORK, event_zone="Europe/Paris") == "Tue 1 Dec 2026"
    assert format_when(None) == ""


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("fr", "mar. 1 déc. 2026, 09:30", "1 déc. 2026"),
        ("es", "mar 1 dic. 2026, 09:30", "1 dic. 2026"),
    ],
)
def test_french_and_spanish_use_their_own_words_and_order(language, long, short):
    with translation.override(language):
        assert format_when(MOMENT, zone=PARIS) == long
        assert format_when(date(2026, 12, 1), style="date") == short


def test_an_unknown_zone_name_falls_back_to_utc_rather_than_failing():
    assert format_when(MOMENT, zone="Mars/Olympus") == "Tue 1 Dec 2026, 08:30"


def render(source: str, **context: object) -> str:
    return Template("{% load when %}" + source).render(Context(context))


def test_the_tags_give_a_time_element_with_iso_only_in_the_attribute():
    with timezone.override(NEW_YORK):
        html = render(
            "{% when_time moment event_zone='Europe/Paris' %}",
            moment=MOMENT,
        )
    assert html == (
        '<time datetime="2026-12-01T08:30:00+00:00">Tue 1 Dec 2026, 03:30 (America/New York)</time>'
    )
    with timezone.override(PARIS):
        assert render("{{ d|when:'date' }}", d=date(2026, 12, 1)) == "1 Dec 2026"
        assert render("{% when_span a b event_zone='Europe/Paris' %}", a=MOMENT, b=None) == (
            '<time datetime="2026-12-01T08:30:00+00:00">Tue 1 Dec 2026, 09:30</time>'
        )
        assert render("{% when_time nothing %}{{ nothing|when }}", nothing=None) == ""
