"""One registration as its organisers see it: everything held about the person for this event
(details, answers, workshops, history, consents, check-ins, certificates, the mails sent), what
cancelling it would do before it is done, and sending the person their link again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.agenda.models import ChoiceStatus, Session, SessionChoice
from app.agenda.reading import workshops_of
from app.attendance.models import CheckIn, CheckInMethod
from app.certificates.models import Certificate
from app.errors import StateConflict
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import MailContent
from app.privacy import audit
from app.programme import lifecycle
from app.programme.models import Event
from app.registration import notifications
from app.registration.models import Registration, RegistrationStatus
from app.registration.questions import questions_for
from app.registration.tokens import revoke_all

# What each kind of mail is, in the organiser's words (an unknown kind shows as it is stored).
MAIL_KINDS = {
    "registration_confirmed": _l("Bevestiging van de aanmelding"),
    "registration_waitlisted": _l("Op de wachtlijst"),
    "registration_promoted": _l("Plaats gekregen"),
    "registration_cancelled": _l("Afmelding"),
    "manage_link": _l("Persoonlijke link"),
    "event_cancelled": _l("Activiteit geannuleerd"),
    "event_changed": _l("Activiteit gewijzigd"),
    "reminder": _l("Herinnering"),
    "organiser_message": _l("Bericht van de organisatie"),
    "workshop_place": _l("Plaats in een workshop"),
    "workshop_cancelled": _l("Workshop vervallen"),
    "workshops_changed": _l("Workshops gewijzigd"),
    "agenda_changed": _l("Programma gewijzigd"),
    "certificate": _l("Bewijs van deelname"),
    "materials_published": _l("Materialen gepubliceerd"),
    "newsletter_confirm": _l("Nieuwsbrief bevestigen"),
}

MAIL_STATUSES = {
    OutboxStatus.PENDING: _l("wacht op verzending"),
    OutboxStatus.SENDING: _l("wordt verstuurd"),
    OutboxStatus.SENT: _l("verstuurd"),
    OutboxStatus.FAILED: _l("mislukt"),
    OutboxStatus.SUPERSEDED: _l("niet verstuurd: een latere mail zegt hoe het nu zit"),
}

CHECK_IN_METHODS = {
    CheckInMethod.QR: _l("QR-code"),
    CheckInMethod.LIST: _l("lijst"),
    CheckInMethod.WALK_IN: _l("binnenloper"),
}

CANCELLED_BY = {"attendee": _l("door de deelnemer zelf"), "organiser": _l("door de organisatie")}

# Why places no longer move, in words for the organiser (the lifecycle's are the visitor's).
_FROZEN = {
    lifecycle.Phase.DRAFT: _l("Deze activiteit is nog een concept."),
    lifecycle.Phase.CANCELLED: _l("Deze activiteit is geannuleerd: plaatsen veranderen niet meer."),
    lifecycle.Phase.STARTED: _l("Deze activiteit is begonnen: plaatsen veranderen niet meer. Aan de balie kan iemand van de wachtlijst nog een vrije plaats krijgen."),
    lifecycle.Phase.OVER: _l("Deze activiteit is voorbij: plaatsen veranderen niet meer."),
}  # fmt: skip


def frozen_reason(event: Event, now: datetime | None = None):
    """Why no place may be given, moved or freed now; None while they may."""
    return _FROZEN.get(lifecycle.phase(event, now))


# --- the record ----------------------------------------------------------------------------


@dataclass
class CheckInLine:
    check_in: CheckIn
    session_title: str | None  # None: at the event itself


@dataclass
class PersonRecord:
    registration: Registration
    event: Event
    answers: list[tuple[str, str]]  # (question, answer), removed questions' answers too
    register_numbers: list[tuple[str, str]]  # (register, number)
    workshops: list[SessionChoice]
    check_ins: list[CheckInLine]
    certificates: list[Certificate]
    mails: list[OutboxMessage]
    entered_by: User | None
    frozen_reason: object


def _answers(registration: Registration) -> list[tuple[str, str]]:
    questions = questions_for(registration.event)
    answers = dict(registration.answers or {})
    lines = [(q.text, answers.pop(str(q.id), "")) for q in questions]
    # A question removed after this person answered it: the answer is still held, so shown.
    lines += [(_("Vraag die niet meer op het formulier staat"), v) for v in answers.values()]
    return lines


def _register_numbers(registration: Registration) -> list[tuple[str, str]]:
    numbers = dict(registration.register_numbers or {})
    lines = [(a.register, numbers.pop(a.register, "")) for a in registration.event.accreditations]
    return lines + sorted(numbers.items())


def _check_ins(registration: Registration) -> list[CheckInLine]:
    rows = db.session.execute(
        sa.select(CheckIn, Session.title)
        .outerjoin(Session, CheckIn.session_id == Session.id)
        .where(CheckIn.registration_id == registration.id)
        .options(so.joinedload(CheckIn.checked_in_by), so.joinedload(CheckIn.undone_by))
        .order_by(CheckIn.checked_in_at, CheckIn.id)
    ).all()
    return [CheckInLine(check_in, title) for check_in, title in rows]


def mails_sent_to(registration: Registration) -> list[OutboxMessage]:
    """Every mail about this registration in the outbox, the newest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration.id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )


def person_record(registration: Registration) -> PersonRecord:
    entered_by = db.session.get(User, registration.entered_by_id) if registration.entered_by_id else None  # fmt: skip
    certificates = db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.registration_id == registration.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    return PersonRecord(
        registration=registration,
        event=registration.event,
        answers=_answers(registration),
        register_numbers=_register_numbers(registration),
        workshops=workshops_of(registration.id),
        check_ins=_check_ins(registration),
        certificates=list(certificates),
        mails=mails_sent_to(registration),
        entered_by=entered_by,
        frozen_reason=frozen_reason(registration.event),
    )


# --- what cancelling would do ----------------------------------------------------------------


@dataclass
class CancelPreview:
    """What cancelling this registration now will do, as the organiser is asked to confirm it:
    the same rule as `services.cancel` and `agenda.choices.release_all` apply, read ahead."""

    registration: Registration
    frozen_reason: object  # cancelling is not possible now, and why
    had_place: bool
    moves_up: list[Registration]  # who gets the freed place at the event, and is mailed
    stays_full: bool  # a place is given up, but the event stays at or over its capacity
    workshop_moves: list[tuple[Session, Registration]]  # who gets a freed workshop place
    behind_on_waitlist: int  # for someone waiting: how many move one place up


def _confirmed(event_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )  # fmt: skip


def _first_waiting(event_id: int, n: int | None) -> list[Registration]:
    query = (
        sa.select(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_position)
    )  # fmt: skip
    return list(db.session.scalars(query if n is None else query.limit(n)))


def _workshop_moves(registration: Registration) -> list[tuple[Session, Registration]]:
    moves = []
    for choice in workshops_of(registration.id):
        session = choice.session
        if choice.status != ChoiceStatus.CONFIRMED or session.is_cancelled:
            continue
        capacity = session.effective_capacity
        taken = db.session.scalar(
            sa.select(sa.func.count()).select_from(SessionChoice).where(
                SessionChoice.session_id == session.id,
                SessionChoice.status == ChoiceStatus.CONFIRMED,
            )
        )  # fmt: skip
        if capacity is not None and taken - 1 >= capacity:
            continue  # still full without them
        first = db.session.scalar(
            sa.select(SessionChoice)
            .where(SessionChoice.session_id == session.id, SessionChoice.position == 1)
            .options(so.joinedload(SessionChoice.registration))
        )
        if first is not None:
            moves.append((session, first.registration))
    return moves


def cancel_preview(registration: Registration) -> CancelPreview:
    event = registration.event
    reason = frozen_reason(event)
    if registration.is_cancelled:
        reason = _l("Deze aanmelding is al geannuleerd.")
    preview = CancelPreview(registration, reason, registration.is_confirmed, [], False, [], 0)
    if reason is not None:
        return preview
    if registration.is_waitlisted:
        preview.behind_on_waitlist = len(_first_waiting(event.id, None)) - registration.waitlist_position  # fmt: skip
        return preview
    if event.capacity is None:
        preview.moves_up = _first_waiting(event.id, None)
    else:
        free = event.capacity - (_confirmed(event.id) - 1)
        preview.moves_up = _first_waiting(event.id, free) if free > 0 else []
        preview.stays_full = free <= 0
    preview.workshop_moves = _workshop_moves(registration)
    return preview


# --- their link, again -----------------------------------------------------------------------


def resend_link(
    registration: Registration, *, stop_earlier: bool = False, by: User | None = None
) -> None:
    """Mail the person a new personal link (someone lost the mail, or asks on the phone).
    `stop_earlier`: every earlier link stops working (e.g. a mail was forwarded). `by`: the
    organiser who sent it, in the audit log."""
    if registration.is_cancelled:
        raise StateConflict(_l("Deze aanmelding is geannuleerd; er is geen link om te sturen."))
    if stop_earlier:
        revoke_all(registration)
    if by is not None:
        audit.record(audit.Action.LINK_RESENT, by=by, registration=registration,
                     detail="nieuwe link; eerdere ingetrokken" if stop_earlier else "nieuwe link")  # fmt: skip
    event = registration.event

    def compose(language):
        paragraphs = [
            _(
                "De organisatie stuurt u hierbij opnieuw uw persoonlijke link voor %(title)s. Daarmee bekijkt of wijzigt u uw aanmelding, of meldt u zich af.",
                title=event.title,
            )
        ]  # fmt: skip
        if stop_earlier:
            paragraphs.append(_("Eerdere links naar uw aanmelding werken niet meer; deze wel."))
        paragraphs.append(
            _("U heeft een plaats.")
            if registration.is_confirmed
            else _(
                "U staat op plaats %(position)d van de wachtlijst.",
                position=registration.waitlist_position,
            )
        )
        paragraphs.append(notifications.facts(registration, language))
        content = MailContent(
            subject=_("Uw persoonlijke link voor %(title)s", title=event.title),
            greeting=notifications.greeting(registration),
            paragraphs=paragraphs,
        )
        if registration.is_confirmed:  # the desk's QR too: the lost mail carried it
            return notifications.with_checkin_qr(registration, content)
        content.action = notifications.manage_action(registration)
        return content

    notifications.queue_for(registration, "manage_link", compose)
