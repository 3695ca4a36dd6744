"""Time: stored in UTC, always timezone-aware in code, shown to people in Europe/Amsterdam."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored as UTC; refuses naive datetimes so no local time slips in unlabelled."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one")
        value = value.astimezone(UTC)
        # SQLite keeps no offset: store plain UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM)


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by the change to summer time (e.g. 02:30 on the last Sunday of March)."""


def from_local(naive: datetime) -> datetime:
    """Read a wall-clock time as Amsterdam time and return it in UTC."""
    aware = naive.replace(tzinfo=AMSTERDAM)
    # A time in the spring-forward gap does not survive the round trip through UTC.
    if aware.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(naive.isoformat())
    return aware.astimezone(UTC)


def _clock(moment: datetime, locale: str) -> str:
    # Dutch prose writes 19.30 uur; English 19:30.
    return moment.strftime("%H.%M" if locale == "nl" else "%H:%M")


def format_day(moment: datetime, locale: str = "nl") -> str:
    """'dinsdag 12 maart 2026' / 'Tuesday 12 March 2026'."""
    return format_date(to_local(moment).date(), "EEEE d MMMM y", locale=locale)


def format_period(start: datetime, end: datetime, locale: str = "nl") -> str:
    """'dinsdag 12 maart 2026, 19.30–21.30 uur'; spans several days when the event does."""
    start_local, end_local = to_local(start), to_local(end)
    suffix = " uur" if locale == "nl" else ""
    if start_local.date() == end_local.date():
        return (
            f"{format_day(start, locale)}, "
            f"{_clock(start_local, locale)}–{_clock(end_local, locale)}{suffix}"
        )
    return (
        f"{format_day(start, locale)} {_clock(start_local, locale)}{suffix} – "
        f"{format_day(end, locale)} {_clock(end_local, locale)}{suffix}"
    )


def format_moment(moment: datetime, locale: str = "nl") -> str:
    """'dinsdag 12 maart 2026, 19.30 uur' / 'Tuesday 12 March 2026, 19:30'."""
    suffix = " uur" if locale == "nl" else ""
    return f"{format_day(moment, locale)}, {_clock(to_local(moment), locale)}{suffix}"


def format_clock(moment: datetime, locale: str = "nl") -> str:
    """'09.12' / '09:12', in Amsterdam time."""
    return _clock(to_local(moment), locale)
