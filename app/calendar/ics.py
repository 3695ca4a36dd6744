"""Events as iCalendar objects (RFC 5545, with RFC 5546 methods for e-mail invitations).

UIDs never change once given out; SEQUENCE rises with every update a person is sent; times
carry their Europe/Amsterdam TZID with a VTIMEZONE, so every client shows the same wall clock."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from icalendar import Calendar, Timezone, vCalAddress, vText
from icalendar import Event as VEvent

from app.programme.models import Event
from app.timezones import AMSTERDAM, to_local, utcnow

PRODID = "-//Kennisagenda//Kennisagenda 1.0//NL"


def event_uid(event: Event, base_url: str) -> str:
    host = urlsplit(base_url).hostname or "kennisagenda"
    return f"kennisagenda-event-{event.id}@{host}"


def _location(event: Event) -> str:
    return ", ".join(part for part in (event.venue_name, event.address, event.city) if part)


def event_invitation(
    event: Event,
    *,
    method: str,
    sequence: int,
    base_url: str,
    event_url: str,
    organizer_email: str,
    organizer_name: str,
    attendee_email: str | None = None,
    attendee_name: str = "",
    sessions=(),
) -> str:
    """The event as a calendar with METHOD `REQUEST` or `CANCEL`, followed by the given
    sessions of its agenda (a registrant's workshops), each with its own stable UID."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    entry = VEvent()
    entry.add("uid", event_uid(event, base_url))
    entry.add("sequence", sequence)
    entry.add("dtstamp", utcnow())
    entry.add("last-modified", event.updated_at or utcnow())
    entry.add("dtstart", to_local(event.starts_at))
    entry.add("dtend", to_local(event.ends_at))
    entry.add("summary", event.title)
    if event.summary:
        entry.add("description", f"{event.summary}\n\n{event_url}")
    else:
        entry.add("description", event_url)
    if _location(event):
        entry.add("location", _location(event))
    entry.add("url", event_url)
    cancelled = method == "CANCEL" or event.is_cancelled
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("transp", "OPAQUE")

    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(organizer_name)
    entry.add("organizer", organizer)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["cn"] = vText(attendee_name or attendee_email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        entry.add("attendee", attendee)

    calendar.add_component(entry)
    for session in sessions:
        calendar.add_component(_session_component(session, base_url, event_url, cancelled))
    # The VTIMEZONE comes first, as clients expect it before the events that use it.
    calendar.subcomponents.insert(0, amsterdam_vtimezone(event.starts_at.year, event.ends_at.year))
    return calendar.to_ical().decode()


def session_uid(session, base_url: str) -> str:
    host = urlsplit(base_url).hostname or "kennisagenda"
    return f"kennisagenda-session-{session.id}@{host}"


def _session_component(session, base_url: str, event_url: str, event_cancelled: bool) -> VEvent:
    entry = VEvent()
    entry.add("uid", session_uid(session, base_url))
    entry.add("sequence", session.ical_sequence)
    entry.add("dtstamp", utcnow())
    entry.add("last-modified", session.updated_at or utcnow())
    entry.add("dtstart", to_local(session.starts_at))
    entry.add("dtend", to_local(session.ends_at))
    entry.add("summary", session.title)
    if session.room is not None:
        entry.add("location", session.room.name)
    entry.add("url", event_url)
    cancelled = event_cancelled or session.is_cancelled
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return entry


@lru_cache(maxsize=32)
def amsterdam_vtimezone(first_year: int, last_year: int) -> Timezone:
    """Europe/Amsterdam's rules for the years a calendar spans (a year either side), made
    once per process: icalendar derives them by walking every transition, which is slow."""
    return Timezone.from_tzinfo(
        AMSTERDAM, "Europe/Amsterdam", date(first_year - 1, 1, 1), date(last_year + 2, 1, 1)
    )
