"""Net contact hours: the time someone actually attended that counts for a register.

Registerplein's rule: one point per net hour of training; reception, breaks, lunch, drinks,
welcome words, introductions and announcements do not count. So the hours are the attended
plenary and workshop sessions (breaks never count), overlaps counted once. A session counts for
someone who was at the event when they were checked in to it — or, where nobody was checked
in to it (the desk only scanned at the door), when it is a plenary or a workshop they held a
place in. An event without an agenda (a kenniscafé) counts its whole time less the minutes the
organiser marked as not counting (e.g. 30 min reception).

One pure function of plain values, so that the rule is tested on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Part:
    """A programme item of the event, as far as the hours are concerned."""

    starts_at: datetime
    ends_at: datetime
    kind: str  # "plenary", "workshop", "break"
    scanned: bool = False  # anyone was checked in to it
    attended: bool = False  # this person was checked in to it
    chosen: bool = False  # this person held a place in it (workshops)

    def counts_for_someone_present(self) -> bool:
        if self.kind == "break":
            return False
        if self.scanned:
            return self.attended
        return self.kind == "plenary" or self.chosen or self.attended


def _merged_minutes(spans: list[tuple[datetime, datetime]]) -> Decimal:
    total, current = Decimal(0), None
    for start, end in sorted(spans):
        if current is None or start > current[1]:
            if current is not None:
                total += Decimal((current[1] - current[0]).total_seconds()) / 60
            current = [start, end]
        else:
            current[1] = max(current[1], end)
    if current is not None:
        total += Decimal((current[1] - current[0]).total_seconds()) / 60
    return total


def _as_hours(minutes: Decimal) -> Decimal:
    return (max(minutes, Decimal(0)) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)


def net_contact_hours(*, event_start: datetime, event_end: datetime, not_counting_minutes: int,
                      parts: list[Part], present: bool) -> Decimal:  # fmt: skip
    """Hours (two decimals) for one person; 0 for someone who was not there."""
    if not present:
        return Decimal("0.00")
    if not any(p.kind != "break" for p in parts):
        minutes = Decimal((event_end - event_start).total_seconds()) / 60
        return _as_hours(minutes - not_counting_minutes)
    spans = [(p.starts_at, p.ends_at) for p in parts if p.counts_for_someone_present()]
    return _as_hours(_merged_minutes(spans))


def full_hours(*, event_start: datetime, event_end: datetime, not_counting_minutes: int,
               parts: list[Part]) -> Decimal:  # fmt: skip
    """The hours of someone who attended everything that counts (all sessions, parallel
    ones once): what 'pro rata' points are measured against."""
    everything = [Part(p.starts_at, p.ends_at, p.kind, attended=True) for p in parts]
    return net_contact_hours(event_start=event_start, event_end=event_end,
                             not_counting_minutes=not_counting_minutes, parts=everything,
                             present=True)  # fmt: skip


def points(accredited: Decimal, rule: str, hours: Decimal, full: Decimal) -> Decimal:
    """Points for one accreditation: all of them for anyone who attended ('event'), or in
    proportion to the hours attended ('pro_rata'), to one decimal, never more than accredited."""
    if hours <= 0:
        return Decimal("0.0")
    if rule == "pro_rata" and full > 0:
        share = (accredited * hours / full).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return min(share, accredited)
    return Decimal(accredited).quantize(Decimal("0.1"))
