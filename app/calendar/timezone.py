"""One VTIMEZONE for Europe/Amsterdam, shared by every feed and every mail.

Written with the yearly rules (last Sunday of March and of October) instead of a list of
transitions cut to some years: it is right for every year a calendar will ever show, and it
is the form Outlook, Google and Apple write themselves. The EU has not changed these rules
since 1996; if it ever does, this is the one place to change."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

TZID = "Europe/Amsterdam"


def _observance(kind, *, starts: datetime, month: int, offset_from: int, offset_to: int,
                name: str):  # fmt: skip
    part = kind()
    # DTSTART is the local wall-clock time of the first transition under the old offset.
    part.add("dtstart", starts)
    part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
    part.add("tzoffsetfrom", timedelta(hours=offset_from))
    part.add("tzoffsetto", timedelta(hours=offset_to))
    part.add("tzname", name)
    return part


def amsterdam_vtimezone() -> Timezone:
    """A fresh component each time: icalendar components are mutable and are added to one
    calendar each."""
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    zone.add_component(
        _observance(
            TimezoneDaylight,
            starts=datetime(1981, 3, 29, 2, 0),
            month=3,
            offset_from=1,
            offset_to=2,
            name="CEST",
        )  # fmt: skip
    )
    zone.add_component(
        _observance(
            TimezoneStandard,
            starts=datetime(1996, 10, 27, 3, 0),
            month=10,
            offset_from=2,
            offset_to=1,
            name="CET",
        )  # fmt: skip
    )
    return zone
