from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.registration.models import Participant
from app.timezones import UTCDateTime, utcnow


class FeedToken(db.Model):
    """The secret in a participant's personal calendar feed URL. Random, 256 bits; only its
    SHA-256 is stored. Renewing revokes every earlier one (the old URL then answers 404)."""

    __tablename__ = "feed_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    participant: so.Mapped[Participant] = so.relationship(
        backref=so.backref("feed_tokens", cascade="all, delete-orphan")
    )
