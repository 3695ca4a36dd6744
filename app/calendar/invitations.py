"""Invitations in mails (iMIP, RFC 6047): one VEVENT per message, with one UID per person and
event (`registration-<id>@<host>`), so that every update replaces the same entry in their
calendar and a CANCEL removes it. The person's workshops are in its description, not entries
of their own: a calendar then never keeps a workshop that nobody withdraws."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from icalendar import vCalAddress

from app.agenda.models import ChoiceStatus
from app.agenda.reading import workshops_of
from app.calendar.ics import calendar, event_entry, session_line, uid
from app.links import external_url, host
from app.registration.models import Registration
from app.timezones import utcnow

METHODS = ("REQUEST", "CANCEL")


def organizer_email(event) -> str:
    config = current_app.config
    return config["CALENDAR_ORGANIZER_EMAIL"] or event.contact_email or config["ORGANISATION_EMAIL"]


def workshop_lines(registration: Registration) -> list[str]:
    """Their workshops, with time and room; a waiting-list place says so."""
    lines = []
    for choice in workshops_of(registration.id):
        if choice.session.is_cancelled:
            continue
        waiting = choice.position if choice.status == ChoiceStatus.WAITLISTED else None
        lines.append("• " + session_line(choice.session, waiting=waiting))
    return lines


def invitation(registration: Registration, method: str) -> str:
    """The event for this person's calendar, with a SEQUENCE above anything they were sent.
    Call it in the transaction of the change it reports (it counts the SEQUENCE up)."""
    assert method in METHODS
    event = registration.event
    registration.ical_sequence += 1
    url = external_url("programme.event", slug=event.slug)
    entry = event_entry(event, host=host(), url=url)
    # Replace what the shared builder says with what holds for this person.
    for name in ("uid", "sequence", "dtstamp", "description", "status", "summary"):
        entry.pop(name)
    entry.add("uid", uid("registration", registration.id, host()))
    entry.add("sequence", registration.ical_sequence)
    entry.add("dtstamp", utcnow())
    cancelled = method == "CANCEL" or event.is_cancelled
    entry.add(
        "summary", _("GEANNULEERD: %(title)s", title=event.title) if cancelled else event.title
    )
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("description", _description(registration, url, cancelled))

    organizer = vCalAddress(f"mailto:{organizer_email(event)}")
    organizer.params["CN"] = current_app.config["ORGANISATION_NAME"]
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{registration.participant.email}")
    attendee.params["CN"] = registration.name or registration.participant.name
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED"
    attendee.params["RSVP"] = "FALSE"
    entry.add("attendee", attendee)
    return calendar([entry], method=method).to_ical().decode()


def _description(registration: Registration, url: str, cancelled: bool) -> str:
    event = registration.event
    parts = [event.summary] if event.summary else []
    if cancelled:
        parts.append(
            _(
                "Deze activiteit staat niet meer in uw agenda: u bent afgemeld, of de activiteit gaat niet door."
            )
        )
    else:
        lines = workshop_lines(registration)
        if lines:
            parts.append(_("Uw workshops:") + "\n" + "\n".join(lines))
        if event.online_url:
            parts.append(_("Online: %(url)s", url=event.online_url))
        parts.append(
            _(
                "Afmelden of uw workshops wijzigen kan alleen via de persoonlijke link in uw e-mail. "
                "Een uitnodiging weigeren of verwijderen in uw agenda meldt u niet af."
            )  # fmt: skip
        )
    parts.append(url)
    return "\n\n".join(parts)
