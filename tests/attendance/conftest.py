"""Fixtures for the desk (balie). Shared by the attendance tests: add new ones below these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.activity import services as activity
from app.agenda import services as agenda
from app.attendance import services as attendance
from app.extensions import db
from app.programme import services as programme
from app.registration.services import RegistrationDetails
from app.timezones import AMSTERDAM, utcnow

# --- the desk on the day (tests/attendance/test_desk_in_browser.py) -------------------------

# (name, organisation, workshop): the first six get a place, the last waits.
DESK_PEOPLE = (
    ("Şükrü Çelik", "Wijkteam Oost", "wonen"),
    ("Fatma Yilmaz", "Wijkteam Dukenburg", "geld"),
    ("Anna de Vries", "GGD Gelderland-Zuid", "wonen"),
    ("Jan Jansen", "Gemeente Nijmegen", None),
    ("Pieter Bakker", "Sterker sociaal werk", "geld"),
    ("Lotte van den Berg", "Jeugdbescherming Gelderland", None),
    ("Mohammed El Amrani", "Bindkracht10", None),
)


@dataclass
class DeskDay:
    event: object
    owner: object  # the organiser
    desk_user: object  # a `checkin` account called "Balie 2", on this event's desk
    sessions: dict  # "wonen", "geld", "slot"
    people: dict  # name -> Registration


@pytest.fixture
def desk_day(make_user, make_event) -> DeskDay:
    """A themadag that starts within the hour (so a `checkin` account sees its desk): one
    ronde of two workshops and a plenary close; six people with a place, one waiting."""
    owner = make_user(email="sanne@example.org", name="Sanne Organisator")
    desk_user = make_user(role="checkin", email="balie2@example.org", name="Balie 2")
    soon = (utcnow() + timedelta(minutes=50)).astimezone(AMSTERDAM)
    start = soon.replace(second=0, microsecond=0)
    event = make_event(owner=owner, kind="themadag", status="draft", hours=7, capacity=6,
                       title="Themadag Generaties in de wijk", starts_at=start)  # fmt: skip
    zaal = agenda.add_room(event, {"name": "Zaal 1.12", "capacity": 20})
    aula = agenda.add_room(event, {"name": "Aula", "capacity": 100})
    ronde = start + timedelta(hours=1, minutes=45)
    sessions = {
        key: agenda.add_session(event, {"kind": kind, "title": title, "room_id": room.id,
                                        "starts_at": begins, "ends_at": begins + timedelta(hours=1)})
        for key, kind, title, room, begins in (
            ("wonen", "workshop", "Wonen en zorg", zaal, ronde),
            ("geld", "workshop", "Geldzorgen vroeg zien", aula, ronde),
            ("slot", "plenary", "Slot en borrel", aula, ronde + timedelta(hours=2)),
        )
    }  # fmt: skip
    programme.publish_event(event)
    attendance.set_desk_staff(event, {desk_user.id})
    db.session.commit()
    people = {}
    for number, (name, organisation, workshop) in enumerate(DESK_PEOPLE, start=1):
        details = RegistrationDetails(name=name, email=f"deelnemer{number}@example.org",
                                      organisation=organisation)  # fmt: skip
        chosen = [sessions[workshop].id] if workshop else []
        outcome, _ = activity.register(event.id, details, chosen)
        db.session.commit()
        people[name] = outcome.registration
    return DeskDay(event, owner, desk_user, sessions, people)
