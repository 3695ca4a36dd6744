"""Everything held about one person, as a page for people (the rights page and the admin's):
what each column means in words, and what each row is about. The download is the JSON of
person_data.py; this page leaves out ids, mail internals and a mail's raw HTML."""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.privacy import statement
from app.privacy.consent import how_label
from app.privacy.person_data import capital
from app.registration.person import MAIL_KINDS
from app.timezones import format_day, format_moment

# --- for people: the readable page ---------------------------------------------------------------
# The page shows what a column means, not how rows link up: ids, mail internals and the raw
# HTML of a mail are in the download only.

TECHNICAL = {"id", "ical_sequence", "message_id", "attempts", "next_attempt_at", "client_id",
             "list_id", "html_body", "calendar", "calendar_method", "secret_kept_hashed",
             "questions", "event", "session", "theme", "sessions"}  # fmt: skip

LABELS = {
    "status": _l("status"),
    "created_at": _l("aangemaakt op"),
    "updated_at": _l("laatst gewijzigd op"),
    "confirmed_at": _l("plaats gekregen op"),
    "cancelled_at": _l("afgemeld op"),
    "cancelled_by": _l("afgemeld door"),
    "waitlist_position": _l("plaats op de wachtlijst"),
    "position": _l("plaats op de wachtlijst"),
    "privacy_acknowledged_at": _l("privacyverklaring gelezen op"),
    "reminder_sent_at": _l("herinnering gestuurd op"),
    "group_messages_stopped_at": _l("berichten van de organisatoren gestopt op"),
    "beyond_capacity": _l("boven het maximum toegelaten"),
    "checked_in_at": _l("binnengekomen op"),
    "method": _l("hoe ingecheckt"),
    "undone_at": _l("ongedaan gemaakt op"),
    "undone_reason": _l("waarom ongedaan"),
    "recorded_at": _l("vastgelegd op"),
    "number": _l("nummer van het bewijs"),
    "event_title": _l("activiteit"),
    "event_kind": _l("soort activiteit"),
    "event_starts_at": _l("begin van de activiteit"),
    "event_ends_at": _l("einde van de activiteit"),
    "event_place": _l("plaats"),
    "hours": _l("netto contacturen"),
    "points": _l("punten"),
    "issued_at": _l("uitgegeven op"),
    "revoked_at": _l("ingetrokken op"),
    "revoked_reason": _l("reden van intrekken"),
    "mailed_at": _l("gemaild op"),
    "made_at": _l("gecorrigeerd op"),
    "purpose": _l("waarvoor"),
    "text_version": _l("versie van de tekst"),
    "asked_at": _l("gevraagd op"),
    "kind": _l("soort"),
    "reply_to": _l("antwoorden naar"),
    "last_error": _l("laatste foutmelding bij verzenden"),
    "sent_at": _l("verzonden op"),
    "source": _l("waar gegeven"),
    "expires_at": _l("verloopt op"),
    "at": _l("wanneer"),
    "action": _l("handeling"),
    "detail": _l("wat precies"),
    "changed_at": _l("gewijzigd op"),
    "slug": _l("adres op de site"),
}

WORDS = {
    "confirmed": _l("bevestigd"),
    "waitlisted": _l("wachtlijst"),
    "cancelled": _l("geannuleerd"),
    "pending": _l("wacht op verzending"),
    "sending": _l("wordt verzonden"),
    "sent": _l("verzonden"),
    "failed": _l("niet bezorgd"),
    "newsletter": _l("nieuwsbrief"),
    "photos": _l("foto's"),
    "member_shown": _l("genoemd als lid van een werkteam"),
    "manage": _l("de persoonlijke link naar de aanmelding"),
    "unsubscribe": _l("de link om berichten te stoppen"),
    "attendee": _l("de deelnemer"),
    "organiser": _l("een organisator"),
}


def label(table: str, column: str) -> str:
    return str(LABELS.get(column) or statement.field_name(table, column) or column)


def readable(table: str, rows: list[dict]) -> list[dict]:
    """Each row as {"heading": what it is about, "fields": [(label, value)]}, a value being
    text, or a list of lines for an object or a list."""
    result = []
    for row in rows:
        values = dict(row)
        if table == "registrations" and values.get("answers"):
            asked = values.get("questions") or {}
            values["answers"] = {asked.get(k, k): v for k, v in values["answers"].items()}
        fields = [(capital(label(table, c)), _readable(c, v)) for c, v in values.items()
                  if c not in TECHNICAL and not c.endswith("_id")]  # fmt: skip
        result.append({"heading": _heading(row), "fields": fields})
    return result


def _heading(row: dict) -> dict | None:
    """What a row is about: its session or event (a title organisers wrote, and its day), or
    its theme."""
    about = row.get("session") or row.get("event")
    if about is not None:
        return {
            "title": about["title"],
            "day": format_day(about["starts_at"], str(get_locale() or "nl")),
        }
    if "theme" in row:
        return {"title": row["theme"]["name"], "day": None}
    return None


def _readable(column: str, value):
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_l("ja") if value else _l("nee"))
    if isinstance(value, datetime):
        return format_moment(value, str(get_locale() or "nl"))
    if isinstance(value, dict):
        return [f"{k}: {_flat(v)}" for k, v in value.items()]
    if isinstance(value, list):
        return [_flat(v) for v in value]
    if isinstance(value, str) and column in ("status", "purpose", "cancelled_by"):
        return str(WORDS.get(value, value))
    if isinstance(value, str) and column in ("given_how", "withdrawn_how"):
        return how_label(value)
    if isinstance(value, str) and column == "kind" and value in MAIL_KINDS:
        return str(MAIL_KINDS[value])
    return str(value)


def _flat(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
