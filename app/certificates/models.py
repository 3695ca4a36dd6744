"""Certificates as issued, corrections of someone's hours, the look of the certificate (logo,
signature, who signs), and the bulk jobs that issue, mail and zip them."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.accounts.models import User
from app.extensions import db
from app.programme.models import Event
from app.registration.models import Registration
from app.timezones import UTCDateTime, utcnow


class Certificate(db.Model):
    """A bewijs van deelname for one attended registration. What it says is kept as issued —
    the holder's name, the event, the sessions, hours and points — so that verification shows
    what the PDF showed, whatever changes later (and after the personal data is gone)."""

    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    holder_name: so.Mapped[str] = so.mapped_column(sa.String(120), info={"personal": True})
    register_numbers: so.Mapped[dict] = so.mapped_column(
        sa.JSON, default=dict, info={"personal": True}
    )
    event_title: so.Mapped[str] = so.mapped_column(sa.String(200))
    event_kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    event_starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    event_ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    event_place: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    # [{"title", "starts_at", "ends_at"}] (ISO, UTC): the sessions they attended
    sessions: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    hours: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(5, 2))
    # [{"register", "accreditation_id", "points"}] as issued
    points: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="nl")
    issued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    replaced_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("certificates.id", ondelete="SET NULL")
    )
    mailed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    registration: so.Mapped[Registration | None] = so.relationship()
    event: so.Mapped[Event] = so.relationship()
    issued_by: so.Mapped[User | None] = so.relationship(foreign_keys=[issued_by_id])
    replaced_by: so.Mapped[Certificate | None] = so.relationship(remote_side=[id])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class HoursCorrection(db.Model):
    """An organiser's correction of one person's hours, with the reason; the latest stands,
    the earlier ones stay on record."""

    __tablename__ = "hours_corrections"
    __table_args__ = (sa.CheckConstraint("hours >= 0 AND hours <= 100", name="hours_sensible"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    hours: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(5, 2))
    reason: so.Mapped[str] = so.mapped_column(sa.String(500), info={"personal": True})
    made_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    made_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    made_by: so.Mapped[User | None] = so.relationship()


class CertificateLook(db.Model):
    """One row: the logo, the signature and who signs. Without an upload the certificate
    carries the organisation's name in type and no signature image."""

    __tablename__ = "certificate_look"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    signatory_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    signatory_function: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    logo: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    logo_type: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    signature: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    signature_type: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class JobKind(enum.StrEnum):
    SEND = "send"  # issue for everyone checked in and not yet served, and mail each
    ZIP = "zip"  # every valid certificate of the event, in one ZIP


class CertificateJob(db.Model):
    """A bulk run for one event, with its progress (survives a reload, seen by every
    organiser). One unfinished job per event and kind."""

    __tablename__ = "certificate_jobs"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('send', 'zip')", name="kind_known"),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="status_known"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="queued")
    total: so.Mapped[int] = so.mapped_column(default=0)
    done: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    file_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")  # the ZIP
    started_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")
