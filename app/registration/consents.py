"""The consents a registration form asks for (the werkplaats's newsletter, photos at this event),
kept as consent records (app/privacy/consent.py) and withdrawable through the person's own link
at any time."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.errors import NotFoundHere, StateConflict
from app.extensions import db
from app.privacy import consent
from app.privacy.consent import How
from app.privacy.models import Consent, Purpose
from app.registration.models import Registration

# purpose (as in the URL and the form) -> the consent's purpose
CONSENTS = {"newsletter": Purpose.NEWSLETTER, "photos": Purpose.PHOTOS}


def _purpose(purpose: str) -> Purpose:
    if purpose not in CONSENTS:
        raise NotFoundHere()
    return CONSENTS[purpose]


def _event(registration: Registration, purpose: Purpose):
    # Photos are per event; the newsletter is the person's, whichever registration asks.
    return registration.event if purpose == Purpose.PHOTOS else None


def held(registration: Registration) -> dict[str, Consent | None]:
    """The consent that holds now for each of the form's purposes."""
    return {
        name: consent.current(registration.participant, p, event=_event(registration, p))
        for name, p in CONSENTS.items()
    }


def record_from_form(registration: Registration, *, newsletter: bool, photos: bool) -> None:
    """What the person ticked. Not ticking withdraws nothing: a newsletter consent given
    earlier holds until the person withdraws it."""
    for wanted, purpose in ((newsletter, Purpose.NEWSLETTER), (photos, Purpose.PHOTOS)):
        if wanted:
            consent.give(
                registration.participant, purpose, how=How.REGISTRATION,
                language=registration.language, event=_event(registration, purpose),
                registration=registration,
            )  # fmt: skip


def withdraw_consent(registration: Registration, purpose: str, *, how: str = How.MANAGE_LINK):
    """The person withdraws a consent: possible at any time, after cancelling or after the
    event too. Withdrawing twice changes nothing."""
    p = _purpose(purpose)
    consent.withdraw_current(registration.participant, p, how=how, event=_event(registration, p))
    return registration


def give_consent(registration: Registration, purpose: str) -> Registration:
    """The person gives a consent after all, while their registration stands; one given
    already keeps its first moment."""
    p = _purpose(purpose)
    if registration.is_cancelled:
        raise StateConflict(_l("Deze aanmelding is geannuleerd."))
    consent.give(
        registration.participant, p, how=How.MANAGE_LINK, language=registration.language,
        event=_event(registration, p), registration=registration,
    )  # fmt: skip
    return registration


def held_by(registrations: list[Registration]) -> dict[int, set[str]]:
    """For a list (an export): which of the form's consents hold for each registration, in two
    queries whatever the number of people."""
    people = {r.participant_id for r in registrations}
    events = {r.event_id for r in registrations}
    rows = db.session.execute(
        sa.select(Consent.participant_id, Consent.purpose, Consent.event_id).where(
            Consent.participant_id.in_(people),
            Consent.theme_id.is_(None),
            Consent.given_at.is_not(None),
            Consent.withdrawn_at.is_(None),
            sa.or_(Consent.event_id.is_(None), Consent.event_id.in_(events)),
        )
    ).all()
    by_person: dict[int, list] = {}
    for participant_id, purpose, event_id in rows:
        by_person.setdefault(participant_id, []).append((purpose, event_id))
    result: dict[int, set[str]] = {r.id: set() for r in registrations}
    for r in registrations:
        for purpose, event_id in by_person.get(r.participant_id, ()):
            if purpose == Purpose.NEWSLETTER and event_id is None:
                result[r.id].add("newsletter")
            elif purpose == Purpose.PHOTOS and event_id == r.event_id:
                result[r.id].add("photos")
    return result
