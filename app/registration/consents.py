"""The consents given on the registration form (the newsletter, photos): each a moment, None
when not given, and withdrawable through the person's own link at any time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.errors import NotFoundHere, StateConflict
from app.extensions import db
from app.registration.models import Registration
from app.timezones import utcnow

# purpose (as in the URL) -> the registration's column
CONSENTS = {"newsletter": "newsletter_consent_at", "photos": "photo_consent_at"}


def _column(purpose: str) -> str:
    if purpose not in CONSENTS:
        raise NotFoundHere()
    return CONSENTS[purpose]


def withdraw_consent(registration: Registration, purpose: str) -> Registration:
    """The person withdraws a consent: possible at any time, after cancelling or after the
    event too. Withdrawing twice changes nothing."""
    setattr(registration, _column(purpose), None)
    db.session.flush()
    return registration


def give_consent(registration: Registration, purpose: str) -> Registration:
    """The person gives a consent after all, while their registration stands; one given
    already keeps its first moment."""
    column = _column(purpose)
    if registration.is_cancelled:
        raise StateConflict(_l("Deze aanmelding is geannuleerd."))
    if getattr(registration, column) is None:
        setattr(registration, column, utcnow())
    db.session.flush()
    return registration
