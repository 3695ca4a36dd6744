"""Events and sessions as iCalendar (RFC 5545): plain functions from models to components.

One builder for an event and one for a session; every feed and every invitation is made of
them, so a feed, the event page's download and a mail about the same thing always agree.
UIDs are `<kind>-<id>@<host>` and never change once given out. Everything in an entry comes
from the records (DTSTAMP included), so the same data gives the same bytes: a strong ETag
holds. Times carry TZID=Europe/Amsterdam with the shared VTIMEZONE (app/calendar/timezone.py).
Callers run these inside `force_locale`: titles like "GEANNULEERD: " are translated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

from app.calendar.timezone import amsterdam_vtimezone
from app.programme.models import Event
from app.timezones import to_local

# Never changes: clients use it to recognise who wrote a calendar.
PRODID = "-//Kennisagenda//Kennisagenda//NL"
# How often a subscribed client should look again (Apple and Outlook honour it; Google not).
REFRESH = timedelta(hours=1)


def uid(kind: str, record_id: int, host: str) -> str:
    return f"{kind}-{record_id}@{host}"


def place(event: Event) -> str:
    return ", ".join(part for part in (event.venue_name, event.address, event.city) if part)


def _clock(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.hour:02d}.{local.minute:02d}"  # as strftime("%H.%M"), at a third of the cost


def agenda_line(starts_at: datetime, ends_at: datetime, title: str, room: str | None = None) -> str:
    """'10.40–11.55 Maatjesprojecten (Zaal 2)', as the agenda in a description shows it."""
    line = f"{_clock(starts_at)}–{_clock(ends_at)} {title}"
    return f"{line} ({room})" if room is not None else line


def session_line(session, *, waiting: int | None = None) -> str:
    """A session's agenda line, saying also when it was cancelled or the reader waits for it."""
    room = session.room.name if session.room is not None else None
    line = agenda_line(session.starts_at, session.ends_at, session.title, room)
    if session.is_cancelled:
        line += " – " + _("geschrapt")
    if waiting is not None:
        line += " – " + _("wachtlijst, plaats %(position)d", position=waiting)
    return line


@dataclass(frozen=True)
class AgendaState:
    """What an event's entry shows of its agenda — (start, end, title, room name) of each
    scheduled session, in order — and how often that agenda changed since it was published
    (every recorded change raises the event entry's SEQUENCE)."""

    sessions: tuple[tuple[datetime, datetime, str, str | None], ...] = ()
    revision: int = 0
    last_change: datetime | None = None


def _status(cancelled: bool, tentative: bool) -> str:
    if cancelled:
        return "CANCELLED"
    return "TENTATIVE" if tentative else "CONFIRMED"


def _title(title: str, cancelled: bool, tentative: bool) -> str:
    if cancelled:
        return _("GEANNULEERD: %(title)s", title=title)
    if tentative:
        return _("Wachtlijst: %(title)s", title=title)
    return title


def _common(entry: VEvent, *, start, end, modified: datetime, sequence: int, url: str) -> None:
    entry.add("dtstamp", modified)
    entry.add("last-modified", modified)
    entry.add("sequence", sequence)
    entry.add("dtstart", to_local(start))
    entry.add("dtend", to_local(end))
    entry.add("url", url)
    entry.add("class", "PUBLIC")


def event_entry(event: Event, *, host: str, url: str, agenda: AgendaState = AgendaState(),
                tentative: bool = False, online_link: bool = False) -> VEvent:  # fmt: skip
    """The event as one VEVENT: its time and place, its summary and its agenda. The online
    meeting's link only with `online_link`: for someone with a place, never in a public feed."""
    cancelled = event.is_cancelled
    entry = VEvent()
    entry.add("uid", uid("event", event.id, host))
    modified = max(filter(None, (event.updated_at, event.cancelled_at, agenda.last_change)))
    _common(entry, start=event.starts_at, end=event.ends_at, modified=modified,
            sequence=event.ical_sequence + agenda.revision, url=url)  # fmt: skip
    entry.add("summary", _title(event.title, cancelled, tentative))
    parts = [event.summary] if event.summary else []
    if agenda.sessions:
        parts.append(_("Programma:") + "\n" + "\n".join(agenda_line(*s) for s in agenda.sessions))
    if event.online_url and online_link:
        parts.append(_("Online: %(url)s", url=event.online_url))
    parts.append(url)
    entry.add("description", "\n\n".join(parts))
    location = place(event) or (_("Online") if event.online_url else "")
    if location:
        entry.add("location", location)
    entry.add("status", _status(cancelled, tentative))
    entry.add("transp", "OPAQUE")
    return entry


def session_entry(session, *, host: str, url: str, waiting: int | None = None) -> VEvent:
    """A session of an event's agenda; cancelled when it or its event is. `waiting`: the
    feed's owner waits for a place in it (TENTATIVE, "Wachtlijst: " before its title)."""
    event = session.event
    cancelled = session.is_cancelled or event.is_cancelled
    tentative = waiting is not None
    entry = VEvent()
    entry.add("uid", uid("session", session.id, host))
    modified = max(filter(None, (session.updated_at, session.cancelled_at, event.cancelled_at)))
    # The event's time, place and status are the session's too: both counters only rise.
    _common(entry, start=session.starts_at, end=session.ends_at, modified=modified,
            sequence=session.ical_sequence + event.ical_sequence, url=url)  # fmt: skip
    entry.add("summary", _title(session.title, cancelled, tentative))
    parts = [event.title]
    if session.speakers:
        parts.append(", ".join(speaker.name for speaker in session.speakers))
    if session.description:
        parts.append(session.description)
    if tentative:
        parts.append(_("U staat op plaats %(position)d van de wachtlijst.", position=waiting))
    parts.append(url)
    entry.add("description", "\n\n".join(parts))
    location = ", ".join(filter(None, (session.room.name if session.room else "", place(event))))
    if location:
        entry.add("location", location)
    entry.add("status", _status(cancelled, tentative))
    entry.add("transp", "OPAQUE")
    return entry


def calendar(entries, *, method: str, name: str | None = None,
             description: str | None = None) -> Calendar:  # fmt: skip
    """A calendar of these entries with the one VTIMEZONE they all use. A feed (`name` given)
    also says what it is called and how often to look again."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name is not None:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
        if description:
            cal.add("description", description)
            cal.add("x-wr-caldesc", description)
        cal.add("x-wr-timezone", "Europe/Amsterdam")
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH))
    cal.add_component(amsterdam_vtimezone())
    for entry in entries:
        cal.add_component(entry)
    return cal
