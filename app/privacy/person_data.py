"""Everything held about one person, across events, gathered from the registry: what they see
on "Mijn gegevens", download as JSON (AVG articles 15 and 20) and what an admin shows on request.

Which rows are theirs is decided per table from its columns, so that a table added to the
registry is found without an edit here: the participant's own row; rows pointing at them
(`participant_id`, a foreign key to participants); rows of their registrations (the registry's
`registration_column`, `registration_id`, a foreign key to registrations); rows carrying their
address (an e-mail column the model marks personal); and a speaker's edit history through the
speaker. Tables outside the registry that point at them or their registrations (workshop
choices, check-ins) come along, because they say what the person did. Secrets are never shown
(a hashed link says only that it exists), nor who in the office acted (their names are theirs).

The JSON shape (documented in the README, `version` raised on any incompatible change):
    {"format": FORMAT, "version": 1, "generated_at": ISO 8601 with offset, "email": …,
     "tables": {table: {"title", "purpose", "legal_basis", "retention", "rows": [row…]}}}
A row holds the table's columns as stored, times in Europe/Amsterdam with their offset, and
context where a column alone says little: "event" (title, kind, dates, status), "session",
"theme", "questions" (the questions answered), "secret_kept_hashed".
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.agenda.models import Session
from app.extensions import db
from app.privacy import statement
from app.privacy.registry import REGISTRY, PersonalData, Treatment
from app.programme.models import Event, Theme
from app.registration.models import Participant, Question, Registration
from app.timezones import to_local, utcnow

FORMAT = "kennisagenda-persoonsgegevens"
VERSION = 1

ADDRESS_COLUMNS = ("email", "recipient", "contact_email")
# Rows reached through a row found already: the edits of a speaker who is this person.
THROUGH = {"speaker_edits": ("speaker_id", "speakers")}
# Never shown: who in the office acted is that person's data, not this one's.
OTHERS = {("audit_entries", "user_name")}

# Names of tables the registry does not list (it has the statement's names for the others).
EXTRA_TITLES = {
    "session_choices": _l("Gekozen workshops"),
    "check_ins": _l("Aanwezigheid"),
    "rights_links": _l("Links om uw gegevens te bekijken"),
}
# The order people read them in; tables not named here follow.
ORDER = ("participants", "registrations", "session_choices", "check_ins", "certificates",
         "hours_corrections", "consents", "outbox_messages")  # fmt: skip


def person_data(participant: Participant) -> dict:
    """Every row held about this person, by table, with the registry's account of why."""
    registration_ids = list(db.session.scalars(
        sa.select(Registration.id).where(Registration.participant_id == participant.id)))  # fmt: skip
    found: dict[str, list[dict]] = {}
    for table, entry in _tables():
        conditions = belongs(table, entry, participant, registration_ids, found)
        if not conditions:
            continue
        rows = _rows(table, entry, conditions)
        if rows:
            found[table.name] = rows
    _add_context(found)
    periods = statement.configured_periods()
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": utcnow(),
        "email": participant.email,
        "tables": {name: _section(name, rows, periods) for name, rows in found.items()},
    }


def as_json(data: dict) -> str:
    return json.dumps(data, default=_json_value, ensure_ascii=False, indent=2)


def unplaced() -> set[str]:
    """Registry tables of which no row could be told to belong to anyone: a new kind of table
    this module must learn to place (tests/privacy/test_person_data.py keeps this empty)."""
    nobody = Participant(id=0, email="-", name="-")
    return {entry.table for entry in REGISTRY
            if not belongs(db.metadata.tables[entry.table], entry, nobody, [], {})}  # fmt: skip


# --- which rows --------------------------------------------------------------------------------


def _tables() -> list[tuple[sa.Table, PersonalData | None]]:
    """The registry's tables and every other table pointing at a person or a registration."""
    listed = {entry.table: entry for entry in REGISTRY}
    extra = [t.name for t in db.metadata.sorted_tables if t.name not in listed
             and any(_refers_to(c, "participants", "registrations") for c in t.columns)]  # fmt: skip
    names = [*listed, *sorted(extra)]
    names.sort(key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))  # stable: parents first
    return [(db.metadata.tables[n], listed.get(n)) for n in names]


def belongs(table: sa.Table, entry: PersonalData | None, participant: Participant,
            registration_ids: list[int], found: dict[str, list[dict]]) -> list:  # fmt: skip
    """The conditions, any of which makes a row of `table` this person's."""
    if table.name == "participants":
        return [table.c.id == participant.id]
    registration_column = entry.registration_column if entry else None
    conditions = []
    for column in table.columns:
        if column.name == "participant_id" or _refers_to(column, "participants"):
            conditions.append(column == participant.id)
        elif column.name in ("registration_id", registration_column) or _refers_to(
            column, "registrations"
        ):
            conditions.append(column.in_(registration_ids))
        elif column.name in ADDRESS_COLUMNS and column.info.get("personal") and participant.email:
            conditions.append(sa.func.lower(column) == participant.email.lower())
    if table.name in THROUGH:
        column, parent = THROUGH[table.name]
        conditions.append(table.c[column].in_([row["id"] for row in found.get(parent, [])]))
    if not conditions and entry is not None and for_a_role(entry) and participant.name:
        # A role named only by name (a work team's lead), on a public page: a namesake's
        # row would tell nothing that is not public already.
        conditions = [sa.func.lower(table.c[name]) == participant.name.lower()
                      for name in entry.fields if name.endswith("name")]  # fmt: skip
    return conditions


def points_at_person(table: str) -> bool:
    """Whether rows of `table` point at the person's record (and so go when it goes)."""
    return any(c.name == "participant_id" or _refers_to(c, "participants")
               for c in db.metadata.tables[table].columns)  # fmt: skip


def _refers_to(column: sa.Column, *tables: str) -> bool:
    return any(fk.column.table.name in tables for fk in column.foreign_keys)


def _secret(column: sa.Column) -> bool:
    name = column.name
    return name.endswith("_hash") or "token" in name or "password" in name


def _shown(column: sa.Column, entry: PersonalData | None) -> bool:
    if _secret(column) or isinstance(column.type, sa.LargeBinary):
        return False
    if _refers_to(column, "users") or (column.table.name, column.name) in OTHERS:
        return False
    if entry is not None and for_a_role(entry):
        # Kept for a role (speaker, organiser, contact): what the registry names and what the
        # row is; a theme's other columns say nothing about the person.
        shown = {"id", "name", "title", "slug", "theme_id", *entry.fields}
        return column.name in shown or column.name.endswith("_at")
    return True


def for_a_role(entry: PersonalData) -> bool:
    """Data held because the person is a speaker, an organiser or a contact, not an attendee:
    kept while in use, never erased with their registrations."""
    return bool(entry.fields) and all(h == Treatment.KEPT_WHILE_USED for h in entry.fields.values())


def _rows(table: sa.Table, entry: PersonalData | None, conditions: list) -> list[dict]:
    columns = [c for c in table.columns if _shown(c, entry)]
    secret = any(_secret(c) for c in table.columns)
    query = sa.select(*columns).where(sa.or_(*conditions)).order_by(*table.primary_key.columns)
    rows = []
    for row in db.session.execute(query).mappings():
        values = {column.name: _without_links(row[column]) for column in columns}
        if secret:
            values["secret_kept_hashed"] = True
        rows.append(values)
    return rows


# A link that opens something personal (a manage link, a feed, a QR, this very page): a path
# part of 32 or more token characters. Such links are left out of the export, so a file the
# person forwards opens nothing of theirs (the secrets themselves are only kept hashed).
_PERSONAL_LINK = re.compile(r"https?://[^\s\"'<>]*/[A-Za-z0-9_.\-]{32,}[^\s\"'<>]*")
LINK_LEFT_OUT = "[persoonlijke link, weggelaten]"


def _without_links(value):
    return _PERSONAL_LINK.sub(LINK_LEFT_OUT, value) if isinstance(value, str) else value


# --- context -----------------------------------------------------------------------------------


def _add_context(found: dict[str, list[dict]]) -> None:
    """What an id alone does not say: the event, the session, the theme, the question."""
    rows = [row for table_rows in found.values() for row in table_rows]
    events = _by_id(Event, {row.get("event_id") for row in rows})
    registrations = {r["id"]: r for r in found.get("registrations", [])}
    sessions = _by_id(Session, {row.get("session_id") for row in rows})
    themes = _by_id(Theme, {row.get("theme_id") for row in rows})
    questions = _questions(found.get("registrations", []))
    for table, table_rows in found.items():
        for row in table_rows:
            event_id = row.get("event_id")
            if event_id is None and table != "registrations":
                event_id = registrations.get(row.get("registration_id"), {}).get("event_id")
            if event_id in events:
                row["event"] = _event(events[event_id])
            if row.get("session_id") in sessions:
                row["session"] = _session(sessions[row["session_id"]])
            if row.get("theme_id") in themes:
                row["theme"] = {"name": themes[row["theme_id"]].name}
            if table == "registrations" and row.get("answers"):
                row["questions"] = {k: questions[k] for k in row["answers"] if k in questions}


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


def _questions(registrations: list[dict]) -> dict[str, str]:
    ids = {int(k) for r in registrations for k in (r.get("answers") or {}) if str(k).isdigit()}
    return {str(q.id): q.text for q in _by_id(Question, ids).values()}


def _event(event: Event) -> dict:
    return {"id": event.id, "title": event.title, "kind": event.kind,
            "starts_at": event.starts_at, "ends_at": event.ends_at, "status": event.status}  # fmt: skip


def _session(session: Session) -> dict:
    return {"id": session.id, "title": session.title, "kind": session.kind,
            "starts_at": session.starts_at, "ends_at": session.ends_at}  # fmt: skip


def _section(table: str, rows: list[dict], periods: dict[str, str]) -> dict:
    entry = next((e for e in REGISTRY if e.table == table), None)
    title = statement.TABLE_NAMES.get(table) or EXTRA_TITLES.get(table) or table

    def text(value) -> str | None:
        return capital(statement.fill(value, periods)) if entry else None

    return {
        "title": str(title),
        "purpose": text(entry and entry.purpose),
        "legal_basis": text(entry and entry.legal_basis),
        "retention": text(entry and entry.retention),
        "rows": rows,
    }


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _json_value(value):
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)  # a lazy string
