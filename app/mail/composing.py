"""Messages composed after the commit of the change they report.

A registration at a rush holds its event's lock from counting to commit; rendering its mail
(text, HTML, an invitation) inside that window made everyone else wait for it — as did a
release's hundreds of mails (app/agenda/notifications.py). Such a message is queued as a row
with no text yet and the name of its composer, in the same transaction as the decision: once that commits, the promise to mail is kept whatever happens
next. The sender renders the row just before sending it (the first thing after the commit in
a request; else the worker or `flask outbox send`), stores what it rendered in the row, and
then sends that. A composer sees the state after the commit; when what the message was about
is no longer true (promoted or cancelled meanwhile) it says so, and the row is marked
superseded: the later change's own message tells the person what is."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus

# name -> composer(message): from the database and `message.composer_input`, the message's
# fields to fill (subject, text_body, html_body and any of calendar, calendar_method, qr_url,
# reply_to), or None when it no longer holds.
Composer = Callable[[OutboxMessage], dict | None]
COMPOSERS: dict[str, Composer] = {}


def composer(name: str):
    def register(function: Composer) -> Composer:
        COMPOSERS[name] = function
        return function

    return register


def compose(message_id: int) -> bool:
    """Render a claimed message that still waits for its text, in its own app context (its
    own session and transaction: the caller may be inside another's commit). False when the
    message turned out superseded."""
    with current_app.app_context():
        try:
            message = db.session.get(OutboxMessage, message_id)
            if message is None or not message.composer:
                return message is not None
            fields = COMPOSERS[message.composer](message)
            if fields is None:
                message.status = OutboxStatus.SUPERSEDED
            else:
                for name, value in fields.items():
                    setattr(message, name, value)
            message.composer, message.composer_input = "", None
            db.session.commit()
            return fields is not None
        finally:
            db.session.remove()
