"""The audit log: what organisers and admins did with personal data, by whom, when and for
which event. Services record a line in the same transaction as the action itself, so an
action that is rolled back leaves no line, and one that happened always has one."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.extensions import db
from app.privacy.models import AuditEntry
from app.programme.models import Event
from app.registration.models import Registration
from app.timezones import to_local


class Action(enum.StrEnum):
    EXPORT = "export"  # a list of people downloaded (registrations, attendance, a newsletter)
    PRINT = "print"  # badges or sign-in sheets
    MESSAGE = "message"  # a message sent to a group
    REGISTRATION_ADDED = "registration_added"  # by hand (phone, e-mail, walk-in)
    REGISTRATION_CHANGED = "registration_changed"  # details changed by an organiser
    REGISTRATION_CANCELLED = "registration_cancelled"  # by an organiser
    LINK_RESENT = "link_resent"
    CHECK_IN_UNDONE = "check_in_undone"
    HOURS_CORRECTED = "hours_corrected"
    CERTIFICATE_REVOKED = "certificate_revoked"
    DATA_VIEWED = "data_viewed"  # an admin looked up a person's data on request
    DATA_EXPORTED = "data_exported"  # a person's data downloaded by an admin on request
    DATA_CORRECTED = "data_corrected"
    CONSENT_WITHDRAWN = "consent_withdrawn"  # by an admin on request
    ERASED = "erased"
    AUDIT_EXPORTED = "audit_exported"
    MEMBER_ADDED = "member_added"  # to a work team (asked whether they may be named)


LABELS = {
    Action.EXPORT: _l("Lijst gedownload"),
    Action.PRINT: _l("Badges of tekenlijst afgedrukt"),
    Action.MESSAGE: _l("Bericht verstuurd"),
    Action.REGISTRATION_ADDED: _l("Aanmelding toegevoegd"),
    Action.REGISTRATION_CHANGED: _l("Aanmelding gewijzigd"),
    Action.REGISTRATION_CANCELLED: _l("Aanmelding geannuleerd"),
    Action.LINK_RESENT: _l("Persoonlijke link opnieuw verstuurd"),
    Action.CHECK_IN_UNDONE: _l("Check-in ongedaan gemaakt"),
    Action.HOURS_CORRECTED: _l("Uren gecorrigeerd"),
    Action.CERTIFICATE_REVOKED: _l("Certificaat ingetrokken"),
    Action.DATA_VIEWED: _l("Gegevens van een persoon bekeken"),
    Action.DATA_EXPORTED: _l("Gegevens van een persoon gedownload"),
    Action.DATA_CORRECTED: _l("Gegevens van een persoon gecorrigeerd"),
    Action.CONSENT_WITHDRAWN: _l("Toestemming ingetrokken"),
    Action.ERASED: _l("Gegevens gewist"),
    Action.AUDIT_EXPORTED: _l("Auditlog gedownload"),
    Action.MEMBER_ADDED: _l("Lid van een werkteam toegevoegd"),
}


def record(
    action: Action, *, by: User | None, event: Event | int | None = None,
    registration: Registration | None = None, participant_id: int | None = None,
    detail: str = "", on_request_of: str = "",
) -> AuditEntry:  # fmt: skip
    """One line in the log. `detail` says what in a few words without personal data (counts,
    ids, a kind of list); names and addresses never go in the log."""
    event_id = event.id if isinstance(event, Event) else event
    if registration is not None:
        event_id = event_id or registration.event_id
        participant_id = participant_id or registration.participant_id
    entry = AuditEntry(
        action=action,
        user_id=by.id if by is not None else None,
        user_name=by.name if by is not None else "",
        event_id=event_id,
        registration_id=registration.id if registration is not None else None,
        participant_id=participant_id,
        detail=detail[:300],
        on_request_of=on_request_of[:200],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def label(action: str) -> str:
    """The action in words; an action no longer known shows as it is stored."""
    return str(LABELS.get(action, action))


def people(n: int) -> str:
    """A count for `detail`: "1 persoon", "47 personen" (the log is kept in Dutch)."""
    return "1 persoon" if n == 1 else f"{n} personen"


# --- reading the log --------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    action: str | None = None
    event_id: int | None = None
    user_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    def described(self) -> str:
        """The filters in a few words without personal data, for the export's own line."""
        parts = [f"actie {self.action}" if self.action else "",
                 f"activiteit #{self.event_id}" if self.event_id else "",
                 f"gebruiker #{self.user_id}" if self.user_id else "",
                 f"vanaf {to_local(self.since):%Y-%m-%d %H:%M}" if self.since else "",
                 f"tot {to_local(self.until):%Y-%m-%d %H:%M}" if self.until else ""]  # fmt: skip
        return ", ".join(p for p in parts if p) or "alles"


def query(filters: Filters) -> sa.Select:
    """The log, newest first, narrowed by the filters given (for a page or an export)."""
    query = (
        sa.select(AuditEntry)
        .options(so.joinedload(AuditEntry.event))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.event_id:
        query = query.where(AuditEntry.event_id == filters.event_id)
    if filters.user_id:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if filters.since:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until:
        query = query.where(AuditEntry.at < filters.until)
    return query


def entries(filters: Filters, *, limit: int | None = None) -> list[AuditEntry]:
    """The log, newest first, narrowed by the filters given."""
    selected = query(filters)
    if limit:
        selected = selected.limit(limit)
    return list(db.session.scalars(selected))


def events_in_log() -> list[Event]:
    """The events the log has lines about, the latest first: what the event filter offers."""
    return list(db.session.scalars(
        sa.select(Event).where(Event.id.in_(sa.select(AuditEntry.event_id).distinct()))
        .order_by(Event.starts_at.desc(), Event.id.desc())))  # fmt: skip


def users_in_log() -> list[tuple[int, str]]:
    """(id, name) of the accounts that acted, by name: what the user filter offers. The name
    is the account's current one; the lines keep the name it had then."""
    return list(db.session.execute(
        sa.select(User.id, User.name).where(User.id.in_(sa.select(AuditEntry.user_id).distinct()))
        .order_by(User.name, User.id)).all())  # fmt: skip


def export_rows(filters: Filters, *, by: User) -> list[list]:
    """A header row, then one row per line of the filtered log, newest first; the export is
    itself a line in the log (recorded after reading, so it is not in its own file)."""
    rows = [[_("Wanneer"), _("Wie"), _("Wat"), _("Activiteit"), _("Activiteit-id"),
             _("Aanmelding-id"), _("Persoon-id"), _("Details"), _("Op verzoek van")]]  # fmt: skip
    for entry in db.session.scalars(query(filters)):
        rows.append([
            to_local(entry.at).replace(tzinfo=None, microsecond=0),
            entry.user_name, label(entry.action), entry.event.title if entry.event else "",
            entry.event_id or "", entry.registration_id or "", entry.participant_id or "",
            entry.detail, entry.on_request_of,
        ])  # fmt: skip
    record(Action.AUDIT_EXPORTED, by=by,
           detail=f"{len(rows) - 1} regels; filter: {filters.described()}")  # fmt: skip
    return rows


def expire(now: datetime) -> int:
    """Lines older than PRIVACY_AUDIT_MONTHS go (run with the retention job)."""
    from app.privacy.retention import add_months

    cutoff = add_months(now, -current_app.config["PRIVACY_AUDIT_MONTHS"])
    return db.session.execute(sa.delete(AuditEntry).where(AuditEntry.at < cutoff)).rowcount
