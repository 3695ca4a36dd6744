"""The calendar benchmarks' data: published themadagen with full agendas, as plain Python first
(`plan`), then written to a fresh database through the models (`seed`).

Each themadag has four rooms and ten agenda items — coffee, an opening, two rounds of three
workshops, lunch, a closing — led by speakers from a shared pool. The days are spread over the
coming months, across the change to summer time, so both offsets occur in every feed."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

# Every link in a feed is built on BASE_URL: the same value for every process of a benchmark.
BASE_URL = "http://127.0.0.1:5000"
SPEAKERS = 60
THEMES = ("Jeugdhulp in de wijk", "Armoede en schulden", "Wonen en zorg", "Mantelzorg",
          "Participatie en werk", "Eenzaamheid", "Huiselijk geweld", "Digitale inclusie")  # fmt: skip
VENUES = (("De Lindenberg", "Ridderstraat 23", "Nijmegen"),
          ("Wijkcentrum Titus Brandsma", "Einsteinstraat 12", "Nijmegen"),
          ("Cultuurhuis Tiel", "Weerstraat 5", "Tiel"),
          ("Het Gebouw", "Bredestraat 9", "Culemborg"))  # fmt: skip
ROOMS = (("Grote zaal", 150), ("Zaal 1", 30), ("Zaal 2", 25), ("Zaal 3", 20))
# (kind, title, from, until, room index or None, speakers): ten items, in the order of the day.
DAY = (("break", "Inloop en koffie", "09.30", "10.00", None, 0),
       ("plenary", "Opening: {theme} in Rivierenland", "10.00", "10.45", 0, 1),
       ("workshop", "Werkplaats: casuïstiek bespreken", "11.00", "12.15", 1, 1),
       ("workshop", "Onderzoek in de praktijk", "11.00", "12.15", 2, 2),
       ("workshop", "Samen met ervaringsdeskundigen", "11.00", "12.15", 3, 1),
       ("break", "Lunch", "12.15", "13.00", None, 0),
       ("workshop", "Wat werkt? Interventies gewogen", "13.00", "14.15", 1, 1),
       ("workshop", "Gesprekstechnieken voor wijkteams", "13.00", "14.15", 2, 1),
       ("workshop", "Data van de gemeente lezen", "13.00", "14.15", 3, 2),
       ("plenary", "Afsluiting en borrel", "14.30", "15.30", 0, 1))  # fmt: skip


@dataclass
class PlannedSession:
    kind: str
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime
    room: int | None  # index into ROOMS
    speakers: tuple[int, ...]  # indices into the speaker pool


@dataclass
class PlannedEvent:
    title: str
    slug: str
    summary: str
    venue: tuple[str, str, str]
    online_url: str | None
    starts_at: datetime  # UTC
    ends_at: datetime
    sessions: list[PlannedSession] = field(default_factory=list)
    agenda_changes: int = 0


def _at(day: date, clock: str) -> datetime:
    from app.timezones import from_local

    hours, minutes = clock.split(".")
    return from_local(datetime.combine(day, time(int(hours), int(minutes))))


def plan(
    events: int = 200, per_event: int = 10, first_day: date | None = None
) -> list[PlannedEvent]:
    """`events` themadagen with `per_event` agenda items each (the day above, repeated or cut),
    spread over the 240 days from `first_day` (default: tomorrow)."""
    first_day = first_day or date.today() + timedelta(days=1)
    result = []
    for i in range(events):
        day = first_day + timedelta(days=i * 240 // max(events, 1))
        theme = THEMES[i % len(THEMES)]
        event = PlannedEvent(
            title=f"Themadag {theme} #{i + 1}",
            slug=f"themadag-{i + 1}-{day:%Y-%m-%d}",
            summary=f"Een dag over {theme.lower()}: lezingen, workshops en ontmoeting "
            "voor wijkteams, onderzoekers, studenten en gemeenten.",
            venue=VENUES[i % len(VENUES)],
            online_url=f"https://meet.example.org/themadag-{i + 1}" if i % 5 == 0 else None,
            starts_at=_at(day, "09.30"),
            ends_at=_at(day, "16.00"),
            agenda_changes=2 if i % 4 == 0 else 0,  # every fourth agenda was changed since
        )  # fmt: skip
        for n in range(per_event):
            kind, title, start, end, room, speakers = DAY[n % len(DAY)]
            event.sessions.append(PlannedSession(
                kind=kind, title=title.format(theme=theme.lower()), starts_at=_at(day, start),
                ends_at=_at(day, end), room=room,
                speakers=tuple((i * 7 + n + k) % SPEAKERS for k in range(speakers)),
            ))  # fmt: skip
        result.append(event)
    return result


def seed(database_url: str, planned: list[PlannedEvent]) -> None:
    """Migrate the empty database and write the planned events, published, in one transaction."""
    from flask_migrate import upgrade

    from app.agenda.models import AgendaChange, Room, Session, Speaker
    from app.extensions import db
    from app.programme.models import Event, EventStatus
    from app.timezones import utcnow

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        now = utcnow()
        pool = [Speaker(name=f"Spreker {n + 1:02d}", organisation="Hogeschool Rivierenland",
                        bio="Lector en onderzoeker.") for n in range(SPEAKERS)]  # fmt: skip
        db.session.add_all(pool)
        for p in planned:
            venue, address, city = p.venue
            event = Event(kind="themadag", title=p.title, slug=p.slug, summary=p.summary,
                          starts_at=p.starts_at, ends_at=p.ends_at, venue_name=venue,
                          address=address, city=city, online_url=p.online_url, capacity=150,
                          status=EventStatus.PUBLISHED, published_at=now)  # fmt: skip
            db.session.add(event)
            db.session.flush()  # the event's id, for its rooms and sessions
            rooms = [Room(event_id=event.id, name=name, capacity=capacity, position=k)
                     for k, (name, capacity) in enumerate(ROOMS)]  # fmt: skip
            db.session.add_all(rooms)
            db.session.add_all(
                Session(event_id=event.id, kind=s.kind, title=s.title, starts_at=s.starts_at,
                        ends_at=s.ends_at, capacity=None, status="scheduled",
                        room=rooms[s.room] if s.room is not None else None,
                        speakers=[pool[k] for k in s.speakers])
                for s in p.sessions
            )  # fmt: skip
            db.session.add_all(AgendaChange(event_id=event.id, what="moved", before={}, after={},
                                            notified_at=now) for _ in range(p.agenda_changes))  # fmt: skip
        db.session.commit()
        db.engine.dispose()


def make_app(database_url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                       "BASE_URL": BASE_URL, "RATELIMIT_ENABLED": False})  # fmt: skip


def with_bare_route(app):
    """Adds GET /bench/bare to `app`: the same server, middleware and request hooks as every
    other page, and no work of its own (no query, a two-byte body). The yardstick for a route."""

    @app.get("/bench/bare")
    def bare():
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app


@contextmanager
def database(database_url: str | None):
    """The given (empty) database, or a fresh SQLite file in a temporary folder."""
    if database_url:
        yield database_url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'calendar-bench.sqlite3'}"


def counts(database_url: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        result = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                  for table in ("events", "sessions", "rooms", "speakers", "agenda_changes")}  # fmt: skip
    engine.dispose()
    return result
