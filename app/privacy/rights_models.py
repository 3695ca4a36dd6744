"""A person's rights: the short-lived links that confirm they own the address."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.timezones import UTCDateTime, utcnow


class RightsLink(db.Model):
    """A link mailed to a person's address on their request, proving that whoever opens it
    owns the address: it shows, exports, corrects and erases all their data, so it lives only
    PRIVACY_CONFIRM_MINUTES and only the SHA-256 of its token is stored. The person can stop
    it sooner; erasure deletes it."""

    __tablename__ = "rights_links"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    participant = so.relationship("Participant")

    def valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
