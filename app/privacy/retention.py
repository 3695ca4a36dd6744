"""Keeping personal data no longer than the privacy statement promises.

Once an event's retention period has passed (its own `retention_months`, else
PRIVACY_RETENTION_MONTHS after it ends), its registrations are anonymised as the registry says:
the personal fields are emptied and each registration moves to an anonymous participant of its
own, so status, workshop choices and check-ins still count per event and workshop but belong to
no one. Tokens, check-in codes and mails go. An issued certificate keeps the holder's name and
register numbers on its own row for PRIVACY_CERTIFICATE_YEARS after the event, so that a register
can still verify it; then those are emptied too. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import calendar
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.calendar.models import FeedToken
from app.certificates.models import Certificate
from app.extensions import db
from app.knowledge.team_models import WorkTeamMember
from app.mail.models import OutboxMessage
from app.privacy import audit
from app.privacy.models import Consent, ConsentLink, Purpose
from app.privacy.registry import BY_TABLE, REGISTRY, Treatment, empty_value
from app.privacy.rights_models import RightsLink
from app.programme.models import Event
from app.registration.models import ANONYMOUS_DOMAIN, Participant, Registration
from app.timezones import utcnow


def add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def retention_ends(event: Event) -> datetime:
    """When the event's personal data is due for anonymising."""
    months = event.retention_months
    if months is None:
        months = current_app.config["PRIVACY_RETENTION_MONTHS"]
    return add_months(event.ends_at, months)


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Anonymise what has passed its period; return how many of each were changed. Run daily
    (cron: `0 3 * * * flask --app wsgi privacy apply-retention`)."""
    now = now or utcnow()
    expired = [e.id for e in db.session.scalars(sa.select(Event).where(Event.ends_at < now))
               if retention_ends(e) <= now]  # fmt: skip
    counts = {"registrations": 0, "participants": 0, "mails": 0, "tokens": 0, "certificates": 0}
    if expired:
        counts.update(_anonymise_registrations(expired))
    counts["consents"] = _expire_consents(now)
    counts["audit"] = audit.expire(now)
    counts["participants"] = _delete_unused_participants()
    counts["mails"] += _delete_mail_without_registration(expired, now)
    counts["certificates"] = _anonymise_certificates(now)
    return counts


def _anonymise_registrations(event_ids: list[int]) -> dict[str, int]:
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Participant)
        .where(
            Registration.event_id.in_(event_ids),
            Participant.email.not_like(f"%@{ANONYMOUS_DOMAIN}"),
        )
    ).all()
    # All of the events' registrations, also those anonymised before: rows left behind go too.
    counts = anonymise(
        registrations, sa.select(Registration.id).where(Registration.event_id.in_(event_ids))
    )
    db.session.execute(
        sa.delete(Consent).where(Consent.purpose == Purpose.PHOTOS, Consent.event_id.in_(event_ids))
    )
    return counts


def anonymise(registrations, linked_ids=None) -> dict[str, int]:
    """Empty the registry's fields of these registrations, move each to an anonymous
    participant of its own, and delete the rows tied to them that the registry says go
    (tokens, codes, mails); `linked_ids`, a query of registration ids, widens that last step.
    Erasure on request uses the same steps as retention."""
    entry = BY_TABLE["registrations"]
    for registration in registrations:
        for column in entry.columns(Treatment.BLANK):
            setattr(registration, column, empty_value(entry.table, column))
        registration.participant = Participant(
            email=f"{registration.id}@{ANONYMOUS_DOMAIN}", name=""
        )
    db.session.flush()
    ids = linked_ids if linked_ids is not None else [r.id for r in registrations]
    mails = tokens = 0
    for entry in REGISTRY:
        if entry.registration_column is None:
            continue
        table = db.metadata.tables[entry.table]
        linked = table.c[entry.registration_column].in_(ids)
        if Treatment.DELETE in entry.fields.values():
            deleted = db.session.execute(sa.delete(table).where(linked)).rowcount
            if entry.table == "outbox_messages":
                mails += deleted
            else:
                tokens += deleted
        blank = {c: empty_value(entry.table, c) for c in entry.columns(Treatment.BLANK)}
        if blank:
            db.session.execute(sa.update(table).where(linked).values(**blank))
    return {"registrations": len(registrations), "mails": mails, "tokens": tokens}


def _delete_unused_participants() -> int:
    """People left without any registration (their last one anonymised), without a consent
    record still kept and without a work-team membership go, with their calendar feed and
    rights links (SQLite enforces no ON DELETE CASCADE)."""
    unused = sa.select(Participant.id).where(
        ~Participant.registrations.any(),
        ~sa.exists().where(Consent.participant_id == Participant.id),
        ~sa.exists().where(WorkTeamMember.participant_id == Participant.id),
    )
    ids = list(db.session.scalars(unused))
    db.session.execute(sa.delete(FeedToken).where(FeedToken.participant_id.in_(ids)))
    db.session.execute(sa.delete(RightsLink).where(RightsLink.participant_id.in_(ids)))
    return db.session.execute(sa.delete(Participant).where(Participant.id.in_(ids))).rowcount


def _expire_consents(now: datetime) -> int:
    """Withdrawn consents, and ones never confirmed, are proof for PRIVACY_RETENTION_MONTHS;
    then they go."""
    cutoff = add_months(now, -current_app.config["PRIVACY_RETENTION_MONTHS"])
    expired = sa.select(Consent.id).where(
        sa.or_(
            Consent.withdrawn_at < cutoff,
            sa.and_(Consent.given_at.is_(None), Consent.asked_at < cutoff),
        )
    )
    ids = list(db.session.scalars(expired))
    db.session.execute(sa.delete(ConsentLink).where(ConsentLink.consent_id.in_(ids)))
    return db.session.execute(sa.delete(Consent).where(Consent.id.in_(ids))).rowcount


def _delete_mail_without_registration(expired: list[int], now: datetime) -> int:
    """Mail about an expired event to no registration in particular, and mail about no event
    at all once the default period has passed since it was queued."""
    cutoff = add_months(now, -current_app.config["PRIVACY_RETENTION_MONTHS"])
    about_expired = OutboxMessage.event_id.in_(expired) if expired else sa.false()
    about_nothing = sa.and_(OutboxMessage.event_id.is_(None), OutboxMessage.created_at < cutoff)
    return db.session.execute(
        sa.delete(OutboxMessage).where(sa.or_(about_expired, about_nothing))
    ).rowcount


def _anonymise_certificates(now: datetime) -> int:
    """The holder's data on certificates of events that ended longer ago than the certificate
    period (a leap day's certificate may wait one day more)."""
    entry = BY_TABLE["certificates"]
    cutoff = add_months(now, -12 * current_app.config["PRIVACY_CERTIFICATE_YEARS"])
    blank = {c: empty_value(entry.table, c) for c in entry.columns(Treatment.CERTIFICATE)}
    return db.session.execute(
        sa.update(Certificate)
        .where(Certificate.holder_name != "", Certificate.event_ends_at <= cutoff)
        .values(**blank)
        .execution_options(synchronize_session=False)
    ).rowcount
