"""A first-come-first-served queue kept in a table column: positions 1…n per group, no gaps,
no duplicates (a unique (group, position) constraint guards the latter in the schema).

Serves the event's waiting list (registrations per event) and each workshop's (choices per
session). Callers hold the lock of the row that owns the capacity."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db

# Positions move through a range no real list reaches, so that the unique constraint holds
# after every single statement (PostgreSQL checks it row by row).
_SHIFT = 1_000_000
_PARKED = 2 * _SHIFT


class WaitingList:
    def __init__(self, model, group: str, position: str):
        self.model = model
        self.table = model.__table__
        self.group = self.table.c[group]
        self.position = self.table.c[position]
        self._attribute = position
        self._group_attribute = group

    def last(self, group_id: int) -> int:
        return (
            db.session.scalar(sa.select(sa.func.max(self.position)).where(self.group == group_id))
            or 0
        )

    def first(self, group_id: int):
        return db.session.scalar(
            sa.select(self.model).where(self.group == group_id, self.position == 1)
        )

    def close_gap(self, group_id: int, left_position: int) -> None:
        """Someone left `left_position`: everyone behind moves up one."""
        self._shift(group_id, left_position + 1, None, -1)

    def move(self, row, target: int) -> int:
        """Move `row` to `target` (clamped to 1…n); the others close up. Returns the place."""
        group_id = getattr(row, self._group_attribute)
        current = getattr(row, self._attribute)
        target = min(max(target, 1), self.last(group_id))
        if target == current:
            return current
        setattr(row, self._attribute, _PARKED)  # out of the way while the others move
        db.session.flush()
        if target < current:
            self._shift(group_id, target, current - 1, +1)
        else:
            self._shift(group_id, current + 1, target, -1)
        db.session.refresh(row)
        setattr(row, self._attribute, target)
        db.session.flush()
        return target

    def _shift(self, group_id: int, low: int, high: int | None, delta: int) -> None:
        in_range = [self.group == group_id, self.position >= low]
        if high is not None:
            in_range.append(self.position <= high)
        db.session.execute(
            self.table.update().where(*in_range).values({self.position: self.position + _SHIFT})
        )
        db.session.execute(
            self.table.update()
            .where(self.group == group_id, self.position > _SHIFT, self.position < _PARKED)
            .values({self.position: self.position - _SHIFT + delta})
        )
        for obj in db.session.identity_map.values():
            if isinstance(obj, self.model) and getattr(obj, self._group_attribute) == group_id:
                db.session.expire(obj, [self._attribute])
