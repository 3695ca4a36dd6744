"""The rules of certificates: only for someone who was checked in at an event that has
ended; one valid certificate per registration (asking again returns it); a random number;
revoking keeps the reason for organisers; correcting a name or hours reissues.

Nothing here knows about HTTP; the caller commits."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.certificates import attendance
from app.certificates.models import Certificate, HoursCorrection
from app.certificates.numbers import new_number, normalise
from app.errors import DomainError, NotFoundHere, StateConflict
from app.extensions import db
from app.locking import lock_row
from app.privacy import audit
from app.privacy.retention import ANONYMOUS_DOMAIN
from app.programme.models import Event, EventStatus
from app.registration.models import Registration
from app.timezones import utcnow

MAX_HOURS = Decimal(100)
# The reason of a certificate revoked because its holder had their data erased: its public
# page says so instead of "removed after the retention period".
ERASED_ON_REQUEST = "ingetrokken: gegevens gewist op verzoek"


def ended(event: Event, now: datetime | None = None) -> bool:
    return event.status == EventStatus.PUBLISHED and (now or utcnow()) >= event.ends_at


def ensure_may_issue_for(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise StateConflict(_l("Deze activiteit is geannuleerd: er zijn geen certificaten."))
    if not ended(event):
        raise StateConflict(_l("Certificaten komen er pas na afloop van de activiteit."))


def ensure_may_issue_to(registration: Registration) -> None:
    """An anonymised registration (its period passed, or the person had it erased) names no
    one any more: a certificate made from it would name no one either, or someone erased."""
    if registration.participant.email.endswith(f"@{ANONYMOUS_DOMAIN}"):
        raise StateConflict(
            _l("Van deze aanmelding zijn geen gegevens meer: een certificaat kan niet.")
        )


def current_certificate(registration_id: int) -> Certificate | None:
    """The valid certificate of a registration, if it has one."""
    return db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.registration_id == registration_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.id.desc())
    )


def event_certificates(event: Event) -> list[Certificate]:
    """Every certificate of the event, oldest first (so a registration's newest wins in a map)."""
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.id)))  # fmt: skip


def _unique_number() -> str:
    while True:  # 31^8 numbers: a clash is all but impossible, never mind twice
        number = new_number()
        if not db.session.scalar(sa.select(Certificate.id).where(Certificate.number == number)):
            return number


def _place(event: Event) -> str:
    return ", ".join(p for p in (event.venue_name, event.address, event.city) if p)


def issue(registration_id: int, by: User | None = None, *, again: bool = False) -> Certificate:
    """The person's certificate: the valid one they have, or a new one. Under the
    registration's lock, so that two runs (a job and a download) never make two. A revoked
    certificate stays revoked: only reissuing (`again`) makes a new one after it."""
    registration = lock_row(Registration, registration_id)
    if registration is None:
        raise NotFoundHere()
    event = registration.event
    ensure_may_issue_for(event)
    ensure_may_issue_to(registration)
    existing = current_certificate(registration.id)
    if existing is not None:
        return existing
    if not again and _revoked(registration.id):
        raise StateConflict(_l("Het bewijs van deelname van deze aanmelding is ingetrokken."))
    person = attendance.attendance_of(registration)
    if person is None or not registration.is_confirmed:
        raise StateConflict(_l("Alleen wie aanwezig was, krijgt een bewijs van deelname."))
    full = attendance.event_full_hours(event)
    certificate = Certificate(
        registration_id=registration.id, event_id=event.id, number=_unique_number(),
        holder_name=registration.name, register_numbers=dict(registration.register_numbers),
        event_title=event.title, event_kind=event.kind, event_starts_at=event.starts_at,
        event_ends_at=event.ends_at, event_place=_place(event),
        sessions=attendance.session_lines(person.sessions), hours=person.hours,
        points=attendance.points_for(event, person.hours, full),
        language=registration.language or "nl", issued_by_id=by.id if by else None,
    )  # fmt: skip
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _revoked(registration_id: int) -> bool:
    """Their last certificate was revoked, not replaced."""
    last = db.session.scalar(sa.select(Certificate).where(Certificate.registration_id == registration_id)
                             .order_by(Certificate.id.desc()).limit(1))  # fmt: skip
    return last is not None and last.revoked_at is not None and last.replaced_by_id is None


def revoke(certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """`by` None: the holder, through their own link (a corrected name)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _l("Geef een reden op: die blijft bewaard (alleen organisatoren zien haar).")
        )
    if certificate.revoked_at is not None:
        raise StateConflict(_l("Dit certificaat is al ingetrokken."))
    certificate.revoked_at, certificate.revoked_by_id = utcnow(), by.id if by else None
    certificate.revoked_reason = reason[:500]
    db.session.flush()
    if by is not None:  # the reason is free text and may name someone: not in the log
        audit.record(audit.Action.CERTIFICATE_REVOKED, by=by, event=certificate.event_id,
                     registration=certificate.registration,
                     detail=f"certificaat {certificate.number}")  # fmt: skip
    return certificate


def reissue(certificate: Certificate, by: User | None, reason: str = "") -> Certificate:
    """A new number with what is true now (a corrected name or hours); the old number's
    page says 'vervangen'."""
    if certificate.registration_id is None:
        raise StateConflict(
            _l("Van deze aanmelding zijn geen gegevens meer: opnieuw uitgeven kan niet.")
        )
    ensure_may_issue_to(certificate.registration)  # before the old one is revoked
    if certificate.revoked_at is None:
        revoke(certificate, by, reason or str(_l("Vervangen door een nieuw certificaat.")))
    new = issue(certificate.registration_id, by, again=True)
    certificate.replaced_by_id = new.id
    if certificate.mailed_at is not None:  # they had the old one: they get the new one too
        from app.certificates.notifications import certificate_ready

        certificate_ready(new.registration, new)
        new.mailed_at = utcnow()
    db.session.flush()
    return new


def follow_name(registration: Registration) -> Certificate | None:
    """After the holder corrected their name: a valid certificate with the old name is
    reissued with the new one (the old number then says 'vervangen')."""
    existing = current_certificate(registration.id)
    if existing is None or existing.holder_name == registration.name:
        return None
    return reissue(existing, None, str(_l("Naam gecorrigeerd door de deelnemer.")))


def parse_hours(raw: str, most: Decimal = MAX_HOURS) -> Decimal:
    """Hours typed the Dutch or English way, between 0 and `most` (the event's net hours)."""
    try:
        hours = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_l("Vul de uren in als getal, bijvoorbeeld 3,5.")) from None
    if not hours.is_finite():
        raise DomainError(_l("Vul de uren in als getal, bijvoorbeeld 3,5."))
    if hours < 0 or hours > most:
        raise DomainError(
            _l(
                "Vul een aantal uren in tussen 0 en %(most)s: meer netto contacturen heeft deze activiteit niet.",
                most=str(most.normalize()).replace(".", ","),
            )
        )
    return hours.quantize(Decimal("0.01"))


def correct_hours(
    registration: Registration, hours: Decimal, reason: str, by: User
) -> HoursCorrection:
    """An organiser's correction, with its reason; a valid certificate with other hours is
    reissued with the corrected ones."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Geef een reden op voor de correctie."))
    correction = HoursCorrection(registration_id=registration.id, hours=hours,
                                 reason=reason[:500], made_by_id=by.id)  # fmt: skip
    db.session.add(correction)
    db.session.flush()
    audit.record(audit.Action.HOURS_CORRECTED, by=by, registration=registration,
                 detail=f"correctie #{correction.id}: {hours} uur")  # fmt: skip
    existing = current_certificate(registration.id)
    if existing is not None and existing.hours != hours:
        reissue(existing, by, str(_l("Uren gecorrigeerd: %(reason)s", reason=reason[:400])))
    return correction


def by_number(typed: str) -> Certificate | None:
    """The certificate a typed number names; None for a typo or an unknown number."""
    number = normalise(typed)
    if number is None:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.number == number))


def managed_certificate(user: User, certificate_id: int) -> Certificate:
    """A certificate of an event `user` manages (403 for someone else's, as for its event)."""
    from app.programme.services import ensure_can_manage

    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFoundHere()
    ensure_can_manage(user, certificate.event)
    return certificate
