"""Demo data for the desk: a kenniscafé two hours from now with eight people registered and
the demo desk account on it, so that `make run` shows the desk at once."""

from __future__ import annotations

from datetime import timedelta

from app.accounts import services as accounts
from app.accounts.models import User
from app.attendance.services import set_desk_staff
from app.extensions import db
from app.programme import services as programme
from app.programme.models import Event, EventKind
from app.programme.slugs import slugify
from app.registration import services as registration_services
from app.registration.services import RegistrationDetails
from app.timezones import utcnow

# A kenniscafé two hours from now with people registered, so that the desk (/balie) can be tried at once.
DESK_DEMO_SLUG = "kenniscafe-de-balie-proberen"
DESK_DEMO_PEOPLE = [
    ("Anna de Vries", "Wijkteam Nijmegen-Oost"), ("Şükrü Çelik", "Sociaal Wijkteam Dukenburg"),
    ("Zoë IJsselmuiden", "Hogeschool, opleiding Social Work"), ("Jan van der Berg", "Gemeente Nijmegen"),
    ("Nguyễn Thị Minh Khai", "Buurtteam Jeugd en Gezin"), ("Fatima El Amrani", "Lectoraat Sociale Veerkracht"),
    ("Piet Aalders", "Stichting Welzijn West"), ("Maria Magdalena van Oosterhout-Wijnberg", "Wijkteam Lindenholt"),
]  # fmt: skip


def desk_demo(organiser: User) -> Event:
    start = (utcnow() + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    event = programme.create_event(organiser, {
        "kind": EventKind.KENNISCAFE, "title": "Kenniscafé: de balie proberen",
        "summary": "Een kenniscafé met aanmeldingen, om de balie en het inchecken te proberen.",
        "starts_at": start, "ends_at": start + timedelta(hours=2), "capacity": 30,
        "venue_name": "Wijkcentrum De Schakel", "address": "Thijmstraat 40", "city": "Nijmegen",
    })  # fmt: skip
    event.slug = DESK_DEMO_SLUG
    programme.publish_event(event)
    db.session.flush()
    everyone = [
        RegistrationDetails(name=name, organisation=organisation,
                            email=slugify(name).replace("-", ".") + "@voorbeeld.example")
        for name, organisation in DESK_DEMO_PEOPLE
    ]  # fmt: skip
    # Every person before the event's lock, which the first registration takes (see person_for).
    people = [registration_services.person_for(details) for details in everyone]
    for details, person in zip(everyone, people, strict=True):
        # No mail for made-up people.
        registration_services.register(event.id, details, tell=False, person=person)
    set_desk_staff(event, {accounts.user_by_email("balie@kennisagenda.example").id})
    return event
