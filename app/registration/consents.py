"""The consents a registration form asks for (the werkplaats's newsletter, photos at this event),
kept as consent records (app/privacy/consent.py) and withdrawable through the person's own link
at any time."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.errors import NotFoundHere, StateConflict
from app.extensions import db
from app.privacy import consent
from app.privacy.consent import How
from app.privacy.consent_mail import confirm_newsletter
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


@dataclass(frozen=True)
class ConsentState:
    """What the manage page says about one of the form's consents."""

    held: Consent | None  # holds now
    asked: Consent | None  # asked, awaiting the confirmation from the mail
    withdrawn: Consent | None  # the last one withdrawn


def states(registration: Registration) -> dict[str, ConsentState]:
    result = {}
    held_by_person = consent.of_person(registration.participant)  # newest first, one query
    for name, purpose in CONSENTS.items():
        event = _event(registration, purpose)
        records = [c for c in held_by_person
                   if c.purpose == purpose and c.theme_id is None
                   and c.event_id == (event.id if event else None)]  # fmt: skip
        result[name] = ConsentState(
            held=next((c for c in records if c.is_current), None),
            asked=next((c for c in records if c.given_at is None and not c.withdrawn_at), None),
            withdrawn=next((c for c in records if c.withdrawn_at), None),
        )
    return result


def record_from_form(registration: Registration, *, newsletter: bool, photos: bool) -> None:
    """What the person ticked. Photos are about this registration, so they hold at once. The
    newsletter is a list anyone could put any address on, so it is asked: a mail to the address
    confirms it (double opt-in). Not ticking withdraws nothing: a newsletter consent given
    earlier holds until the person withdraws it."""
    person, language = registration.participant, registration.language
    if photos:
        consent.give(person, Purpose.PHOTOS, how=How.REGISTRATION, language=language,
                     event=registration.event, registration=registration)  # fmt: skip
    if newsletter:
        asked, token = consent.ask(person, Purpose.NEWSLETTER, how=How.REGISTRATION,
                                   language=language, registration=registration)  # fmt: skip
        if token is not None:
            confirm_newsletter(person, asked, token, language, registration)


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
