"""Migration 0012 turns the consent moments kept on registrations into consent records, and back:
no consent is lost on the way."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401  (the fixture)

MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def _insert(connection, table_name: str, /, **values) -> int:
    """A row with the given values and a plain value in every other required column."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        python = column.type.python_type
        values[column.name] = {
            str: f"x{len(values)}", int: 1, bool: False, datetime: MOMENT, dict: {},
        }.get(python, "x")  # fmt: skip
    return connection.execute(sa.insert(table).values(**values)).inserted_primary_key[0]


def test_consent_moments_become_records_and_back(base_config, empty_database_url):  # noqa: F811
    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0011_privacy_retention")
        with db.engine.begin() as connection:
            first = _insert(connection, "events", slug="een", starts_at=MOMENT, ends_at=LATER,
                            kind="kenniscafe", status="published")  # fmt: skip
            second = _insert(connection, "events", slug="twee", starts_at=MOMENT, ends_at=LATER,
                             kind="kenniscafe", status="published")  # fmt: skip
            anna = _insert(connection, "participants", email="anna@example.org", name="Anna")
            bram = _insert(connection, "participants", email="bram@example.org", name="Bram")
            for event, person, newsletter, photos in (
                (first, anna, MOMENT, MOMENT), (second, anna, LATER, None),
                (first, bram, None, LATER),
            ):  # fmt: skip
                _insert(connection, "registrations", event_id=event, participant_id=person,
                        status="confirmed", waitlist_position=None, privacy_acknowledged_at=MOMENT,
                        newsletter_consent_at=newsletter, photo_consent_at=photos)  # fmt: skip

        upgrade(revision="0012_consents_audit")
        with db.engine.connect() as connection:
            records = connection.execute(sa.text(
                "SELECT participant_id, purpose, event_id, given_how FROM consents"
                " ORDER BY participant_id, purpose, event_id"
            )).all()  # fmt: skip
            given = connection.execute(
                sa.text("SELECT given_at FROM consents WHERE purpose = 'newsletter'")
            ).scalar_one()
        # The newsletter once per person (its first moment), photos per event.
        assert records == [(anna, "newsletter", None, "migrated"), (anna, "photos", first, "migrated"),
                           (bram, "photos", first, "migrated")]  # fmt: skip
        assert str(given)[:16] in ("2026-03-02 09:30", "2026-03-02T09:30")

        downgrade(revision="0011_privacy_retention")
        with db.engine.connect() as connection:
            moments = connection.execute(sa.text(
                "SELECT participant_id, event_id, newsletter_consent_at IS NOT NULL,"
                " photo_consent_at IS NOT NULL FROM registrations ORDER BY participant_id, event_id"
            )).all()  # fmt: skip
        assert [tuple(bool(v) if i > 1 else v for i, v in enumerate(m)) for m in moments] == [
            (anna, first, True, True), (anna, second, True, False), (bram, first, False, True),
        ]  # fmt: skip
        db.engine.dispose()
