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
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, g, has_request_context, render_template
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db, mail
from app.mail.background import BackgroundSender
from app.mail.models import OutboxMessage, OutboxStatus
from app.timezones import AMSTERDAM, utcnow

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


def render_message(content: MailContent) -> tuple[str, str, str]:
    """Subject, text and HTML of a message, in the language that is active."""
    text = render_template("mail/message.txt", content=content)
    html = render_template("mail/message.html", content=content)
    return content.subject, text, html


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
) -> OutboxMessage:
    """Add a message to the outbox, in the current transaction."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "kennisagenda"
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        event_id=event_id,
        registration_id=registration_id,
        calendar=calendar,
        calendar_method=calendar_method,
        reply_to=reply_to,
        list_id=list_id,
        unsubscribe_url=unsubscribe_url,
        message_id=make_msgid(domain=host),
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    hand_on_after_commit([message.id])
    return message


# --- handing on after commit ---------------------------------------------------------------


def hand_on_after_commit(ids: list[int]) -> None:
    """Dispatch these messages once the current transaction has committed."""
    db.session.info.setdefault("outbox_ids", []).extend(ids)


@sa_event.listens_for(Session, "after_commit")
def _hand_on_after_commit(session) -> None:
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


_NOT_IN_A_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: str) -> str:
    """A header value on one line: line breaks and other control characters (from an event
    title, say) become a space, instead of a refusal that fails the message on every retry."""
    return _NOT_IN_A_HEADER.sub(" ", value).strip()


_METHOD_LINE = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def _calendar_method(calendar: str, fallback: str | None) -> str:
    """The METHOD the calendar itself states: the MIME `method` must equal it (RFC 6047)."""
    found = _METHOD_LINE.search(calendar)
    return found.group(1) if found else (fallback or "PUBLISH")


def _calendar_alternative(calendar: str, method: str) -> MIMEText:
    # base64 (the stdlib's default for utf-8): the iCalendar's CRLF lines arrive byte for byte,
    # where 7bit/8bit would let a relay re-wrap or re-end them.
    part = MIMEText(calendar, "calendar", "utf-8")
    part.set_param("method", method, requote=False)
    return part


def _calendar_attachment(calendar: str) -> MIMEBase:
    part = MIMEBase("application", "ics", name="invite.ics")
    part.set_payload(calendar.encode("utf-8"))
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


class InvitationEmail(EmailMultiAlternatives):
    """A message with an invitation, in the tree Google Calendar and Outlook write:
    multipart/mixed [multipart/alternative [text, HTML, text/calendar; method=…], invite.ics].
    Clients that understand invitations take the calendar alternative and show accept/decline;
    the rest still offer the same calendar as an attachment."""

    def __init__(self, *args, calendar: str, method: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar, self.method = calendar, method
        self.attach(_calendar_attachment(calendar))

    def _create_alternatives(self, msg):
        alternatives = super()._create_alternatives(msg)
        alternatives.attach(_calendar_alternative(self.calendar, self.method))
        return alternatives


def _headers(message: OutboxMessage) -> dict[str, str]:
    headers = {
        "Message-ID": message.message_id,
        # With its real offset: flask-mailman's default writes UTC as "-0000" ("zone unknown").
        "Date": format_datetime(datetime.now(AMSTERDAM)),
        "Auto-Submitted": "auto-generated",
    }
    if message.list_id:  # bulk: mail clients offer "unsubscribe", filters can sort it
        headers["List-Id"] = message.list_id
        headers["Precedence"] = "bulk"
        if message.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            # One-click (RFC 8058) is defined for an HTTPS URL only.
            if message.unsubscribe_url.startswith("https://"):
                headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return {name: one_line(value) for name, value in headers.items()}


def _as_email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    reply_to = one_line(message.reply_to or "")  # answers go to the event's contact
    fields = {
        "subject": one_line(message.subject),
        "body": message.text_body,
        "from_email": one_line(current_app.config["MAIL_DEFAULT_SENDER"]),
        "to": [one_line(message.recipient)],
        "reply_to": [reply_to] if reply_to else None,
        "headers": _headers(message),
        "connection": connection,
    }
    if message.calendar:
        method = _calendar_method(message.calendar, message.calendar_method)
        email = InvitationEmail(**fields, calendar=message.calendar, method=method)
    else:
        email = EmailMultiAlternatives(**fields)
    email.attach_alternative(message.html_body, "text/html")
    return email


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
            if connection is None:
                connection = mail.get_connection(fail_silently=False)
                connection.open()
            _as_email(message, connection).send()
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
