from datetime import timedelta

import pytest

from app.agenda import services as agenda
from app.extensions import db
from tests.conftest import days_ahead


@pytest.fixture
def themadag(make_event, make_user):
    """A published themadag from 09.00 to 17.00 with two rooms and one ronde of two workshops
    (Wonen with 2 places, Geld with 10), then a plenary session."""

    def make(capacity_wonen=2, status="published", **event_kwargs):
        owner = make_user()
        if "starts_at" not in event_kwargs and "starts_in" not in event_kwargs:
            event_kwargs["starts_at"] = days_ahead(14, 9, 0)
        event = make_event(
            owner=owner, kind="themadag", status="draft", hours=8, capacity=100, **event_kwargs
        )
        start = event.starts_at
        small = agenda.add_room(event, {"name": "Zaal 1.12", "capacity": capacity_wonen})
        big = agenda.add_room(event, {"name": "Zaal 1.14", "capacity": 10})
        aula = agenda.add_room(event, {"name": "Aula", "capacity": 100})
        sessions = {
            "wonen": agenda.add_session(event, {"kind": "workshop", "title": "Wonen", "room_id": small.id,
                                                "starts_at": start + timedelta(hours=1), "ends_at": start + timedelta(hours=2)}),
            "geld": agenda.add_session(event, {"kind": "workshop", "title": "Geld", "room_id": big.id,
                                               "starts_at": start + timedelta(hours=1), "ends_at": start + timedelta(hours=2)}),
            "slot": agenda.add_session(event, {"kind": "plenary", "title": "Slot", "room_id": aula.id,
                                               "starts_at": start + timedelta(hours=3), "ends_at": start + timedelta(hours=4)}),
        }  # fmt: skip
        if status == "published":
            from app.programme import services as programme

            programme.publish_event(event)
        db.session.commit()
        return event, sessions, owner

    return make
