"""Net contact hours, one rule at a time (Registerplein: breaks, lunch and reception do not
count; overlaps once)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from app.certificates.hours import Part, full_hours, net_contact_hours, points
from app.timezones import AMSTERDAM

DAY = datetime(2026, 12, 10, 9, 0, tzinfo=AMSTERDAM)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour - 9)


def hours(parts, present=True, start=9, end=17, not_counting=0):
    return net_contact_hours(event_start=at(start), event_end=at(end),
                             not_counting_minutes=not_counting, parts=parts, present=present)  # fmt: skip


def test_a_kenniscafe_of_two_hours_with_half_an_hour_reception_counts_one_and_a_half():
    assert hours([], start=19, end=21, not_counting=30) == Decimal("1.50")
    assert hours([], start=19, end=21, not_counting=30, present=False) == Decimal("0.00")


THEMADAG = [
    Part(at(9), at(9.5), "break"),  # reception
    Part(at(9.5), at(10.5), "plenary"),
    Part(at(10.5), at(10.75), "break"),  # coffee
    Part(at(10.75), at(12), "workshop", chosen=True),
    Part(at(10.75), at(12), "workshop"),  # the parallel one, not theirs
    Part(at(12), at(13), "break"),  # lunch
    Part(at(13), at(14.25), "workshop", chosen=True),
    Part(at(14.5), at(15.5), "plenary"),
]


def test_a_themadag_counts_plenaries_and_their_workshops_never_breaks_or_lunch():
    # 1 + 1.25 + 1.25 + 1 hours; the reception, coffee and lunch do not count.
    assert hours(THEMADAG) == Decimal("4.50")
    assert full_hours(event_start=at(9), event_end=at(17), not_counting_minutes=0,
                      parts=THEMADAG) == Decimal("4.50")  # fmt: skip


def test_someone_who_attended_only_the_morning_gets_the_morning():
    scanned = [Part(p.starts_at, p.ends_at, p.kind, scanned=p.kind != "break",
                    attended=p.ends_at <= at(12) and p.kind != "break" and (p.kind == "plenary" or p.chosen),
                    chosen=p.chosen) for p in THEMADAG]  # fmt: skip
    assert hours(scanned) == Decimal("2.25")


def test_two_overlapping_sessions_count_once():
    parts = [Part(at(10), at(12), "workshop", scanned=True, attended=True),
             Part(at(11), at(13), "plenary", scanned=True, attended=True)]  # fmt: skip
    assert hours(parts) == Decimal("3.00")


def test_present_at_the_event_but_checked_in_to_no_session():
    """The rule we chose: where a session was scanned, only those scanned there count; a
    session nobody was scanned at counts when it is a plenary or one of their workshops. So
    with scanning only at the door they get their whole programme, and with scanning at the
    workshop doors too they lose a workshop they were not scanned at."""
    assert hours(THEMADAG) == Decimal("4.50")
    workshops_scanned = [Part(p.starts_at, p.ends_at, p.kind, scanned=p.kind == "workshop",
                              chosen=p.chosen) for p in THEMADAG]  # fmt: skip
    assert hours(workshops_scanned) == Decimal("2.00")  # the two plenaries only


def test_points_for_the_whole_event_or_in_proportion():
    assert points(Decimal("4"), "event", Decimal("2.25"), Decimal("4.5")) == Decimal("4.0")
    assert points(Decimal("4"), "pro_rata", Decimal("2.25"), Decimal("4.5")) == Decimal("2.0")
    assert points(Decimal("4"), "pro_rata", Decimal("4.5"), Decimal("4.5")) == Decimal("4.0")
    assert points(Decimal("4"), "pro_rata", Decimal("0"), Decimal("4.5")) == Decimal("0.0")
    assert points(Decimal("3"), "pro_rata", Decimal("1"), Decimal("4.5")) == Decimal("0.7")
