"""Personal feed links. A participant may hold several (one per mail or page that showed
it); renewing revokes them all and gives one new link, and the old URLs answer 404."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.calendar.models import FeedToken
from app.errors import NotFoundHere
from app.extensions import db
from app.registration.models import Participant
from app.timezones import utcnow
from app.tokens import new_token, token_hash


def issue_feed_token(participant: Participant) -> str:
    token = new_token()
    db.session.add(FeedToken(participant=participant, token_hash=token_hash(token)))
    return token


def participant_by_feed_token(token: str) -> Participant:
    if not token or len(token) > 100:
        raise NotFoundHere()
    participant = db.session.scalar(
        sa.select(Participant)
        .join(FeedToken)
        .where(FeedToken.token_hash == token_hash(token), FeedToken.revoked_at.is_(None))
        .options(so.selectinload(Participant.registrations))
    )
    if participant is None:
        raise NotFoundHere()
    return participant


def renew_feed_token(participant: Participant) -> str:
    """Every earlier feed link stops working; this one replaces them."""
    db.session.execute(
        sa.update(FeedToken)
        .where(FeedToken.participant_id == participant.id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return issue_feed_token(participant)
