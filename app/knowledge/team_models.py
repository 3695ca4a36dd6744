"""Work teams and their followers.

A theme presents its work team once an organiser has described it (`WorkTeam`). Its members
are people (`Participant`) an organiser added; one is shown by name only while their consent
to it (`Consent`, purpose MEMBER_SHOWN, for the theme) holds, so a withdrawal hides them at
once. Followers are not stored here at all: they are the holders of a current newsletter
consent for the theme (privacy.consent.holders), the one source of that list."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.accounts.models import User
from app.extensions import db
from app.programme.models import Theme
from app.registration.models import Participant
from app.timezones import UTCDateTime, utcnow


class WorkTeam(db.Model):
    """What a theme says about its work team. The public contact is the theme's own
    (contact_name, contact_email); `contact_user` is the account that may write to the
    followers besides the organisers, e.g. a lead who organises no events."""

    __tablename__ = "work_teams"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    theme_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), unique=True
    )
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # Markdown
    lead_name: so.Mapped[str] = so.mapped_column(
        sa.String(120), default="", info={"personal": True}
    )
    lead_organisation: so.Mapped[str] = so.mapped_column(
        sa.String(200), default="", info={"personal": True}
    )
    contact_user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    theme: so.Mapped[Theme] = so.relationship()
    contact_user: so.Mapped[User | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<WorkTeam {self.theme_id}>"


class WorkTeamMember(db.Model):
    """A person an organiser counts as a member of a theme's work team. Whether the site
    shows them is not kept here: it is their MEMBER_SHOWN consent for the theme."""

    __tablename__ = "work_team_members"
    __table_args__ = (
        sa.UniqueConstraint("theme_id", "participant_id", name="uq_work_team_members_person"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    theme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("themes.id", ondelete="CASCADE"))
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True, info={"personal": True}
    )
    # What they do in the team ("trekker", "namens de gemeente"), shown next to their name.
    # The name as the organiser typed it: what the team's pages for organisers show, so that
    # typing an address never reveals the name someone else gave with it.
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="", info={"personal": True})
    role: so.Mapped[str] = so.mapped_column(sa.String(120), default="", info={"personal": True})
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    added_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    theme: so.Mapped[Theme] = so.relationship()
    participant: so.Mapped[Participant] = so.relationship()


class WorkTeamUpdate(db.Model):
    """One update sent to a work team's followers: what it said, to how many, by whom."""

    __tablename__ = "work_team_updates"
    __table_args__ = (sa.Index("ix_work_team_updates_theme_sent", "theme_id", "sent_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    theme_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("themes.id", ondelete="CASCADE"))
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    recipients: so.Mapped[int] = so.mapped_column()
    sent_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    theme: so.Mapped[Theme] = so.relationship()
    sent_by: so.Mapped[User | None] = so.relationship()
