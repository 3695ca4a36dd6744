from datetime import UTC, datetime

import pytest

from app.timezones import AMSTERDAM, NonexistentLocalTime, format_period, from_local


def test_period_on_one_day_reads_as_dutch_prose():
    start = datetime(2026, 3, 10, 19, 30, tzinfo=AMSTERDAM)
    end = datetime(2026, 3, 10, 21, 30, tzinfo=AMSTERDAM)
    assert format_period(start, end, "nl") == "dinsdag 10 maart 2026, 19.30–21.30 uur"
    assert format_period(start, end, "en") == "Tuesday 10 March 2026, 19:30–21:30"


def test_period_is_shown_in_amsterdam_time_whatever_zone_it_was_given_in():
    # 18:30 UTC in winter is 19:30 in Amsterdam; in summer 20:30.
    winter = datetime(2026, 1, 13, 18, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 14, 18, 30, tzinfo=UTC)
    assert format_period(winter, winter.replace(hour=20), "nl").endswith("19.30–21.30 uur")
    assert format_period(summer, summer.replace(hour=20), "nl").endswith("20.30–22.30 uur")


def test_period_over_several_days_names_both_days():
    start = datetime(2026, 6, 11, 9, 0, tzinfo=AMSTERDAM)
    end = datetime(2026, 6, 12, 17, 0, tzinfo=AMSTERDAM)
    assert format_period(start, end, "nl") == (
        "donderdag 11 juni 2026 09.00 uur – vrijdag 12 juni 2026 17.00 uur"
    )


def test_local_wall_clock_time_is_converted_to_utc():
    assert from_local(datetime(2026, 3, 10, 19, 30)) == datetime(2026, 3, 10, 18, 30, tzinfo=UTC)
    assert from_local(datetime(2026, 7, 10, 19, 30)) == datetime(2026, 7, 10, 17, 30, tzinfo=UTC)


def test_time_skipped_by_summer_time_is_refused():
    with pytest.raises(NonexistentLocalTime):
        from_local(datetime(2026, 3, 29, 2, 30))
