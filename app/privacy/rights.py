"""A person's rights over their data (AVG articles 7(3), 15, 16, 17 and 20), the same rules
whether they act themselves, through a link mailed to their address, or an admin acts on a
request they sent by mail or letter.

The link: asked for from the manage page, mailed to the registration's address, valid for
PRIVACY_CONFIRM_MINUTES; opening it proves the holder owns the address. Only its hash is kept.

Erasure, in one transaction: a registration whose places may still move (published, not
started) is cancelled through the registration services, so the first waiting gets the place
and is told; any other (a draft's, or one of an event started, over or cancelled) stays as it
stands, because the lifecycle moves no places there and its counts and attendance are history.
Then every registration is anonymised as retention does it, issued certificates are kept for
verification or revoked as the person chooses, consents are withdrawn and deleted, mail to the
address goes, and the person's record goes with everything pointing at it. Nothing here knows
HTTP; the caller commits."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Gone

from app.accounts.models import User
from app.activity import services as activity
from app.certificates import services as certificates
from app.certificates.models import Certificate
from app.errors import DomainError, NotFoundHere
from app.extensions import db
from app.links import external_url
from app.locking import lock_row
from app.mail.models import OutboxMessage
from app.mail.services import MailContent, queue_message, render_message
from app.privacy import audit, consent
from app.privacy.audit import Action
from app.privacy.consent import How
from app.privacy.models import Consent, ConsentLink
from app.privacy.person_data import for_a_role, person_data, points_at_person
from app.privacy.registry import BY_TABLE, Treatment, empty_value
from app.privacy.retention import ANONYMOUS_DOMAIN, anonymise
from app.privacy.rights_models import RightsLink
from app.programme import lifecycle
from app.programme.models import Event
from app.registration.models import Participant, Registration
from app.registration.notifications import greeting
from app.registration.tokens import revoke_all
from app.timezones import utcnow
from app.tokens import new_token, token_hash

# What the log says when the person acted themselves (stored as written, like an admin's).
THEMSELVES = "de persoon zelf, via bevestigde link"
# A revoked certificate's reason (its public page says the data was erased on request).
ERASED_REASON = certificates.ERASED_ON_REQUEST


@dataclass(frozen=True)
class Actor:
    """Who acts on the person's data, and on whose request: the person (`by` None, through
    their confirmed link) or an admin, with the request they received."""

    by: User | None
    on_request_of: str

    @property
    def how(self) -> str:
        return How.MANAGE_LINK if self.by is None else How.ADMIN


def themselves() -> Actor:
    return Actor(None, THEMSELVES)


def _log(action: Action, actor: Actor, participant_id: int, detail: str) -> None:
    audit.record(action, by=actor.by, participant_id=participant_id, detail=detail,
                 on_request_of=actor.on_request_of)  # fmt: skip


# --- the link that proves the address -----------------------------------------------------------


class UnknownLink(NotFoundHere):
    pass


class LinkGone(Gone):
    """A link that was real but has expired or was stopped."""


def ask_link(registration: Registration) -> RightsLink:
    """Mail the registration's address a short-lived link to the person's data."""
    participant = registration.participant
    now, minutes = utcnow(), current_app.config["PRIVACY_CONFIRM_MINUTES"]
    # Links expired for a day are of no more use, not even to say so.
    db.session.execute(sa.delete(RightsLink).where(RightsLink.expires_at < now - timedelta(days=1)))
    token = new_token()
    link = RightsLink(participant_id=participant.id, token_hash=token_hash(token), created_at=now,
                      expires_at=now + timedelta(minutes=minutes))  # fmt: skip
    db.session.add(link)
    db.session.flush()
    _mail_link(registration, token, minutes)
    return link


def _mail_link(registration: Registration, token: str, minutes: int) -> None:
    language = registration.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        content = MailContent(
            subject=_("Uw gegevens bekijken: bevestig uw e-mailadres"),
            greeting=greeting(registration),
            paragraphs=[
                _("U vroeg om uw gegevens bij %(organisation)s in te zien, te downloaden, te verbeteren of te wissen.",
                  organisation=current_app.config["ORGANISATION_NAME"]),
                ngettext("Open de link hieronder binnen %(num)d minuut. Zo weten we zeker dat dit e-mailadres van u is.",
                         "Open de link hieronder binnen %(num)d minuten. Zo weten we zeker dat dit e-mailadres van u is.",
                         minutes),
                _("Vroeg u dit niet? Dan hoeft u niets te doen: zonder deze link ziet niemand uw gegevens."),
            ],
            action=(_("Mijn gegevens bekijken"), external_url("rights.overview", token=token)),
        )  # fmt: skip
        subject, text, html = render_message(content)
    # Tied to no event or registration: the organisers of the event whose link was used need
    # not know the person asked. It goes with the person's other mail (erasure, retention).
    queue_message(kind="rights_link", recipient=registration.participant.email, subject=subject,
                  text_body=text, html_body=html,
                  reply_to=current_app.config["ORGANISATION_EMAIL"])  # fmt: skip


def _link(token: str) -> RightsLink:
    if not token or len(token) > 100:
        raise UnknownLink()
    link = db.session.scalar(
        sa.select(RightsLink).where(RightsLink.token_hash == token_hash(token))
    )
    if link is None:
        raise UnknownLink()
    if not link.valid(utcnow()):
        raise LinkGone(_l("Deze link is verlopen of gestopt."))
    return link


def person_by_link(token: str) -> Participant:
    """The person a valid link is for; unknown is a 404, expired or stopped a 410."""
    return _link(token).participant


def stop_link(token: str) -> None:
    """The person is done: the link stops working now rather than when it expires."""
    _link(token).revoked_at = utcnow()
    db.session.flush()


# --- finding and showing ------------------------------------------------------------------------


def find_person(email: str) -> Participant | None:
    """The person with this address (as registered: lower case); never an anonymised one."""
    email = (email or "").strip().lower()
    if not email or email.endswith("@" + ANONYMOUS_DOMAIN):
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.email == email))


def show(participant: Participant, actor: Actor) -> dict:
    """Their data to look at; an admin's look is logged (the person's own is their business)."""
    if actor.by is not None:
        _log(Action.DATA_VIEWED, actor, participant.id, "overzicht")
    return person_data(participant)


def export(participant: Participant, actor: Actor) -> dict:
    """Their data to download; logged, whoever downloads it."""
    data = person_data(participant)
    rows = sum(len(section["rows"]) for section in data["tables"].values())
    _log(Action.DATA_EXPORTED, actor, participant.id, f"JSON, {rows} rijen")
    return data


# --- correcting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corrections:
    name: str
    organisation: str
    function: str


def current_details(participant: Participant) -> Corrections:
    """What the correction form starts from: the latest registration's details."""
    latest = max(participant.registrations, key=lambda r: r.created_at, default=None)
    return Corrections(
        name=(latest.name if latest else "") or participant.name,
        organisation=(latest.organisation if latest else "") or participant.organisation,
        function=latest.function if latest else "",
    )


def correct(participant: Participant, corrections: Corrections, actor: Actor) -> list[str]:
    """Name, organisation and function on the person and on each of their registrations (not
    the address: that is who they are). A certificate follows a corrected name, as it does
    from the manage page. Returns the fields that changed."""
    name = corrections.name.strip()
    if not name:
        raise DomainError(_l("Vul uw naam in."))
    wanted = {"name": name, "organisation": corrections.organisation.strip(),
              "function": corrections.function.strip()}  # fmt: skip
    changed: set[str] = set()
    for registration in sorted(participant.registrations, key=lambda r: r.id):
        fields = {f for f, value in wanted.items() if getattr(registration, f) != value}
        for field in fields:
            setattr(registration, field, wanted[field])
        db.session.flush()  # before the certificate's lock
        if "name" in fields:
            certificates.follow_name(registration)
        changed |= fields
    for field in ("name", "organisation"):
        if getattr(participant, field) != wanted[field]:
            setattr(participant, field, wanted[field])
            changed.add(field)
    db.session.flush()
    ordered = [f for f in wanted if f in changed]
    if ordered and actor.by is not None:
        _log(Action.DATA_CORRECTED, actor, participant.id, ", ".join(ordered))
    return ordered


# --- consent ------------------------------------------------------------------------------------


def current_consents(participant: Participant) -> list[Consent]:
    return [c for c in consent.of_person(participant) if c.is_current]


def withdraw_consent(participant: Participant, consent_id: int, actor: Actor) -> Consent:
    held = db.session.get(Consent, consent_id)
    if held is None or held.participant_id != participant.id:
        raise NotFoundHere()
    was_current = held.withdrawn_at is None
    consent.withdraw(held, how=actor.how)
    if was_current and actor.by is not None:
        _log(
            Action.CONSENT_WITHDRAWN,
            actor,
            participant.id,
            f"toestemming #{held.id} ({held.purpose})",
        )
    return held


# --- erasing ------------------------------------------------------------------------------------


class Fate(enum.StrEnum):
    """What erasure does to one registration, by where its event stands."""

    # Its place goes to the first waiting; then it is anonymised.
    CANCELLED = "cancelled"
    # Anonymised as it stands: places do not move (draft, started, over, cancelled).
    AS_IT_STANDS = "as_it_stands"
    ALREADY_CANCELLED = "already_cancelled"


def fate(registration: Registration, event: Event) -> Fate:
    if registration.is_cancelled:
        return Fate.ALREADY_CANCELLED
    return Fate.CANCELLED if lifecycle.places_may_move(event) else Fate.AS_IT_STANDS


@dataclass(frozen=True)
class Plan:
    """What erasure will do, for the page that asks to confirm it."""

    registrations: list[tuple[Registration, Fate]]
    certificates: list[Certificate]  # valid ones: the person chooses to keep or revoke them
    consents: int
    kept: list[str]  # the kinds of data held for a role (speaker, organiser, contact): not erased


def plan(participant: Participant) -> Plan:
    registrations = sorted(participant.registrations, key=lambda r: r.event.starts_at)
    valid = [c for c in _certificates(participant) if c.is_valid]
    tables = person_data(participant)["tables"]
    kept = [section["title"] for table, section in tables.items()
            if table in BY_TABLE and for_a_role(BY_TABLE[table]) and not points_at_person(table)]  # fmt: skip
    return Plan([(r, fate(r, r.event)) for r in registrations], valid,
                len(consent.of_person(participant)), kept)  # fmt: skip


def _certificates(participant: Participant) -> list[Certificate]:
    ids = [r.id for r in participant.registrations]
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.registration_id.in_(ids)).order_by(Certificate.id)))  # fmt: skip


@dataclass(frozen=True)
class Erasure:
    cancelled: int
    anonymised: int
    certificates_kept: int
    certificates_revoked: int
    consents: int

    def detail(self) -> str:
        def count(n: int, one: str, more: str) -> str:
            return f"{n} {one if n == 1 else more}"

        return (f"{count(self.anonymised, 'aanmelding', 'aanmeldingen')} ({self.cancelled}"
                f" geannuleerd), bewijzen: {self.certificates_kept} behouden,"
                f" {self.certificates_revoked} ingetrokken;"
                f" {count(self.consents, 'toestemming', 'toestemmingen')}")  # fmt: skip


def erase(participant: Participant, *, keep_certificates: bool, actor: Actor) -> Erasure:
    person_id, email = participant.id, participant.email
    registrations = sorted(participant.registrations, key=lambda r: (r.event_id, r.id))
    cancelled = sum(_cancel_if_places_move(r) for r in registrations)  # events in id order
    kept, revoked = _settle_certificates(participant, keep_certificates, actor)
    for registration in registrations:
        revoke_all(registration)  # anonymise deletes them too; no link may outlive this
    anonymise(registrations)
    consents = consent.of_person(participant)
    for held in consents:
        consent.withdraw(held, how=How.ERASURE)
    ids = [c.id for c in consents]
    db.session.execute(sa.delete(ConsentLink).where(ConsentLink.consent_id.in_(ids)))
    for held in consents:
        db.session.delete(held)
    db.session.execute(
        sa.delete(OutboxMessage).where(sa.func.lower(OutboxMessage.recipient) == email)
    )
    _delete_rows_pointing_at(person_id)
    db.session.expire(participant)
    db.session.delete(participant)
    db.session.flush()
    erasure = Erasure(cancelled, len(registrations), kept, revoked, len(consents))
    _log(Action.ERASED, actor, person_id, erasure.detail())
    return erasure


def _cancel_if_places_move(registration: Registration) -> bool:
    db.session.flush()  # a lock comes before any change in its transaction
    event = lock_row(Event, registration.event_id)
    db.session.refresh(registration)
    if fate(registration, event) != Fate.CANCELLED:
        return False
    # The person's own mail about it goes with their data (anonymise deletes it).
    activity.cancel_registration(registration.id, by="attendee")
    return True


def _settle_certificates(participant: Participant, keep: bool, actor: Actor) -> tuple[int, int]:
    """A valid certificate the person keeps stays verifiable with their name until the
    certificate period ends (retention empties it then); otherwise it is revoked. Revoked and
    replaced ones verify nothing for them: their holder's data goes either way."""
    entry = BY_TABLE["certificates"]
    blank = {c: empty_value(entry.table, c) for c in entry.columns(Treatment.CERTIFICATE)}
    kept = revoked = 0
    for certificate in _certificates(participant):
        if certificate.is_valid and keep:
            kept += 1
            continue
        if certificate.is_valid:
            certificates.revoke(certificate, actor.by, ERASED_REASON)
            revoked += 1
        for column, value in blank.items():
            setattr(certificate, column, value)
    db.session.flush()
    return kept, revoked


def _delete_rows_pointing_at(person_id: int) -> None:
    """Calendar feeds, rights links and whatever else points at the person (SQLite enforces no
    ON DELETE); registrations point at their anonymous participants by now."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name == "registrations":
            continue
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.column.table.name != "participants":
                    continue
                where = column == person_id
                if fk.ondelete and fk.ondelete.upper() == "SET NULL":
                    db.session.execute(sa.update(table).where(where).values({column: None}))
                else:
                    db.session.execute(sa.delete(table).where(where))
