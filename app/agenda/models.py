from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.programme.models import Event
from app.registration.models import Registration
from app.timezones import UTCDateTime, utcnow


class SessionKind(enum.StrEnum):
    PLENARY = "plenary"
    WORKSHOP = "workshop"
    BREAK = "break"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ChoiceStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


session_speakers = sa.Table(
    "session_speakers",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("speaker_id", sa.ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True),
)


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.UniqueConstraint("event_id", "name", name="uq_rooms_event_name"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    capacity: so.Mapped[int | None] = so.mapped_column()
    accessibility_notes: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)


class Speaker(db.Model):
    """A person who leads sessions; kept across events so a returning speaker is picked, not retyped."""

    __tablename__ = "speakers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), info={"personal": True})
    organisation: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", info={"personal": True}
    )
    bio: so.Mapped[str] = so.mapped_column(sa.String(1000), default="", info={"personal": True})
    email: so.Mapped[str] = so.mapped_column(sa.String(254), default="", info={"personal": True})
    # Who added the speaker: they may edit them before any session of theirs uses them.
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class SpeakerEdit(db.Model):
    """A speaker's name and bio appear on other organisers' events: every edit is kept."""

    __tablename__ = "speaker_edits"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    speaker_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("speakers.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    before: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict, info={"personal": True})
    after: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict, info={"personal": True})
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Session(db.Model):
    """A part of an event's agenda (programmaonderdeel)."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("kind IN ('plenary', 'workshop', 'break')", name="kind_known"),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name="status_known"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.Index("ix_sessions_event_starts_at", "event_id", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default=SessionKind.WORKSHOP)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    room_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("rooms.id", ondelete="SET NULL"), index=True
    )
    capacity: so.Mapped[int | None] = so.mapped_column()  # empty: the room's
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=SessionStatus.SCHEDULED)
    ical_sequence: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A cancelled session stays in calendar feeds for 30 days from this moment.
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Optimistic concurrency (see Event.version): two organisers dragging the same block at
    # once never end in a time neither of them chose.
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    event: so.Mapped[Event] = so.relationship()
    room: so.Mapped[Room | None] = so.relationship()
    speakers: so.Mapped[list[Speaker]] = so.relationship(
        secondary=session_speakers, order_by="Speaker.name"
    )

    @property
    def is_workshop(self) -> bool:
        return self.kind == SessionKind.WORKSHOP

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def effective_capacity(self) -> int | None:
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room is not None else None


class SessionChoice(db.Model):
    """A registrant's place in (or on the waiting list of) a workshop."""

    __tablename__ = "session_choices"
    __table_args__ = (
        sa.UniqueConstraint(
            "registration_id", "session_id", name="uq_session_choices_registration_session"
        ),
        sa.UniqueConstraint("session_id", "position", name="uq_session_choices_session_position"),
        sa.CheckConstraint("status IN ('confirmed', 'waitlisted')", name="status_known"),
        sa.CheckConstraint(
            "(status = 'waitlisted') = (position IS NOT NULL)", name="position_only_when_waiting"
        ),
        sa.Index("ix_session_choices_session_status", "session_id", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    position: so.Mapped[int | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    # Declared here, so registration need not know the agenda: deleting a registration
    # through the ORM takes its workshop choices along (SQLite enforces no ON DELETE).
    registration: so.Mapped[Registration] = so.relationship(
        backref=so.backref("session_choices", cascade="all, delete-orphan")
    )
    session: so.Mapped[Session] = so.relationship()


class AgendaChange(db.Model):
    """A change to a published agenda: what, before, after, when, by whom; and whether the
    people it affects have been told (they get one summary per batch)."""

    __tablename__ = "agenda_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL")
    )
    what: so.Mapped[str] = so.mapped_column(sa.String(32))  # moved, room, cancelled, added, changed
    before: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    after: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    notified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The release that made this change public; none for changes made outside the working
    # copy (a rescheduled event moves the whole agenda at once).
    release_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("agenda_releases.id", ondelete="CASCADE"), index=True
    )

    session: so.Mapped[Session | None] = so.relationship()
    release: so.Mapped[AgendaRelease | None] = so.relationship()


class AgendaRelease(db.Model):
    """A version of a published agenda made public at once, with what changed since the last
    (its AgendaChange lines). Version 1 is the agenda as first published; releases count on."""

    __tablename__ = "agenda_releases"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "number", name="uq_agenda_releases_event_number"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    number: so.Mapped[int] = so.mapped_column()
    note: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    released_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    released_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    mailed: so.Mapped[int] = so.mapped_column(default=0)  # people told of this release

    lines: so.Mapped[list[AgendaChange]] = so.relationship(
        order_by="AgendaChange.id", viewonly=True
    )


class SessionDraft(db.Model):
    """A session as the working copy of a published agenda has it: what organisers see in the
    editor and nobody else does until a release. `session_id` empty: new in the working copy.
    Holds every field, not a delta, so the summary is a plain comparison with the session."""

    __tablename__ = "session_drafts"
    __table_args__ = (
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name="status_known"),
        sa.CheckConstraint("kind IN ('plenary', 'workshop', 'break')", name="kind_known"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default=SessionKind.WORKSHOP)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    room_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("rooms.id", ondelete="SET NULL")
    )
    capacity: so.Mapped[int | None] = so.mapped_column()
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=SessionStatus.SCHEDULED)
    speaker_ids: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # From the event's WorkingCopy counter: never repeats, not even after a release or a
    # discard, so the editor's optimistic check cannot mistake an old view for the current one.
    version: so.Mapped[int] = so.mapped_column(default=1)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: so.Mapped[Session | None] = so.relationship()
    room: so.Mapped[Room | None] = so.relationship()


class WorkingCopy(db.Model):
    """Per event: how many edits its working copy has seen, ever. Drafts take their versions
    from it, above DRAFT_VERSIONS, where no session's own version ever gets."""

    __tablename__ = "working_copies"

    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    edits: so.Mapped[int] = so.mapped_column(default=0)
