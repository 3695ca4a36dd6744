"""A small public programme to read through the API: two themes, a kenniscafé, a themadag with
rooms, a ronde of two workshops and a speaker who has an e-mail address, a cancelled event, a
draft and a past event; people registered (one chose a workshop). Every personal detail is
something the API must never show."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.globals import _cv_app

from app.activity import services as activity
from app.agenda import services as agenda
from app.agenda import speakers
from app.extensions import db
from app.programme import services as programme
from app.registration.services import RegistrationDetails

SPEAKER_EMAIL = "f.elamrani@spreker.example"
PARTICIPANT_EMAILS = ("anna.jansen@deelnemer.example", "bert.smits@deelnemer.example")
THEME_CONTACT_EMAIL = "l.devries@werkteam.example"
ORGANISER_EMAIL = "sanne.visser@organisator.example"


@pytest.fixture
def programme_world(make_user, make_theme, make_event, register):
    owner = make_user(email=ORGANISER_EMAIL, name="Sanne Visser")
    youth = make_theme("Jeugd en gezin", contact_name="Lotte de Vries",
                       contact_email=THEME_CONTACT_EMAIL)  # fmt: skip
    poverty = make_theme("Armoede en bestaanszekerheid")
    cafe = make_event(owner=owner, title="Geldzorgen bespreekbaar maken", themes=[poverty],
                      starts_in=timedelta(days=10), capacity=2, summary="Over geld en stress",
                      contact_email="organisator@werkplaats.example")  # fmt: skip
    day = make_event(owner=owner, title="Themadag: Generaties in de wijk", kind="themadag",
                     themes=[youth], starts_in=timedelta(days=20), hours=8, capacity=None,
                     status="draft", online_url="https://meet.example/geheim")  # fmt: skip
    aula = agenda.add_room(day, {"name": "Aula", "capacity": 80,
                                 "accessibility_notes": "Rolstoeltoegankelijk, ringleiding"})  # fmt: skip
    small = agenda.add_room(day, {"name": "Zaal 1.12", "capacity": 2})
    speaker = speakers.save_speaker(
        {"name": "Fatima El Amrani", "organisation": "Lectoraat Wijk", "email": SPEAKER_EMAIL}
    )
    start = day.starts_at

    def at(hours: float):
        return start + timedelta(hours=hours)

    opening = agenda.add_session(day, {"kind": "plenary", "title": "Opening", "room_id": aula.id,
                                       "starts_at": at(0), "ends_at": at(1)}, [speaker])  # fmt: skip
    wonen = agenda.add_session(day, {"kind": "workshop", "title": "Wonen", "room_id": small.id,
                                     "starts_at": at(1), "ends_at": at(2)}, [speaker])  # fmt: skip
    geld = agenda.add_session(day, {"kind": "workshop", "title": "Geld", "room_id": aula.id,
                                    "capacity": 10, "starts_at": at(1), "ends_at": at(2)})  # fmt: skip
    lunch = agenda.add_session(day, {"kind": "break", "title": "Lunch", "starts_at": at(2),
                                     "ends_at": at(3)})  # fmt: skip
    programme.publish_event(day)
    db.session.commit()
    outcome, _workshops = activity.register(day.id, RegistrationDetails(
        name="Anna Jansen", email=PARTICIPANT_EMAILS[0], organisation="Wijkteam Oost"), [wonen.id])  # fmt: skip
    db.session.commit()
    register(cafe, "Bert Smits", email=PARTICIPANT_EMAILS[1])
    cancelled = make_event(owner=owner, title="Kenniscafé School en wijkteam", status="cancelled",
                           themes=[youth], starts_in=timedelta(days=5))  # fmt: skip
    draft = make_event(owner=owner, title="Nog geheim concept", themes=[youth], status="draft")
    past = make_event(owner=owner, title="Terugblik op vorig jaar", starts_in=timedelta(days=-30))
    return SimpleNamespace(
        owner=owner, youth=youth, poverty=poverty, cafe=cafe, day=day, cancelled=cancelled,
        draft=draft, past=past, speaker=speaker, rooms=(aula, small),
        sessions=SimpleNamespace(opening=opening, wonen=wonen, geld=geld, lunch=lunch),
    )  # fmt: skip


class IsolatedWSGI:
    """Each request in its own app context, as in production (see IsolatedClient), for
    clients that take a WSGI callable: schemathesis, a real server."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        token = _cv_app.set(None)
        try:
            return self.app(environ, start_response)
        finally:
            _cv_app.reset(token)
