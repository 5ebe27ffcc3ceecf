"""The one way peerassist shows dates and times, on pages, in e-mails, calendar text and exports.

The rule:

* Dates and times are written in the reader's language through Django's locale formats
  (``peerassist/formats/<lang>/formats.py``): "Tue 1 Dec 2026, 09:30" in English,
  "mar. 1 déc. 2026, 09:30" in French, "mar 1 dic. 2026, 09:30" in Spanish; "1 Dec 2026"
  in tables and lists (``short``); always a 24-hour clock.
* A moment is shown in the reader's time zone: on a page, the zone the request activated
  (the account's preference, else the browser's, else the site's — see
  ``core.middleware.TimeZoneMiddleware``); in an e-mail or a file, the zone passed in.
* The zone is named in brackets where a misread time costs something — a session's start and
  end, a meeting, a deadline with a time: whenever the reader's zone differs from the zone the
  event is planned in (``event_zone``), and always in e-mails and files (``name_zone=True``),
  whose reader's clock we cannot see. "Tue 1 Dec 2026, 09:30 (Europe/Paris)" therefore means
  "09:30 on your clock, which is Paris time".
* A plain date (a due date, a decision date) has no zone and is shown as it is.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import date, datetime, tzinfo
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _

#: long "Tue 1 Dec 2026, 09:30" (sentences, headings) · short "1 Dec 2026, 09:30" (tables,
#: lists) · time "09:30" · day "Tue 1 Dec 2026" · date "1 Dec 2026" (a moment's date only)
#: · month "December 2026".
Style = Literal["long", "short", "time", "day", "date", "month"]

_DATETIME_FORMATS: dict[Style, str] = {
    "long": "DATETIME_FORMAT",
    "short": "SHORT_DATETIME_FORMAT",
    "time": "TIME_FORMAT",
    "day": "DATE_FORMAT",
    "date": "SHORT_DATE_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
}
_DATE_FORMATS: dict[Style, str] = {
    "long": "DATE_FORMAT",
    "short": "SHORT_DATE_FORMAT",
    "time": "SHORT_DATE_FORMAT",
    "day": "DATE_FORMAT",
    "date": "SHORT_DATE_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
}


@functools.cache
def _known_zones() -> frozenset[str]:
    # Read once: available_timezones() walks the zone files, and every request asks.
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA zone this machine knows ("Europe/Paris", "UTC")."""
    return bool(name) and name in _known_zones()


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(
            _("%(value)s is not a time zone name such as Europe/Paris."), params={"value": value}
        )


def time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    """The zones a person picks from: the IANA "Region/City" names (and UTC), by name, with
    `current` kept even if it is an older alias, so that saving never changes it silently."""
    zones = sorted(
        zone
        for zone in _known_zones()
        if zone == "UTC"
        or ("/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")))
    )
    if current and current not in zones:
        zones.insert(0, current)
    return [(zone, zone.replace("_", " ")) for zone in zones]


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The IANA zone called `name`; UTC for an empty or unknown name (never an error)."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def zone_label(zone: tzinfo) -> str:
    """A zone as people read it: its IANA name with spaces ("America/New York")."""
    return str(getattr(zone, "key", None) or zone).replace("_", " ")


def _reader(zone: tzinfo | str | None) -> tzinfo:
    if isinstance(zone, str):
        return zone_named(zone)
    return zone or timezone.get_current_timezone()


def _same_zone(a: tzinfo, b: tzinfo, moment: datetime) -> bool:
    # Same name, or the same offset at that moment (Europe/Paris and Europe/Berlin agree).
    if getattr(a, "key", None) == getattr(b, "key", None):
        return True
    return moment.astimezone(a).utcoffset() == moment.astimezone(b).utcoffset()


def format_when(
    value: datetime | date | None,
    *,
    style: Style = "long",
    zone: tzinfo | str | None = None,
    event_zone: tzinfo | str | None = None,
    name_zone: bool = False,
) -> str:
    """`value` as text by the rule above; "" for None.

    `zone`: the reader's zone (default: the active one). `event_zone`: the zone the event is
    planned in; the reader's zone is named when it differs. `name_zone`: always name it."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return date_format(value, _DATE_FORMATS.get(style, "DATE_FORMAT"))
    reader = _reader(zone)
    moment = value if timezone.is_aware(value) else timezone.make_aware(value, reader)
    local = moment.astimezone(reader)
    fmt = _DATETIME_FORMATS.get(style, "DATETIME_FORMAT")
    text = time_format(local, fmt) if style == "time" else date_format(local, fmt)
    if event_zone is not None and not name_zone:
        event = zone_named(event_zone) if isinstance(event_zone, str) else event_zone
        name_zone = not _same_zone(reader, event, moment)
    return f"{text} ({zone_label(reader)})" if name_zone else text


def format_span(
    start: datetime | None,
    end: datetime | None,
    *,
    zone: tzinfo | str | None = None,
    event_zone: tzinfo | str | None = None,
    name_zone: bool = False,
) -> str:
    """A start and end: "Tue 1 Dec 2026, 09:30–11:00", the end's date repeated only when it
    falls on another day; the zone named once, at the end, by the rule above."""
    if start is None:
        return ""
    reader = _reader(zone)
    text = format_when(start, zone=reader)
    if end is not None:
        same_day = start.astimezone(reader).date() == end.astimezone(reader).date()
        text += "–" + format_when(end, zone=reader, style="time" if same_day else "long")
    if event_zone is not None and not name_zone:
        event = zone_named(event_zone) if isinstance(event_zone, str) else event_zone
        name_zone = not _same_zone(reader, event, start)
    return f"{text} ({zone_label(reader)})" if name_zone else text


def machine_time(value: datetime | date | None) -> str:
    """The `datetime` attribute of a `<time>` element: ISO 8601, never shown as text."""
    if value is None:
        return ""
    return value.isoformat()
