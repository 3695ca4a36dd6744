"""Bulk mail that cron or an organiser may start twice at the same moment still reaches each
person once: two runs in two threads, each with its own database session, on the real DB."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
import sqlalchemy as sa

from app.agenda import changes, releases, working
from app.agenda import services as agenda
from app.errors import StateConflict
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme import services as programme
from app.programme.models import Event
from app.registration.messages import send_reminders


@pytest.fixture
def app_config(base_config):
    # The mail stays in the outbox, where the test counts it.
    return {**base_config, "MAIL_DELIVERY": "manual"}


def twice_at_once(app, run) -> list:
    """`run()` in two threads at the same moment, each in its own app context (and so its own
    database session), committed as a request or a cron job would; their results."""
    barrier = Barrier(2)

    def one():
        with app.app_context():
            barrier.wait()
            result = run()
            db.session.commit()
            return result

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(one) for _ in range(2)]
        return [future.result(timeout=90) for future in futures]


def mails_per_registration(kind: str) -> Counter:
    db.session.expire_all()
    return Counter(
        db.session.scalars(
            sa.select(OutboxMessage.registration_id).where(OutboxMessage.kind == kind)
        )
    )


def test_two_reminder_runs_at_once_remind_each_person_once(app, make_event, register):
    soon = make_event(starts_in=timedelta(hours=30), capacity=8)
    tomorrow = make_event(starts_in=timedelta(hours=20))
    later = make_event(starts_in=timedelta(days=5))
    due = [register(soon, f"Vroeg {i}") for i in range(8)]
    due += [register(tomorrow, f"Morgen {i}") for i in range(6)]
    waiting = register(soon, "Wachtend")  # the ninth at an event of eight: no place, no reminder
    not_yet = register(later, "Later")

    sent = twice_at_once(app, send_reminders)

    assert sum(sent) == len(due), sent
    reminded = mails_per_registration("reminder")
    assert reminded == Counter({r.id: 1 for r in due})
    assert waiting.id not in reminded and not_yet.id not in reminded


def test_two_releases_at_once_tell_each_registrant_once(app, make_user, make_event, register):
    owner = make_user()
    event = make_event(owner=owner, kind="themadag", status="draft", hours=8)
    plenary = agenda.add_session(event, {"kind": "plenary", "title": "Opening", "starts_at": event.starts_at,
                                         "ends_at": event.starts_at + timedelta(hours=1)})  # fmt: skip
    programme.publish_event(event)
    db.session.commit()
    people = [register(event, name) for name in ("Anna", "Bram", "Cas", "Dirk", "Eva", "Fien")]
    working.move(event, str(plenary.id), plenary.starts_at + timedelta(minutes=30),
                 plenary.ends_at + timedelta(minutes=30), None, by=owner)  # fmt: skip
    db.session.commit()
    event_id = event.id

    def publish():
        try:  # the second waits for the first's lock, then finds nothing left to publish
            return releases.publish(db.session.get(Event, event_id)).mailed
        except StateConflict:
            db.session.rollback()
            return 0

    sent = twice_at_once(app, publish)

    assert sorted(sent) == [0, len(people)]
    assert mails_per_registration("agenda_changed") == Counter({r.id: 1 for r in people})
    assert changes.pending_changes(db.session.get(Event, event_id)) == []
