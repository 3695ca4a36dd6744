"""Personal links: random tokens of 256 bits, of which only the SHA-256 is stored.

A token has one purpose. A "manage" token opens the registration (details, workshops,
cancelling). An "unsubscribe" token can only stop the organisation's group messages: it
travels in a List-Unsubscribe header, which mail providers fetch and may log, so it must
open nothing else — and a manage token does not stop messages either."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.errors import NotFoundHere
from app.extensions import db
from app.registration.models import ManageToken, Registration
from app.timezones import utcnow
from app.tokens import new_token, token_hash

MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"


def _issue(registration: Registration, purpose: str) -> str:
    token = new_token()
    registration.manage_tokens.append(ManageToken(token_hash=token_hash(token), purpose=purpose))
    return token


def _registration_for(token: str, purpose: str) -> Registration:
    if not token or len(token) > 100:
        raise NotFoundHere()
    registration = db.session.scalar(
        sa.select(Registration)
        .join(ManageToken)
        .where(
            ManageToken.token_hash == token_hash(token),
            ManageToken.purpose == purpose,
            ManageToken.revoked_at.is_(None),
        )
        .options(so.joinedload(Registration.event), so.joinedload(Registration.participant))
    )
    if registration is None:
        raise NotFoundHere()
    return registration


def issue_manage_token(registration: Registration) -> str:
    """A new personal link token; earlier ones stay valid until revoked."""
    return _issue(registration, MANAGE)


def registration_by_token(token: str) -> Registration:
    """The registration a manage link points to; a wrong or revoked token is a plain 404."""
    return _registration_for(token, MANAGE)


def issue_unsubscribe_token(registration: Registration) -> str:
    """A new token that can only stop the group messages to this registration."""
    return _issue(registration, UNSUBSCRIBE)


def registration_by_unsubscribe_token(token: str) -> Registration:
    """The registration an unsubscribe link points to; a wrong or revoked token (or a manage
    token) is a plain 404."""
    return _registration_for(token, UNSUBSCRIBE)


def revoke_all(registration: Registration) -> int:
    """Stop every link to this registration (e.g. a mail was forwarded); a new one is sent."""
    now, revoked = utcnow(), 0
    for token in registration.manage_tokens:
        if token.revoked_at is None:
            token.revoked_at = now
            revoked += 1
    db.session.flush()
    return revoked
