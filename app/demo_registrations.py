"""Demo registrations, so that the organiser pages of `make run` are not empty.

The themadag has three dozen people with their workshops — "Intergenerationeel wonen" and
"Digitale inclusie" (the small room) full, each with a waiting list — and one who cancelled;
the kenniscafé about money is full with a waiting list; the first kenniscafé has a handful.
The themadag keeps places free, so that a visitor trying `make run` gets one.

Everything goes through the real services (`register`, `choose_workshops`,
`cancel_registration`), so every rule holds: capacity, waiting lists, one workshop per ronde.
Made-up people are never mailed. Idempotent: someone already registered at an event, in any
state, is left alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.activity.services import cancel_registration
from app.agenda.choices import choose_workshops
from app.agenda.models import Session
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme.models import Event
from app.programme.slugs import slugify
from app.registration.models import Participant, Registration
from app.registration.services import (
    RegistrationDetails,
    person_for,
    register,
    registration_closed_reason,
)

FIRST_NAMES = ["Sanne", "Mohamed", "Lotte", "Youssef", "Eva", "Daan", "Fleur", "Bram", "Noor",
               "Thijs", "Iris", "Kerem", "Anouk", "Jesse", "Ilse", "Rachid", "Marloes", "Tim",
               "Esra", "Koen", "Femke", "Sem", "Naima", "Ruben", "Linda", "Milan", "Hatice",
               "Joris", "Sophie", "Stijn", "Amira", "Wouter", "Inge", "Luuk", "Aylin", "Gerrit",
               "Meryem", "Pieter", "Yara", "Floor", "Dewi", "Hamza", "Roos", "Niels", "Chantal"]  # fmt: skip
LAST_NAMES = ["Jansen", "El Idrissi", "de Boer", "Bakker", "Visser", "Smits", "Meijer",
              "de Graaf", "Öztürk", "van Dijk", "Mulder", "Bouzid", "Hendriks", "van Leeuwen",
              "Kuipers", "Yılmaz", "Peters", "Verhoeven", "Koster", "Aydın", "Willems",
              "van den Broek", "Hoekstra", "Schouten", "Ramdin", "Dekker", "Kaya", "Vos",
              "Brouwer", "de Wit", "Amrani", "Postma", "Jacobs", "Maas", "Şahin", "Gerritsen",
              "Wuyts", "Kramer", "van Rijn", "Tahiri", "Lammers", "Haddou", "Bos", "Prins",
              "Verbeek"]  # fmt: skip
ORGANISATIONS = ["Wijkteam Nijmegen-Oost", "Sociaal Wijkteam Dukenburg", "Gemeente Nijmegen",
                 "Hogeschool, opleiding Social Work", "Buurtteam Jeugd en Gezin",
                 "Stichting Welzijn West", "Wijkteam Lindenholt", "Schuldhulpverlening Nijmegen",
                 "GGD Gelderland-Zuid", "Sterker sociaal werk"]  # fmt: skip
FUNCTIONS = ["Wijkcoach", "Jeugdprofessional", "Student Social Work", "Beleidsadviseur",
             "Maatschappelijk werker", "Schuldhulpverlener", "Docent-onderzoeker",
             "Ouderenadviseur"]  # fmt: skip

THEMADAG = "themadag-generaties-in-de-wijk"
MAATJES = "Maatjesprojecten tussen jong en oud"
MANTELZORG = "Mantelzorg over generaties heen"
WONEN = "Intergenerationeel wonen: lessen uit de praktijk"
DIGITAAL = "Digitale inclusie: kleinkinderen als helpdesk?"


def _person(index: int) -> RegistrationDetails:
    """Demo person `index` (0–44), the same every run, with the details people really give."""
    name = f"{FIRST_NAMES[index]} {LAST_NAMES[index]}"
    numbers = {}
    if index % 3 == 0:
        numbers["SKJ"] = f"1100{10000 + index * 37}"
    if index % 4 == 1:
        numbers["Registerplein"] = f"4610{20000 + index * 53}"
    return RegistrationDetails(
        name=name,
        email=slugify(name).replace("-", ".") + "@voorbeeld.example",
        organisation=ORGANISATIONS[index % len(ORGANISATIONS)],
        function=FUNCTIONS[index % len(FUNCTIONS)],
        dietary_needs={0: "Vegetarisch", 3: "Glutenvrij"}.get(index % 7, ""),
        register_numbers=numbers,
        newsletter=index % 3 == 1,
        photos=index % 2 == 0,
        language="en" if index % 11 == 5 else "nl",
    )


@dataclass
class Plan:
    """Who registers at an event, in this order, with which workshops; who cancels after."""

    slug: str
    people: list[int]
    workshops: dict[int, list[str]] = field(default_factory=dict)
    cancelling: list[int] = field(default_factory=list)


def _themadag_workshops(index: int) -> list[str]:
    # Most want the small room's workshops, so those fill up and get a waiting list. Nobody
    # here takes the other two afternoon workshops: the agenda-release browser test moves them
    # and expects its own registrant to be the only one told.
    morning = WONEN if index % 4 else (MAATJES, MANTELZORG)[index // 4 % 2]
    return [morning] if index % 4 == 1 else [morning, DIGITAAL]


def plans() -> list[Plan]:
    themadag = list(range(37))  # 36 stay: 300 places, so plenty left for a visitor
    return [
        Plan(THEMADAG, themadag, {i: _themadag_workshops(i) for i in themadag}, cancelling=[36]),
        Plan("kenniscafe-geldzorgen-bespreekbaar-maken", list(range(7, 45))),  # 35 places: 3 wait
        Plan("wat-gaat-er-goed-tussen-generaties", list(range(2, 45, 8))),  # a handful
    ]


@contextmanager
def _nobody_mailed(registration_ids: list[int]) -> Iterator[None]:
    """The services queue what they must tell (a cancellation is always confirmed, a freed
    workshop place is announced); for made-up people that mail is taken out again before the
    commit, so it never reaches a mail server or the outbox."""
    before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    yield
    db.session.flush()
    db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.id > before, OutboxMessage.registration_id.in_(registration_ids)
        )
    )


def _registered_emails(event: Event) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Participant.email)
            .join(Registration, Registration.participant_id == Participant.id)
            .where(Registration.event_id == event.id)
        )
    )


def _carry_out(plan: Plan, event: Event) -> int:
    """One transaction under the event's lock (`register` takes it first)."""
    workshops = {
        s.title: s.id
        for s in db.session.scalars(sa.select(Session).where(Session.event_id == event.id))
    }
    already = _registered_emails(event)
    made: dict[int, Registration] = {}
    registration_ids: list[int] = []
    coming = {index: _person(index) for index in plan.people}
    coming = {index: details for index, details in coming.items() if details.email not in already}
    # Every person before the event's lock, which the first registration takes (see person_for).
    people = {index: person_for(details) for index, details in coming.items()}
    with _nobody_mailed(registration_ids):
        for index, details in coming.items():
            registration = register(
                event.id, details, tell=False, person=people[index]
            ).registration
            registration_ids.append(registration.id)
            made[index] = registration
            chosen = [workshops[title] for title in plan.workshops.get(index, [])]
            if chosen and registration.is_confirmed:
                choose_workshops(registration, chosen)
        for index in plan.cancelling:
            if index in made:
                cancel_registration(made[index].id, by="attendee")
    db.session.commit()
    return len(made)


def load_demo_registrations() -> int:
    """Register the demo people who are not registered yet; returns how many were."""
    db.session.commit()  # each event's registrations take its lock first
    created = 0
    for plan in plans():
        event = db.session.scalar(sa.select(Event).where(Event.slug == plan.slug))
        # Demo data loaded weeks ago: an event since started or over takes nobody new.
        if event is not None and registration_closed_reason(event) is None:
            created += _carry_out(plan, event)
    return created
