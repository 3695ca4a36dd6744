from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.accounts.models import User
from app.extensions import db
from app.timezones import UTCDateTime, utcnow


class EventKind(enum.StrEnum):
    KENNISCAFE = "kenniscafe"
    THEMADAG = "themadag"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


event_themes = sa.Table(
    "event_themes",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

event_organisers = sa.Table(
    "event_organisers",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(db.Model):
    __tablename__ = "themes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    slug: so.Mapped[str] = so.mapped_column(sa.String(140), unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    contact_name: so.Mapped[str] = so.mapped_column(
        sa.String(120), default="", info={"personal": True}
    )
    contact_email: so.Mapped[str] = so.mapped_column(
        sa.String(254), default="", info={"personal": True}
    )

    events: so.Mapped[list[Event]] = so.relationship(
        secondary=event_themes, back_populates="themes", order_by="Event.starts_at"
    )

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("not_counting_minutes >= 0", name="not_counting_minutes_not_negative"),
        sa.CheckConstraint("kind IN ('kenniscafe', 'themadag')", name="kind_known"),
        sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        sa.CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_window_ordered",
        ),
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    slug: so.Mapped[str] = so.mapped_column(sa.String(220), unique=True)
    summary: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    venue_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    city: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    online_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    # What it costs, as the organiser says it ("€ 25, studenten gratis"); empty: free.
    cost: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    capacity: so.Mapped[int | None] = so.mapped_column()
    registration_opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    registration_closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=EventStatus.DRAFT)
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    # With catering, registering asks for dietary needs.
    catering: so.Mapped[bool] = so.mapped_column(default=False)
    # Minutes of an event without an agenda that count for no register (e.g. 30 reception).
    not_counting_minutes: so.Mapped[int] = so.mapped_column(default=0)
    # Themadag: must a registrant pick a workshop in every ronde?
    workshop_choice_required: so.Mapped[bool] = so.mapped_column(default=False)
    # Months after the event that its personal data is kept; None: PRIVACY_RETENTION_MONTHS.
    retention_months: so.Mapped[int | None] = so.mapped_column()
    # Bumped whenever what a calendar shows changes (time, place, cancellation).
    ical_sequence: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Moves whenever anything a calendar feed or the API shows of this event changes: the
    # event, its sessions, rooms, speakers, registrations or workshop choices (app/calendar/
    # stamps.py keeps it). Feeds derive their ETag and Last-Modified from it.
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # One up with every change in the same transaction (the same listener): a cached public
    # page is served only while the counter it was rendered at is still current (app/pages).
    # Registrations and workshop choices move `places_version` instead: the page is kept, the
    # places it shows are filled in from fragments kept under that counter.
    page_version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    places_version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    # One up with every change of what the registration form is made of (the event, its
    # sessions, rooms, questions, accreditations, releases) but not with registrations: a
    # posted form is checked against a form kept per process while it stays (app/activity).
    form_version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Optimistic concurrency: every UPDATE checks and raises it, so an edit made on a stale
    # form is refused (409) instead of silently merged with someone else's.
    version: so.Mapped[int] = so.mapped_column(default=1)
    # The blank form a draft was made from: the same form posted twice makes one event.
    creation_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)

    __mapper_args__ = {"version_id_col": version}

    themes: so.Mapped[list[Theme]] = so.relationship(
        secondary=event_themes, back_populates="events", order_by="Theme.name"
    )
    organisers: so.Mapped[list[User]] = so.relationship(
        secondary=event_organisers, order_by="User.name"
    )
    accreditations: so.Mapped[list[Accreditation]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Accreditation.register"
    )

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_draft(self) -> bool:
        return self.status == EventStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Event {self.slug} {self.status}>"


class Accreditation(db.Model):
    """An event's recognition by a professional register, e.g. Registerplein or SKJ."""

    __tablename__ = "accreditations"
    __table_args__ = (
        sa.CheckConstraint("points > 0", name="points_positive"),
        sa.CheckConstraint("points_rule IN ('event', 'pro_rata')", name="points_rule_known"),
        sa.UniqueConstraint("event_id", "register", name="uq_accreditations_event_register"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    register: so.Mapped[str] = so.mapped_column(sa.String(80))
    accreditation_id: so.Mapped[str] = so.mapped_column(sa.String(80))
    points: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(5, 1))
    # "event": the points for anyone who attended; "pro_rata": in proportion to the hours
    # attended (the register's rule, as the organiser entered it).
    points_rule: so.Mapped[str] = so.mapped_column(sa.String(16), default="event")

    event: so.Mapped[Event] = so.relationship(back_populates="accreditations")
