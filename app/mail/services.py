"""Queueing mail in the outbox and delivering it over SMTP.

A message is queued in the transaction of the change that causes it. After that transaction
commits, its messages are handed on (`dispatch`): to an RQ job when Redis is configured; else a
request delivers its one message itself and leaves anything more to the in-process background
sender (`app/mail/background.py`), so that no request waits on N SMTP conversations. Anything
not delivered then (SMTP down, Redis down, the process stopped) stays pending, and the next
delivery run — `flask --app wsgi outbox send`, from cron — picks it up. Each message is claimed
before it is sent, so two senders never send the same message."""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, g, has_request_context, render_template
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db, mail
from app.inserts import as_object, insert_of
from app.mail import composing
from app.mail.background import BackgroundSender
from app.mail.mime import as_email, one_line  # noqa: F401 - one_line: part of this module's API
from app.mail.models import OutboxMessage, OutboxStatus
from app.timezones import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
SENDING_LEASE = timedelta(minutes=5)  # a sender that died mid-send frees its claim after this
# A request delivers at most this many of its messages itself: a visitor's own confirmation
# arrives at once and costs one bounded SMTP conversation; a bulk send goes to the background.
INLINE_LIMIT = 1


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at 6 hours."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=6))


# --- composing -----------------------------------------------------------------------------


@dataclass
class MailContent:
    """What a message says, once; the text and HTML layouts both render it."""

    subject: str
    greeting: str
    paragraphs: list[str]
    action: tuple[str, str] | None = None  # (label, absolute URL)
    closing: list[str] = field(default_factory=list)
    # (why you get this and how to stop it, stop URL): the last line of a bulk message
    footer: tuple[str, str] | None = None
    # (what it is for, check-in URL): the desk's QR, an inline image in the HTML
    qr: tuple[str, str] | None = None


def render_message(content: MailContent) -> tuple[str, str, str]:
    """Subject, text and HTML of a message, in the language that is active."""
    text = render_template("mail/message.txt", content=content)
    html = render_template("mail/message.html", content=content)
    return content.subject, text, html


_QUEUED = ("kind", "recipient", "subject", "text_body", "html_body", "event_id", "registration_id",
           "group_message_id", "calendar", "calendar_method", "reply_to", "list_id",
           "unsubscribe_url", "qr_url", "composer", "composer_input", "message_id", "status",
           "next_attempt_at")  # fmt: skip


# Built once (app/inserts.py): a new registration queues its mail under the event's lock.
_NEW_MESSAGE = as_object(OutboxMessage, insert_of(OutboxMessage, _QUEUED))


def queue_message(
    *,
    kind: str,
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str,
    event_id: int | None = None,
    registration_id: int | None = None,
    calendar: str | None = None,
    calendar_method: str | None = None,
    reply_to: str = "",
    list_id: str = "",
    unsubscribe_url: str = "",
    qr_url: str = "",
    group_message_id: int | None = None,
    composer: str = "",
    composer_input: dict | None = None,
) -> OutboxMessage:
    """Add a message to the outbox, in the current transaction. `group_message_id`: the
    organiser's group message this mail is one of (its history counts the deliveries).
    `composer`: rendered after the commit instead, by that composer (app/mail/composing.py),
    with `composer_input`; the texts are then left empty here."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "kennisagenda"
    values = {
        "kind": kind, "recipient": recipient, "subject": subject, "text_body": text_body,
        "html_body": html_body, "event_id": event_id, "registration_id": registration_id,
        "group_message_id": group_message_id, "calendar": calendar,
        "calendar_method": calendar_method, "reply_to": reply_to, "list_id": list_id,
        "unsubscribe_url": unsubscribe_url, "qr_url": qr_url, "composer": composer,
        "composer_input": composer_input,
        # Not email.utils.make_msgid: its randomness comes from `random`, which a seeded
        # generator (a test's, a library's) repeats within one clock tick.
        "message_id": f"<{secrets.token_hex(16)}@{host}>",
        "status": OutboxStatus.PENDING, "next_attempt_at": utcnow(),
    }  # fmt: skip
    message = db.session.scalars(_NEW_MESSAGE, values).one()
    hand_on_after_commit([message.id])
    return message


# --- handing on after commit ---------------------------------------------------------------


def hand_on_after_commit(ids: list[int]) -> None:
    """Dispatch these messages once the current transaction has committed."""
    db.session.info.setdefault("outbox_ids", []).extend(ids)


@sa_event.listens_for(Session, "after_commit")
def _hand_on_after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the messages wait for the transaction around it
    ids = session.info.pop("outbox_ids", None)
    if not ids:
        return
    if has_request_context():
        # Deliver once the request has given its connection back (see dispatch_after_request):
        # a second connection per request thread could exhaust the pool under load.
        g.setdefault("outbox_ids", []).extend(ids)
    else:
        dispatch(ids)


def dispatch_after_request(_exception=None) -> None:
    """Registered to run after the request's database session is removed."""
    ids = g.pop("outbox_ids", None)
    if ids:
        dispatch(ids, in_request=True)


@sa_event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop("outbox_ids", None)


def dispatch(ids: list[int], *, in_request: bool = False) -> None:
    """Hand committed messages on for delivery; never raises (they stay pending on failure).

    `immediate`: a request delivers up to INLINE_LIMIT messages itself and gives more to the
    background sender; a command or job (no request, no worker timeout) delivers them all.
    `rq`: an RQ job. `manual`: nothing here; `flask outbox send` delivers them."""
    mode = current_app.config["MAIL_DELIVERY"]
    try:
        if mode == "rq":
            current_app.extensions["rq"].queue.enqueue(deliver_job, ids)
        elif mode == "immediate" and in_request and len(ids) > INLINE_LIMIT:
            background_sender().submit(ids)
        elif mode == "immediate":
            deliver(ids)
    except Exception:  # noqa: BLE001 - the change is committed; the mail waits for the next run
        log.exception("Handing on outbox messages %s failed; they stay pending", ids)


_sender_lock = threading.Lock()


def background_sender() -> BackgroundSender:
    """This app's background sender, made on first use (one per app, so one per process)."""
    app = current_app._get_current_object()
    with _sender_lock:
        if "outbox_sender" not in app.extensions:
            app.extensions["outbox_sender"] = BackgroundSender(app, deliver)
        return app.extensions["outbox_sender"]


def deliver_job(ids: list[int]) -> None:
    """The RQ job: runs in the worker, in an app context."""
    deliver(ids)


# --- delivering ----------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _due_ids(limit: int) -> list[int]:
    now = utcnow()
    query = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    with Session(db.engine) as session:
        return list(session.scalars(query))


def deliver_pending(limit: int = 500) -> DeliveryReport:
    """Deliver every message that is due (new ones and retries whose time has come)."""
    return deliver(_due_ids(limit))


def _claim(message_id: int) -> OutboxMessage | None:
    """Mark the message as being sent by us, or None if someone else has it (or it is done)."""
    now = utcnow()
    table = OutboxMessage.__table__
    with db.engine.begin() as connection:
        claimed = connection.execute(
            table.update()
            .where(
                table.c.id == message_id,
                table.c.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
                table.c.next_attempt_at <= now,
            )
            .values(
                status=OutboxStatus.SENDING,
                attempts=table.c.attempts + 1,
                next_attempt_at=now + SENDING_LEASE,
            )
        ).rowcount
    if claimed != 1:
        return None
    with Session(db.engine, expire_on_commit=False) as session:
        return session.get(OutboxMessage, message_id)


def _reread(message_id: int) -> OutboxMessage:
    with Session(db.engine, expire_on_commit=False) as session:
        return session.get(OutboxMessage, message_id)


def _record(message: OutboxMessage, *, error: str | None) -> str:
    table = OutboxMessage.__table__
    if error is None:
        values = {"status": OutboxStatus.SENT, "sent_at": utcnow(), "last_error": ""}
    elif message.attempts >= MAX_ATTEMPTS:
        values = {"status": OutboxStatus.FAILED, "last_error": error[:500]}
    else:
        values = {
            "status": OutboxStatus.PENDING,
            "next_attempt_at": utcnow() + retry_delay(message.attempts),
            "last_error": error[:500],
        }
    with db.engine.begin() as connection:
        connection.execute(table.update().where(table.c.id == message.id).values(**values))
    return values["status"]


def deliver(ids: list[int], *, stop: threading.Event | None = None) -> DeliveryReport:
    """Send these messages over one SMTP connection. Once `stop` is set, the rest is left
    unclaimed, still pending for the next run."""
    report = DeliveryReport()
    connection = None
    for message_id in ids:
        if stop is not None and stop.is_set():
            break
        message = _claim(message_id)
        if message is None:
            continue
        try:
            if message.composer and not composing.compose(message.id):
                continue  # superseded: nothing to send
            if message.composer:
                message = _reread(message.id)
                if message is None:
                    continue  # erased meanwhile, with the person's other mail
            if connection is None:
                connection = mail.get_connection(fail_silently=False)
                connection.open()
            as_email(message, connection).send()
        except Exception as error:  # noqa: BLE001 - any SMTP or network failure: retry later
            outcome = _record(message, error=f"{type(error).__name__}: {error}")
            log.warning("Mail %s to %s not delivered: %s", message.id, message.recipient, error)
            if connection is not None:
                connection.close()
                connection = None
        else:
            outcome = _record(message, error=None)
        {"sent": report.sent, "pending": report.retrying, "failed": report.failed}[outcome].append(
            message.id
        )
    if connection is not None:
        connection.close()
    return report
