from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from app.registration.models import Registration
from tests.agenda.conftest import themadag  # noqa: F401  (the shared themadag factory)


def entries(body: bytes) -> dict[str, object]:
    """The feed's VEVENTs by UID."""
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def feed_token(app):
    """feed_token(registration) -> a committed personal feed token for its participant."""
    from app.calendar.tokens import issue_feed_token
    from app.extensions import db

    def make(registration: Registration) -> str:
        token = issue_feed_token(registration.participant)
        db.session.commit()
        return token

    return make
