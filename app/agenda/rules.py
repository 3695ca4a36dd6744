"""The agenda's rules, as pure functions over plain data: they know no database and no HTTP,
so the editor, the JSON endpoints, publishing and registration all ask the same questions.

Intervals are half-open: a session that ends at 10.30 does not overlap one that starts at 10.30."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Slot:
    """What the rules need to know of a session."""

    id: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None = None
    speaker_ids: frozenset[int] = frozenset()
    capacity: int | None = None
    room_capacity: int | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Conflict:
    rule: str
    session_ids: tuple[int, ...]
    severity: str
    message: str

    def as_json(self) -> dict:
        return {"rule": self.rule, "sessions": list(self.session_ids),
                "severity": self.severity, "message": str(self.message)}  # fmt: skip


@dataclass
class Ronde:
    """Workshops that overlap in time: an attendee picks at most one of them."""

    starts_at: datetime
    ends_at: datetime
    workshops: list = field(default_factory=list)


def overlaps(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def times_in_order(slot: Slot) -> list[Conflict]:
    if slot.ends_at <= slot.starts_at:
        return [Conflict("ends_before_start", (slot.id,), ERROR,
                         _l("%(title)s eindigt voordat het begint.", title=slot.title))]  # fmt: skip
    return []


def inside_event(slot: Slot, event_start: datetime, event_end: datetime) -> list[Conflict]:
    if slot.starts_at < event_start or slot.ends_at > event_end:
        return [Conflict("outside_event", (slot.id,), ERROR,
                         _l("%(title)s valt buiten de tijden van de activiteit.", title=slot.title))]  # fmt: skip
    return []


def _pairs_overlapping(slots: list[Slot]):
    ordered = sorted(slots, key=lambda s: (s.starts_at, s.id))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.starts_at >= a.ends_at:
                break
            yield a, b


def room_clashes(slots: list[Slot], room_names: dict[int, str]) -> list[Conflict]:
    """No two sessions in one room at the same time (a break in a room counts too)."""
    by_room = defaultdict(list)
    for slot in slots:
        if slot.room_id is not None:
            by_room[slot.room_id].append(slot)
    return [
        Conflict(
            "room_overlap",
            (a.id, b.id),
            ERROR,
            _l(
                "%(a)s en %(b)s zijn tegelijk in %(room)s.",
                a=a.title,
                b=b.title,
                room=room_names.get(room_id, "?"),
            ),
        )  # fmt: skip
        for room_id, in_room in by_room.items()
        for a, b in _pairs_overlapping(in_room)
    ]


def speaker_clashes(slots: list[Slot], speaker_names: dict[int, str]) -> list[Conflict]:
    """No speaker in two sessions at the same time."""
    conflicts = []
    for a, b in _pairs_overlapping(slots):
        for speaker_id in sorted(a.speaker_ids & b.speaker_ids):
            conflicts.append(Conflict("speaker_overlap", (a.id, b.id), ERROR,
                             _l("%(speaker)s staat tegelijk bij %(a)s en %(b)s.",
                                speaker=speaker_names.get(speaker_id, "?"), a=a.title, b=b.title)))  # fmt: skip
    return conflicts


def over_room_capacity(slot: Slot) -> list[Conflict]:
    """A workshop that takes more people than its room holds: a warning, not a block."""
    if (
        slot.capacity is not None
        and slot.room_capacity is not None
        and slot.capacity > slot.room_capacity
    ):
        return [Conflict("over_room_capacity", (slot.id,), WARNING,
                         _l("%(title)s heeft %(capacity)d plaatsen, de zaal maar %(room)d.",
                            title=slot.title, capacity=slot.capacity, room=slot.room_capacity))]  # fmt: skip
    return []


def agenda_conflicts(slots: list[Slot], event_start: datetime, event_end: datetime,
                     room_names: dict[int, str], speaker_names: dict[int, str]) -> list[Conflict]:  # fmt: skip
    """Every conflict in an agenda; cancelled sessions take no room or speaker."""
    active = [s for s in slots if not s.cancelled]
    conflicts = []
    for slot in active:
        conflicts += times_in_order(slot)
        conflicts += inside_event(slot, event_start, event_end)
        conflicts += over_room_capacity(slot)
    valid = [s for s in active if s.ends_at > s.starts_at]
    conflicts += room_clashes(valid, room_names)
    conflicts += speaker_clashes(valid, speaker_names)
    return conflicts


def chosen_overlap(chosen: list[Slot]) -> list[Conflict]:
    """An attendee's chosen sessions never overlap."""
    return [
        Conflict(
            "choice_overlap",
            (a.id, b.id),
            ERROR,
            _l("%(a)s en %(b)s zijn tegelijk; kies er één.", a=a.title, b=b.title),
        )  # fmt: skip
        for a, b in _pairs_overlapping(chosen)
    ]


def choices_now_overlapping(choices: dict[int, set[int]], slots: list[Slot]) -> list[Conflict]:
    """After a move, people may hold two workshops that now overlap: a warning per pair of
    sessions, saying how many people it affects. `choices` maps each registration to its
    chosen session ids."""
    by_id = {s.id: s for s in slots if not s.cancelled}
    affected: dict[tuple[int, int], int] = defaultdict(int)
    for session_ids in choices.values():
        mine = [by_id[i] for i in session_ids if i in by_id]
        for a, b in _pairs_overlapping(mine):
            affected[(a.id, b.id)] += 1
    return [
        Conflict(
            "choices_overlap",
            pair,
            WARNING,
            _l(
                "%(a)s en %(b)s overlappen nu voor %(n)d deelnemer(s) die beide kozen.",
                a=by_id[pair[0]].title,
                b=by_id[pair[1]].title,
                n=n,
            ),
        )  # fmt: skip
        for pair, n in sorted(affected.items())
    ]


def rondes(slots: list) -> list[Ronde]:
    """Group the workshops into rondes: runs of workshops that overlap one another (directly
    or through a chain), in time order. Works on Slots or Sessions alike."""
    workshops = sorted(
        (s for s in slots if s.kind == "workshop" and not getattr(s, "cancelled", False)
         and not getattr(s, "is_cancelled", False)),
        key=lambda s: (s.starts_at, s.id),
    )  # fmt: skip
    groups: list[Ronde] = []
    for workshop in workshops:
        if groups and workshop.starts_at < groups[-1].ends_at:
            groups[-1].workshops.append(workshop)
            groups[-1].ends_at = max(groups[-1].ends_at, workshop.ends_at)
        else:
            groups.append(Ronde(workshop.starts_at, workshop.ends_at, [workshop]))
    return groups
