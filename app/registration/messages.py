"""Messages to many registrants at once: reminders before an event, and an organiser's own
group message to one audience of an event — who is in that audience, a preview, a test to
oneself, the sending (once, also under a double click) and the history of what was sent. Each
person's mail is a row in the outbox; the worker delivers them."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.agenda import reading as agenda
from app.agenda.models import ChoiceStatus, Session, SessionChoice
from app.attendance.models import CheckIn
from app.errors import DomainError, StateConflict
from app.extensions import db
from app.links import external_url
from app.locking import lock_row
from app.mail.models import OutboxMessage
from app.mail.services import MailContent, queue_message, render_message
from app.privacy import audit
from app.programme import lifecycle
from app.programme.models import Event, EventStatus
from app.registration import notifications
from app.registration.models import GroupMessage, Registration, RegistrationStatus
from app.registration.tokens import issue_unsubscribe_token
from app.text import sentence
from app.timezones import utcnow

REMINDER_BEFORE = timedelta(days=2)


def _claim_reminder(registration_id: int, now: datetime) -> bool:
    """Mark one reminder as ours. Two runs at once both try; the row's write lock makes the
    second wait, and it then finds the reminder taken (0 rows): each person is reminded once."""
    table = Registration.__table__
    claimed = db.session.execute(
        table.update()
        .where(table.c.id == registration_id, table.c.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
    ).rowcount
    return claimed == 1


def send_reminders(now: datetime | None = None) -> int:
    """Remind everyone with a place at a published event that starts within two days; each
    person once, also when two runs overlap. Run it from cron, e.g. hourly."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Registration)
        .join(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + REMINDER_BEFORE,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminder_sent_at.is_(None),
        )
        .options(so.joinedload(Registration.participant), so.joinedload(Registration.event))
        .order_by(Registration.id)  # one order for every run: no deadlock between two
    ).all()
    sent = 0
    for registration in due:
        if _claim_reminder(registration.id, now):
            notifications.reminder(registration)
            sent += 1
    db.session.flush()
    return sent


# --- an organiser's group message --------------------------------------------------------


class Audience(enum.StrEnum):
    CONFIRMED = "confirmed"  # everyone with a place: the default
    WAITLISTED = "waitlisted"
    WORKSHOP = "workshop"  # those with a place in one workshop
    CHECKED_IN = "checked_in"  # at the event or any of its sessions, not undone
    NOT_CHECKED_IN = "not_checked_in"  # with a place, and not (yet) checked in
    ALL = "all"  # with a place and on the waiting list


class Target(NamedTuple):
    """One audience of one event; `session_id` is the workshop of Audience.WORKSHOP. A
    tuple, so a page can look its count up as ("workshop", 7)."""

    audience: Audience
    session_id: int | None = None


@dataclass(frozen=True)
class Reach:
    reachable: int  # who will get the message
    stopped: int  # who is in the audience but stopped the group messages


PLACEHOLDER = "{naam}"  # replaced by each recipient's name; no other greeting is added
# A post without a preview's time: an identical message this recent is the same click again.
REPEAT_WINDOW = timedelta(minutes=1)
# The personal links of a preview and a test open nothing: only the recipients' own do.
SAMPLE_TOKEN = "voorbeeld"


def group_list_id(event: Event) -> str:
    """The List-Id (RFC 2919) of an event's group messages: "<title> <event-<id>.<host>>", the
    title folded to plain ASCII words so the header needs no encoding or quoting."""
    folded = unicodedata.normalize("NFKD", event.title).encode("ascii", "ignore").decode()
    phrase = " ".join(re.sub(r"[^A-Za-z0-9-]+", " ", folded).split())[:80].strip()
    host = urlsplit(current_app.config["BASE_URL"]).hostname or ""
    host = re.sub(r"[^a-z0-9.-]+", "", host).strip(".") or "kennisagenda"
    return f"{phrase or 'Kennisagenda'} <event-{event.id}.{host}>"


def why_no_messages(event: Event):
    """Why no group message may go out now, or None. A draft has no registrants to write to;
    a cancelled or past event may still be messaged ("a new date", "the slides are online")."""
    if lifecycle.phase(event) == lifecycle.Phase.DRAFT:
        return _l("Deze activiteit is nog een concept: berichten kunnen pas na het publiceren.")
    return None


def ensure_may_message(event: Event) -> None:
    reason = why_no_messages(event)
    if reason is not None:
        raise StateConflict(reason)


def workshops(event: Event) -> list[Session]:
    """The workshops whose participants can be an audience: those still on the agenda (a
    cancelled workshop's choices have ended)."""
    return [s for s in agenda.event_sessions(event, include_cancelled=False) if s.is_workshop]


def target_for(event: Event, audience: str, session_id: int | None = None) -> Target:
    """The audience an organiser picked, checked: a workshop must be one of this event's."""
    if audience not in Audience.__members__.values():
        raise DomainError(_l("Onbekende groep ontvangers."))
    if audience != Audience.WORKSHOP:
        return Target(Audience(audience))
    if session_id not in {s.id for s in workshops(event)}:
        raise DomainError(_l("Kies een workshop van deze activiteit."))
    return Target(Audience.WORKSHOP, session_id)


def every_target(event_workshops: list[Session]) -> list[Target]:
    """Every audience of an event with these workshops, in the order the form offers them."""
    return [
        Target(Audience.CONFIRMED),
        Target(Audience.WAITLISTED),
        *(Target(Audience.WORKSHOP, s.id) for s in event_workshops),
        Target(Audience.CHECKED_IN),
        Target(Audience.NOT_CHECKED_IN),
        Target(Audience.ALL),
    ]


def _members(event: Event, target: Target) -> sa.Select:
    """Who is in an audience: the one rule behind the counts, the preview and the sending.
    Those who stopped the group messages are members too; the callers set them apart."""
    statuses = {
        Audience.ALL: (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
        Audience.WAITLISTED: (RegistrationStatus.WAITLISTED,),
    }.get(target.audience, (RegistrationStatus.CONFIRMED,))
    query = sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(statuses)
    )
    if target.audience == Audience.WORKSHOP:
        query = query.where(
            sa.exists().where(
                SessionChoice.registration_id == Registration.id,
                SessionChoice.session_id == target.session_id,
                SessionChoice.status == ChoiceStatus.CONFIRMED,  # not its waiting list
            )
        )
    present = sa.exists().where(
        CheckIn.registration_id == Registration.id, CheckIn.undone_at.is_(None)
    )
    if target.audience == Audience.CHECKED_IN:
        query = query.where(present)
    elif target.audience == Audience.NOT_CHECKED_IN:
        query = query.where(~present)
    return query


def reach(event: Event, targets: Iterable[Target]) -> dict[Target, Reach]:
    """Per audience: how many will get a message, and how many stopped them."""
    counted = {}
    for target in targets:
        members = _members(event, target).subquery()
        stopped = members.c.group_messages_stopped_at.is_not(None)
        total, n_stopped = db.session.execute(
            sa.select(sa.func.count(), sa.func.count(sa.case((stopped, 1)))).select_from(members)
        ).one()
        counted[target] = Reach(reachable=total - n_stopped, stopped=n_stopped)
    return counted


def recipients(event: Event, target: Target) -> list[Registration]:
    """Who gets a message to this audience, in the order they registered."""
    return list(
        db.session.scalars(
            _members(event, target)
            .where(Registration.group_messages_stopped_at.is_(None))
            .options(so.joinedload(Registration.participant))
            .order_by(Registration.id)
        )
    )


def _name(registration: Registration) -> str:
    return registration.name or registration.participant.name


def personalised(text: str, name: str) -> str:
    return text.replace(PLACEHOLDER, name)


def _content(event: Event, subject: str, body: str, name: str, *, manage_url: str,
             unsubscribe_url: str) -> MailContent:  # fmt: skip
    """The mail, in the active language: the organiser's own words and nothing before them
    (a greeting only where they wrote {naam}), the person's link, and the bulk footer."""
    return MailContent(
        subject=personalised(subject, name),
        greeting="",
        paragraphs=[
            sentence(p.strip(), event.title)
            for p in personalised(body, name).split("\n\n")
            if p.strip()
        ],
        action=(_("Uw aanmelding bekijken of wijzigen"), manage_url),
        footer=(
            sentence(
                _(
                    "U ontvangt dit bericht omdat u bent aangemeld voor %(title)s. Geen berichten van de organisatie meer ontvangen?",
                    title=event.title,
                ),
                event.title,
            ),
            unsubscribe_url,
        ),
    )


@dataclass
class Rendered:
    """A message as one recipient will get it (None: nobody is in the audience, and a
    stand-in's name fills {naam})."""

    recipient: Registration | None
    subject: str
    text: str
    html: str


def preview(event: Event, subject: str, body: str, people: list[Registration],
            recipient_id: int | None = None, stand_in: str = "") -> Rendered:  # fmt: skip
    """The mail of one of `people` (the chosen one, else the first), in their language, with
    links that open nothing: a preview issues no personal link."""
    chosen = next((r for r in people if r.id == recipient_id), people[0] if people else None)
    language = (chosen.language if chosen else "") or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        content = _content(
            event, subject, body, _name(chosen) if chosen else stand_in,
            manage_url=external_url("registration.manage", token=SAMPLE_TOKEN),
            unsubscribe_url=external_url("registration.stop_group_messages", token=SAMPLE_TOKEN),
        )  # fmt: skip
        return Rendered(chosen, *render_message(content))


def send_test(event: Event, rendered: Rendered, address: str) -> OutboxMessage:
    """The previewed mail to the organiser's own address only; no group message is kept."""
    ensure_may_message(event)
    return queue_message(
        kind="group_message_test",
        recipient=address,
        subject=f"[Test] {rendered.subject}",
        text_body=rendered.text,
        html_body=rendered.html,
        event_id=event.id,
        reply_to=event.contact_email,
    )


@dataclass
class Sent:
    message: GroupMessage
    repeated: bool  # the same message was sent already (a double click): nothing went out now


def _identical_since(event: Event, target: Target, subject: str, body: str,
                     since: datetime) -> GroupMessage | None:  # fmt: skip
    return db.session.scalar(
        sa.select(GroupMessage)
        .where(
            GroupMessage.event_id == event.id,
            GroupMessage.audience == target.audience,
            GroupMessage.session_id.is_(None)
            if target.session_id is None
            else GroupMessage.session_id == target.session_id,
            GroupMessage.subject == subject,
            GroupMessage.body == body,
            GroupMessage.sent_at >= since,
        )
        .order_by(GroupMessage.id)
        .limit(1)
    )


def send_group_message(event: Event, target: Target, subject: str, body: str, *,
                       sent_by: User | None = None, shown_at: datetime | None = None) -> Sent:  # fmt: skip
    """Send an organiser's message to everyone in the audience who has not stopped them, each
    with their own links (List-Unsubscribe one-click, and in the footer), and keep it in the
    history. Exactly once: under the event's lock, a second post of the same form (shown to the
    organiser at `shown_at`; without it, within REPEAT_WINDOW) waits for the first and finds
    the message that one sent."""
    event = lock_row(Event, event.id)
    ensure_may_message(event)
    now = utcnow()
    since = min(shown_at, now) if shown_at else now - REPEAT_WINDOW
    earlier = _identical_since(event, target, subject, body, since)
    if earlier is not None:
        return Sent(earlier, repeated=True)
    people = recipients(event, target)
    if not people:
        raise DomainError(_l("Niemand in deze groep ontvangt berichten: er is niets verstuurd."))
    message = GroupMessage(
        event_id=event.id, audience=target.audience, session_id=target.session_id,
        subject=subject, body=body, recipients=len(people),
        sent_by_id=sent_by.id if sent_by else None, sent_at=now,
    )  # fmt: skip
    db.session.add(message)
    db.session.flush()
    list_id = group_list_id(event)
    for registration in people:
        _queue_one(event, registration, subject, body, message, list_id)
    if sent_by is not None:
        workshop = f", workshop #{target.session_id}" if target.session_id else ""
        audit.record(audit.Action.MESSAGE, by=sent_by, event=event,
                     detail=f"bericht #{message.id} aan {target.audience}{workshop}: "
                            f"{audit.people(len(people))}")  # fmt: skip
    return Sent(message, repeated=False)


def _queue_one(event: Event, registration: Registration, subject: str, body: str,
               message: GroupMessage, list_id: str) -> None:  # fmt: skip
    unsubscribe_url = external_url(
        "registration.stop_group_messages", token=issue_unsubscribe_token(registration)
    )

    def compose(_language):
        manage_url = notifications.manage_action(registration)[1]
        return _content(event, subject, body, _name(registration), manage_url=manage_url,
                        unsubscribe_url=unsubscribe_url)  # fmt: skip

    notifications.queue_for(registration, "organiser_message", compose, list_id=list_id,
                            unsubscribe_url=unsubscribe_url, group_message_id=message.id)  # fmt: skip


def message_registrants(event: Event, audience: str, subject: str, body: str) -> int:
    """A message sent now to one of the audiences without a workshop (for scripts and
    tests); how many it went to."""
    sent = send_group_message(event, target_for(event, audience), subject, body, shown_at=utcnow())
    return sent.message.recipients


def group_messages_stopped(event: Event, audience: str) -> int:
    """How many in this audience asked for no more group messages (they are skipped)."""
    target = target_for(event, audience)
    return reach(event, [target])[target].stopped


def stop_group_messages(registration: Registration) -> bool:
    """No more group messages for this registration; confirmations and changes still come.
    Idempotent: True only the first time."""
    if registration.group_messages_stopped_at is not None:
        return False
    registration.group_messages_stopped_at = utcnow()
    db.session.flush()
    return True
