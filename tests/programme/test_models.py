from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from app.extensions import db
from app.programme.models import Accreditation, Event


def _raw_event(**overrides) -> Event:
    start = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    values = dict(kind="kenniscafe", title="T", slug="t", starts_at=start,
                  ends_at=start + timedelta(hours=2), status="draft")  # fmt: skip
    values.update(overrides)
    return Event(**values)


@pytest.mark.parametrize(
    "overrides",
    [
        {"ends_at": datetime(2026, 12, 1, 18, 30, tzinfo=UTC)},  # ends when it starts
        {"capacity": -1},
        {"kind": "lezing"},
        {"status": "archived"},
        {
            "registration_opens_at": datetime(2026, 11, 1, tzinfo=UTC),
            "registration_closes_at": datetime(2026, 10, 1, tzinfo=UTC),
        },
    ],
)
def test_schema_refuses_inconsistent_events(app, overrides):
    db.session.add(_raw_event(**overrides))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_event_slugs_are_unique(app):
    db.session.add_all([_raw_event(), _raw_event()])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_accreditation_points_must_be_positive(app, make_event):
    event = make_event()
    db.session.add(Accreditation(event=event, register="SKJ", accreditation_id="1", points=0))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_times_come_back_timezone_aware_in_utc(app):
    amsterdam_evening = datetime.fromisoformat("2026-12-01T19:30:00+01:00")
    db.session.add(
        _raw_event(starts_at=amsterdam_evening, ends_at=amsterdam_evening + timedelta(hours=2))
    )
    db.session.commit()
    db.session.expire_all()
    event = db.session.scalar(sa.select(Event))
    assert event.starts_at == amsterdam_evening
    assert event.starts_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(app):
    db.session.add(_raw_event(starts_at=datetime(2026, 12, 1, 19, 30)))
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()
