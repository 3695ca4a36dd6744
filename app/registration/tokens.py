"""Personal manage links: random tokens of 256 bits, of which only the SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.errors import NotFoundHere
from app.extensions import db
from app.registration.models import ManageToken, Registration
from app.timezones import utcnow


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_manage_token(registration: Registration) -> str:
    """A new personal link token; earlier ones stay valid until revoked."""
    token = secrets.token_urlsafe(32)
    registration.manage_tokens.append(ManageToken(token_hash=_token_hash(token)))
    return token


def registration_by_token(token: str) -> Registration:
    """The registration a manage link points to; a wrong or revoked token is a plain 404."""
    if not token or len(token) > 100:
        raise NotFoundHere()
    registration = db.session.scalar(
        sa.select(Registration)
        .join(ManageToken)
        .where(
            ManageToken.token_hash == _token_hash(token),
            ManageToken.purpose == "manage",
            ManageToken.revoked_at.is_(None),
        )
        .options(so.joinedload(Registration.event), so.joinedload(Registration.participant))
    )
    if registration is None:
        raise NotFoundHere()
    return registration


def revoke_all(registration: Registration) -> int:
    """Stop every link to this registration (e.g. a mail was forwarded); a new one is sent."""
    now, revoked = utcnow(), 0
    for token in registration.manage_tokens:
        if token.revoked_at is None:
            token.revoked_at = now
            revoked += 1
    db.session.flush()
    return revoked
