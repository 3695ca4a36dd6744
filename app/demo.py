"""`flask --app wsgi demo-data`: a realistic werkplaats programme to look around in.

Idempotent: every demo record has a fixed e-mail address or slug and is only created when
missing, so running it twice changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.attendance.demo import DESK_DEMO_SLUG, desk_demo
from app.demo_knowledge import load_demo_knowledge
from app.demo_registrations import load_demo_registrations
from app.extensions import db
from app.programme import services as programme
from app.programme.models import Event, EventKind, Theme
from app.programme.slugs import slugify
from app.programme.themes import create_theme
from app.timezones import AMSTERDAM, utcnow

DEMO_PASSWORD = "demo-wachtwoord"
DEMO_USERS = [
    ("beheer@kennisagenda.example", "Anouk de Beheerder", Role.ADMIN),
    ("organisator@kennisagenda.example", "Sanne Visser", Role.ORGANISER),
    ("balie@kennisagenda.example", "Joost Balie", Role.CHECKIN),
]

DEMO_THEMES = [
    {
        "name": "Intergenerationele overdracht",
        "description": (
            "Hoe geven generaties kennis, zorg en gewoonten aan elkaar door, en wat betekent dat "
            "voor het werk van wijkteams? Lectoraat en praktijk onderzoeken samen wat er goed "
            "gaat tussen jong en oud in de wijk."
        ),
        "contact_name": "Dr. Fatima El Amrani",
        "contact_email": "f.elamrani@kennisagenda.example",
    },
    {
        "name": "Armoede en bestaanszekerheid",
        "description": (
            "Schulden, geldzorgen en de stress die ze meebrengen: wat werkt in de begeleiding "
            "van huishoudens, en hoe werken wijkteams en schuldhulp samen?"
        ),
        "contact_name": "Mark Jansen",
        "contact_email": "m.jansen@kennisagenda.example",
    },
    {
        "name": "Jeugd en gezin",
        "description": "Opvoeden en opgroeien in de wijk: preventie, samenwerking met school en zorg.",
        "contact_name": "Lotte de Vries",
        "contact_email": "l.devries@kennisagenda.example",
    },
]


def _at(days_from_now: int, hour: int, minute: int = 0) -> datetime:
    """A time about `days_from_now` ahead (or back), moved to the next Tuesday or Thursday:
    the evenings and days a werkplaats actually plans, never a weekend or New Year's Day."""
    day = (utcnow().astimezone(AMSTERDAM) + timedelta(days=days_from_now)).date()
    while day.weekday() not in (1, 3) or (day.month, day.day) in ((12, 25), (12, 26), (1, 1)):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)


def _demo_events(themes: dict[str, Theme]) -> list[dict]:
    intergen = themes["intergenerationele-overdracht"]
    armoede = themes["armoede-en-bestaanszekerheid"]
    jeugd = themes["jeugd-en-gezin"]
    return [
        {
            "slug": "wat-gaat-er-goed-tussen-generaties",
            "kind": EventKind.KENNISCAFE,
            "title": "Wat gaat er goed tussen generaties?",
            "summary": "Een avond over wat jong en oud elkaar in de wijk te bieden hebben.",
            "description": (
                "Lector Fatima El Amrani deelt de eerste uitkomsten van het onderzoek naar "
                "intergenerationele overdracht in drie Nijmeegse wijken. Daarna gaan we met "
                "wijkteamprofessionals, studenten en bewoners in gesprek: wat gaat er al goed, "
                "en hoe bouwen we daarop voort?"
            ),
            "start": _at(16, 19, 30),
            "end": _at(16, 21, 30),
            "venue_name": "Wijkcentrum De Schakel",
            "address": "Thijmstraat 40",
            "city": "Nijmegen",
            "capacity": 40,
            "themes": [intergen],
            "contact_email": "werkplaats@kennisagenda.example",
            "publish": True,
            "accreditations": [("Registerplein", "RP-2026-11873", Decimal("2"))],
        },
        {
            "slug": "themadag-generaties-in-de-wijk",
            "kind": EventKind.THEMADAG,
            "title": "Themadag: Generaties in de wijk",
            "summary": "Plenaire lezingen en twee rondes parallelle workshops over jong en oud.",
            "description": (
                "Een dag over wat generaties elkaar in de wijk te bieden hebben: twee plenaire "
                "lezingen, een panel, en twee rondes met elk drie parallelle workshops. U kiest "
                "bij het aanmelden in elke ronde één workshop."
            ),
            "start": _at(37, 9, 30),
            "end": _at(37, 16, 0),
            "venue_name": "HAN, gebouw Kapittelweg",
            "address": "Kapittelweg 33",
            "city": "Nijmegen",
            "capacity": 300,
            "themes": [intergen, jeugd],
            "contact_email": "werkplaats@kennisagenda.example",
            "publish": True,
            "accreditations": [
                ("Registerplein", "RP-2026-12004", Decimal("5")),
                ("SKJ", "SKJ-341877", Decimal("5")),
            ],
        },
        {
            "slug": "kenniscafe-geldzorgen-bespreekbaar-maken",
            "kind": EventKind.KENNISCAFE,
            "title": "Geldzorgen bespreekbaar maken",
            "summary": "Hoe begin je het gesprek over geld, en wat doe je als het schuurt?",
            "description": "Een praktijkavond met ervaringsdeskundigen en schuldhulpverleners.",
            "start": _at(58, 19, 30),
            "end": _at(58, 21, 30),
            "venue_name": "Bibliotheek De Mariënburg",
            "address": "Mariënburg 29",
            "city": "Nijmegen",
            "capacity": 35,
            "themes": [armoede],
            "contact_email": "werkplaats@kennisagenda.example",
            "publish": True,
            "accreditations": [],
        },
        {
            "slug": "kenniscafe-school-en-wijkteam",
            "kind": EventKind.KENNISCAFE,
            "title": "School en wijkteam: samen eerder erbij",
            "summary": "Vervalt wegens ziekte van de spreker; een nieuwe datum volgt.",
            "description": "Over samenwerking tussen basisscholen en wijkteams bij zorgen over kinderen.",
            "start": _at(23, 19, 30),
            "end": _at(23, 21, 0),
            "venue_name": "Wijkcentrum Dukenburg",
            "address": "Meijhorst 60-10",
            "city": "Nijmegen",
            "capacity": 30,
            "themes": [jeugd],
            "contact_email": "werkplaats@kennisagenda.example",
            "publish": True,
            "cancel": True,
            "accreditations": [],
        },
        {
            "slug": "kenniscafe-mantelzorg-jonge-mantelzorgers",
            "kind": EventKind.KENNISCAFE,
            "title": "Jonge mantelzorgers in beeld",
            "summary": "Wat jonge mantelzorgers nodig hebben van school en wijkteam.",
            "description": "Terugblik: een kenniscafé met onderzoekers en jongeren zelf.",
            "start": _at(-45, 19, 30),
            "end": _at(-45, 21, 30),
            "venue_name": "Wijkcentrum De Schakel",
            "address": "Thijmstraat 40",
            "city": "Nijmegen",
            "capacity": 40,
            "themes": [intergen, jeugd],
            "contact_email": "werkplaats@kennisagenda.example",
            "publish": True,
            "accreditations": [("Registerplein", "RP-2026-09120", Decimal("2"))],
        },
        {
            "slug": "themadag-bestaanszekerheid-2026",
            "kind": EventKind.THEMADAG,
            "title": "Themadag Bestaanszekerheid",
            "summary": "Een dag over armoede, schulden en wat wijkteams kunnen doen.",
            "description": "Terugblik op de themadag met lezingen en workshops.",
            "start": _at(-120, 9, 30),
            "end": _at(-120, 16, 30),
            "venue_name": "HAN, gebouw Kapittelweg",
            "address": "Kapittelweg 33",
            "city": "Nijmegen",
            "capacity": 250,
            "themes": [armoede],
            "contact_email": "werkplaats@kennisagenda.example",
            "publish": True,
            "accreditations": [("SKJ", "SKJ-330112", Decimal("4.5"))],
        },
        {
            "slug": "kenniscafe-eenzaamheid-concept",
            "kind": EventKind.KENNISCAFE,
            "title": "Eenzaamheid onder ouderen (concept)",
            "summary": "Nog in voorbereiding.",
            "description": "",
            "start": _at(90, 19, 30),
            "end": _at(90, 21, 30),
            "venue_name": "",
            "address": "",
            "city": "Nijmegen",
            "capacity": None,
            "themes": [intergen],
            "contact_email": "",
            "publish": False,
            "accreditations": [],
        },
    ]


THEMADAG_ROOMS = [("Aula", 300, "Rolstoeltoegankelijk, ringleiding"), ("Zaal 1.12", 30, "Lift aanwezig"),
                  ("Zaal 1.14", 30, "Lift aanwezig"), ("Zaal 2.03", 25, "Lift aanwezig")]  # fmt: skip
THEMADAG_SPEAKERS = {
    "smit": (
        "Prof. dr. Hanneke Smit",
        "Lectoraat Sociale Veerkracht",
        "Onderzoekt hoe generaties elkaar in de wijk steunen.",
    ),
    "elamrani": (
        "Dr. Fatima El Amrani",
        "Werkplaats Sociaal Domein",
        "Lector intergenerationele overdracht.",
    ),
    "bakker": ("Joris Bakker", "Wijkteam Oost", "Wijkcoach en ervaringsdeskundige."),
    "demir": ("Selin Demir", "Gemeente Nijmegen", "Beleidsadviseur ouderen en mantelzorg."),
}
# (kind, title, start, end, room, speakers, description)
THEMADAG_SESSIONS = [
    (
        "plenary",
        "Opening en keynote: Generaties als bron van veerkracht",
        (9, 30),
        (10, 30),
        "Aula",
        ["smit"],
        "",
    ),
    (
        "workshop",
        "Maatjesprojecten tussen jong en oud",
        (10, 45),
        (12, 0),
        "Zaal 1.12",
        ["bakker"],
        "Wat maakt een maatjesproject duurzaam? Ervaringen uit drie wijken.",
    ),
    ("workshop", "Mantelzorg over generaties heen", (10, 45), (12, 0), "Zaal 1.14", ["demir"], ""),
    (
        "workshop",
        "Intergenerationeel wonen: lessen uit de praktijk",
        (10, 45),
        (12, 0),
        "Zaal 2.03",
        ["elamrani"],
        "",
    ),
    ("break", "Lunch", (12, 0), (13, 0), None, [], ""),
    (
        "workshop",
        "Het gesprek over geld tussen ouders en kinderen",
        (13, 0),
        (14, 15),
        "Zaal 1.12",
        ["demir"],
        "",
    ),
    (
        "workshop",
        "Verhalen ophalen in de wijk: narratieve methoden",
        (13, 0),
        (14, 15),
        "Zaal 1.14",
        ["elamrani"],
        "",
    ),
    (
        "workshop",
        "Digitale inclusie: kleinkinderen als helpdesk?",
        (13, 0),
        (14, 15),
        "Zaal 2.03",
        ["bakker"],
        "",
    ),
    (
        "plenary",
        "Panel met wijkteams en gemeente, afsluiting",
        (14, 30),
        (15, 30),
        "Aula",
        ["smit", "demir"],
        "",
    ),
]


def _themadag_agenda(event: Event) -> None:
    """The demo themadag's agenda, built through the same services as the editor."""
    from app.agenda import services as agenda
    from app.agenda.models import Speaker
    from app.agenda.speakers import save_speaker

    if agenda.event_sessions(event):
        return
    rooms = {name: agenda.add_room(event, {"name": name, "capacity": capacity,
                                           "accessibility_notes": notes})
             for name, capacity, notes in THEMADAG_ROOMS}  # fmt: skip
    speakers = {}
    for key, (name, organisation, bio) in THEMADAG_SPEAKERS.items():
        existing = db.session.scalar(sa.select(Speaker).where(Speaker.name == name))
        speakers[key] = existing or save_speaker(
            {"name": name, "organisation": organisation, "bio": bio}
        )
    day = event.starts_at.astimezone(AMSTERDAM)
    for kind, title, start, end, room, speaker_keys, description in THEMADAG_SESSIONS:
        agenda.add_session(event, {
            "kind": kind, "title": title, "description": description,
            "starts_at": day.replace(hour=start[0], minute=start[1]),
            "ends_at": day.replace(hour=end[0], minute=end[1]),
            "room_id": rooms[room].id if room else None,
        }, [speakers[k] for k in speaker_keys])  # fmt: skip


def load_demo_data() -> tuple[int, int, int]:
    """Create what is missing; returns (users, events, registrations) created."""
    users_created = 0
    for email, name, role in DEMO_USERS:
        if accounts.user_by_email(email) is None:
            accounts.create_user(email, name, role, DEMO_PASSWORD)
            users_created += 1
    organiser = accounts.user_by_email("organisator@kennisagenda.example")

    themes = {}
    for details in DEMO_THEMES:
        slug = slugify(details["name"])
        theme = db.session.scalar(sa.select(Theme).where(Theme.slug == slug))
        themes[slug] = theme or create_theme(details)

    events_created = 0
    for spec in _demo_events(themes):
        if db.session.scalar(sa.select(Event.id).where(Event.slug == spec["slug"])):
            continue
        details = {k: v for k, v in spec.items() if k in programme.EDITABLE_FIELDS}
        details |= {"starts_at": spec["start"], "ends_at": spec["end"], "themes": spec["themes"]}
        event = programme.create_event(organiser, details)
        event.slug = spec["slug"]
        for register, number, points in spec["accreditations"]:
            programme.add_accreditation(event, register, number, points)
        if event.kind == EventKind.THEMADAG and event.slug == "themadag-generaties-in-de-wijk":
            _themadag_agenda(event)
        if spec["publish"]:
            programme.publish_event(event)
        if spec.get("cancel"):
            programme.cancel_event(event)
        events_created += 1
    if not db.session.scalar(sa.select(Event.id).where(Event.slug == DESK_DEMO_SLUG)):
        db.session.commit()  # the registrations below take the event's lock first
        desk_demo(organiser)
        events_created += 1
    db.session.commit()
    load_demo_knowledge(organiser)
    return users_created, events_created, load_demo_registrations()


@click.command("demo-data")
@with_appcontext
def demo_data_command() -> None:
    """Load demo themes, events, registrations and organiser accounts (safe to run again)."""
    users, events, registrations = load_demo_data()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    click.echo(
        f"Demo data ready: {users} accounts, {events} events and {registrations} registrations "
        f"created ({total} accounts)."
    )
    click.echo(f"Log in at /beheer/inloggen with one of these (password: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {role.value:<10} {email}")
