"""Organiser accounts: creating them, checking passwords, ending their sessions, and where a
login may send you next."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from app.accounts.models import Role, User, new_session_token
from app.errors import DomainError, NotFoundHere
from app.extensions import db

MIN_PASSWORD_LENGTH = 10
# Checked when the e-mail address is unknown, so that a failed login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = user_by_email(email)
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def user_for_session(session_id: str) -> User | None:
    """The active user whose current session token is in `session_id` ("<id>:<token>", from a
    session or remember-me cookie), or None: a cookie from before the last rotation is dead."""
    user_id, _, token = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Every session and remember-me cookie of `user`, on any device, stops working."""
    user.session_token = new_session_token()
    db.session.flush()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("Een wachtwoord heeft minstens %(n)d tekens.", n=MIN_PASSWORD_LENGTH))


def create_user(email: str, name: str, role: str, password: str) -> User:
    if role not in set(Role):
        raise DomainError(_l("Onbekende rol."))
    if user_by_email(email) is not None:
        raise DomainError(_l("Er bestaat al een account met dit e-mailadres."))
    check_password_strength(password)
    user = User(email=normalise_email(email), name=name.strip(), role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User, name: str, role: str, active: bool, password: str = "", *, by: User | None = None
) -> User:
    if role not in set(Role):
        raise DomainError(_l("Onbekende rol."))
    # An admin who demotes or blocks themselves could leave nobody to undo it.
    if by is not None and by.id == user.id and (role != user.role or not active):
        raise DomainError(
            _l("U kunt uw eigen rol niet wijzigen of uw eigen account niet blokkeren.")
        )
    if password:
        check_password_strength(password)
    # A new password or a blocked account must also shut out whoever still holds a cookie.
    ends_sessions = bool(password) or (user.active and not active)
    user.name, user.role, user.active = name.strip(), role, active
    if password:
        user.set_password(password)
    if ends_sessions:
        end_all_sessions(user)
    db.session.flush()
    return user


def user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundHere()
    return user


def all_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))


def organisers() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_((Role.ADMIN, Role.ORGANISER)), User.active)
            .order_by(User.name)
        )
    )


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
