"""Consent as records: given with the exact words shown, withdrawable at any time, and the only
thing a newsletter list is made from.

A consent is for one purpose and, where it applies, one theme (a work team's updates, being
shown as its member) or one event (photos). The werkplaats's own newsletter has no theme.
Giving again what is current keeps the first record; withdrawing ends it, and a later consent
is a new record, so the history of each stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.errors import NotFoundHere
from app.extensions import db
from app.privacy.models import Consent, ConsentLink, Purpose
from app.programme.models import Event, Theme
from app.registration.models import Participant, Registration
from app.timezones import utcnow
from app.tokens import new_token, token_hash


class How:
    """How a consent was given or withdrawn, as recorded."""

    REGISTRATION = "registration_form"
    MANAGE_LINK = "manage_link"
    MEEDOEN = "meedoen"
    MAIL_LINK = "mail_link"  # the one-click link in a newsletter or update
    ADMIN = "admin_on_request"
    ERASURE = "erasure"
    MIGRATED = "migrated"  # from the consent moments kept before these records
    MEMBER_INVITED = "work_team_invitation"  # a member added by an organiser, asked by mail
    MEMBER_REMOVED = "member_removed"  # taken off the work team


# How, in words (pages and lists for people; the JSON keeps the codes).
HOW_LABELS = {
    How.REGISTRATION: _l("op het aanmeldformulier"),
    How.MANAGE_LINK: _l("via de persoonlijke link"),
    How.MEEDOEN: _l("via Meedoen"),
    How.MAIL_LINK: _l("met de link in een e-mail"),
    How.ADMIN: _l("door een beheerder, op verzoek"),
    How.ERASURE: _l("bij het wissen van de gegevens"),
    How.MIGRATED: _l("overgenomen uit de eerdere registratie"),
    How.MEMBER_INVITED: _l("na de vraag van het werkteam"),
    How.MEMBER_REMOVED: _l("uit het werkteam gehaald"),
}


def how_label(code: str | None) -> str:
    return str(HOW_LABELS.get(code, code or ""))


@dataclass(frozen=True)
class ConsentText:
    version: str
    text: object  # a lazy string: rendered in the person's language when recorded


# The words people are shown, one version each. Change a text: give it a new version, so each
# record still says what that person agreed to.
TEXTS = {
    Purpose.NEWSLETTER: ConsentText(
        "2026-11", _l("Ja, stuur mij de nieuwsbrief van de werkplaats (optioneel).")
    ),
    Purpose.PHOTOS: ConsentText(
        "2026-11",
        _l("Ik vind het goed dat ik herkenbaar op foto's van deze activiteit sta (optioneel)."),
    ),
    "theme_newsletter": ConsentText(
        "2026-11", _l("Ja, stuur mij de updates van het werkteam %(theme)s.")
    ),
    Purpose.MEMBER_SHOWN: ConsentText(
        "2026-11",
        _l("Ik vind het goed dat mijn naam als lid van het werkteam %(theme)s op de site staat."),
    ),
}


def text_for(purpose: str, theme: Theme | None = None) -> ConsentText:
    if purpose == Purpose.NEWSLETTER and theme is not None:
        return TEXTS["theme_newsletter"]
    if purpose not in TEXTS:
        raise NotFoundHere()
    return TEXTS[purpose]


def wording(purpose: str, theme: Theme | None = None) -> str:
    """The words shown for a consent, in the current language."""
    text = text_for(purpose, theme).text
    return str(text) % {"theme": theme.name} if theme is not None else str(text)


def _scope(purpose: str, theme_id: int | None, event_id: int | None):
    return (
        Consent.purpose == purpose,
        Consent.theme_id.is_(None) if theme_id is None else Consent.theme_id == theme_id,
        Consent.event_id.is_(None) if event_id is None else Consent.event_id == event_id,
    )


def current(
    participant: Participant, purpose: str, *, theme: Theme | None = None,
    event: Event | None = None,
) -> Consent | None:  # fmt: skip
    """The consent that holds now for this purpose, if any."""
    return db.session.scalar(
        sa.select(Consent).where(
            Consent.participant_id == participant.id,
            *_scope(purpose, theme and theme.id, event and event.id),
            Consent.given_at.is_not(None),
            Consent.withdrawn_at.is_(None),
        )
    )


def give(
    participant: Participant, purpose: str, *, how: str, language: str = "nl",
    theme: Theme | None = None, event: Event | None = None,
    registration: Registration | None = None,
) -> Consent:  # fmt: skip
    """Record a consent given now; one that holds already keeps its first moment."""
    existing = current(participant, purpose, theme=theme, event=event)
    if existing is not None:
        return existing
    consent = _new(participant, purpose, how, language, theme, event, registration)
    consent.given_at = consent.asked_at
    db.session.flush()
    return consent


def ask(
    participant: Participant, purpose: str, *, how: str, language: str = "nl",
    theme: Theme | None = None, registration: Registration | None = None,
) -> tuple[Consent, str | None]:  # fmt: skip
    """Double opt-in: a consent that holds only once the person confirms it through the link
    whose token is returned (None when it already holds: nothing to confirm)."""
    existing = current(participant, purpose, theme=theme)
    if existing is not None:
        return existing, None
    consent = _new(participant, purpose, how, language, theme, None, registration)
    token = new_token()
    consent.confirm_token_hash = token_hash(token)
    db.session.flush()
    return consent, token


def confirm(token: str) -> Consent:
    """The person confirms a consent asked for; confirming twice changes nothing, an unknown
    token is a 404."""
    if not token or len(token) > 100:
        raise NotFoundHere()
    consent = db.session.scalar(
        sa.select(Consent).where(Consent.confirm_token_hash == token_hash(token))
    )
    if consent is None or consent.withdrawn_at is not None:
        raise NotFoundHere()
    if consent.given_at is None:
        # Two sign-ups for one list make two pending records; the first confirmed holds, and
        # the other stays pending (retention removes it), so a list never has anyone twice.
        held = current(consent.participant, consent.purpose, theme=consent.theme,
                       event=consent.event)  # fmt: skip
        if held is not None:
            return held
        consent.given_at = utcnow()
        db.session.flush()
    return consent


def _new(participant, purpose, how, language, theme, event, registration) -> Consent:
    shown = text_for(purpose, theme)
    with force_locale(language):
        text = wording(purpose, theme)
    consent = Consent(
        participant_id=participant.id,
        purpose=purpose,
        theme_id=theme and theme.id,
        event_id=event and event.id,
        registration_id=registration and registration.id,
        text=text,
        text_version=shown.version,
        asked_at=utcnow(),
        given_how=how,
    )
    db.session.add(consent)
    return consent


def withdraw(consent: Consent, *, how: str) -> Consent:
    """Withdraw a consent (also one not yet confirmed): possible at any time, twice changes
    nothing."""
    if consent.withdrawn_at is None:
        consent.withdrawn_at = utcnow()
        consent.withdrawn_how = how
        consent.confirm_token_hash = None
        db.session.flush()
    return consent


def withdraw_current(
    participant: Participant, purpose: str, *, how: str, theme: Theme | None = None,
    event: Event | None = None,
) -> Consent | None:  # fmt: skip
    consent = current(participant, purpose, theme=theme, event=event)
    return withdraw(consent, how=how) if consent is not None else None


def of_person(participant: Participant) -> list[Consent]:
    """Every consent record of the person, newest first: what they see and can withdraw."""
    return list(
        db.session.scalars(
            sa.select(Consent)
            .where(Consent.participant_id == participant.id)
            .order_by(Consent.asked_at.desc(), Consent.id.desc())
        )
    )


def holders(purpose: str, *, theme: Theme | None = None, event: Event | None = None):
    """A query of the participants with a current consent for this list: the only source of a
    newsletter list or a work team's followers."""
    return (
        sa.select(Participant, Consent)
        .join(Consent, Consent.participant_id == Participant.id)
        .where(
            *_scope(purpose, theme and theme.id, event and event.id),
            Consent.given_at.is_not(None),
            Consent.withdrawn_at.is_(None),
        )
        .order_by(Participant.name, Participant.id)
    )


# --- one click from a mail ---------------------------------------------------------------------
# A consent's withdrawal link holds a token that can do nothing else (it travels in a
# List-Unsubscribe header, which mail providers fetch and may log).


def withdrawal_token(consent: Consent) -> str:
    """A new token for the consent's one-click withdrawal link; earlier ones stay valid."""
    token = new_token()
    db.session.add(ConsentLink(consent_id=consent.id, token_hash=token_hash(token)))
    db.session.flush()
    return token


def by_withdrawal_token(token: str) -> Consent:
    if not token or len(token) > 100:
        raise NotFoundHere()
    consent = db.session.scalar(
        sa.select(Consent)
        .join(ConsentLink, ConsentLink.consent_id == Consent.id)
        .where(ConsentLink.token_hash == token_hash(token))
    )
    if consent is None:
        raise NotFoundHere()
    return consent
