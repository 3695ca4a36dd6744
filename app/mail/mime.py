"""A queued message as the MIME tree mail clients expect: text and HTML alternatives, the
HTML with its inline QR (multipart/related), an invitation as a calendar alternative and as
an attachment, and the headers of bulk mail."""

from __future__ import annotations

import re
from datetime import datetime
from email import encoders
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.text import MIMEText
from email.utils import format_datetime

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from flask_mailman.message import SafeMIMEMultipart

from app.mail.models import OutboxMessage
from app.qr import qr_png
from app.timezones import AMSTERDAM

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


QR_CONTENT_ID = "checkin-qr@kennisagenda"


def _qr_image(url: str) -> MIMEImage:
    # Drawn at sending: the outbox row keeps the URL, not the picture.
    part = MIMEImage(qr_png(url), "png")
    part.add_header("Content-ID", f"<{QR_CONTENT_ID}>")
    part.add_header("Content-Disposition", "inline", filename="aanmeldcode.png")
    return part


class OutboxEmail(EmailMultiAlternatives):
    """HTML with its inline images as multipart/related [HTML, image…], the tree every mail
    client resolves `cid:` links in."""

    def __init__(self, *args, inline_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype != "text/html" or not self.inline_images:
            return part
        related = SafeMIMEMultipart(_subtype="related", encoding=self.encoding or "utf-8")
        related.attach(part)
        for image in self.inline_images:
            related.attach(image)
        return related


class InvitationEmail(OutboxEmail):
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


def as_email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    reply_to = one_line(message.reply_to or "")  # answers go to the event's contact
    fields = {
        "subject": one_line(message.subject),
        "body": message.text_body,
        "from_email": one_line(current_app.config["MAIL_DEFAULT_SENDER"]),
        "to": [one_line(message.recipient)],
        "reply_to": [reply_to] if reply_to else None,
        "headers": _headers(message),
        "connection": connection,
        "inline_images": [_qr_image(message.qr_url)] if message.qr_url else [],
    }
    if message.calendar:
        method = _calendar_method(message.calendar, message.calendar_method)
        email = InvitationEmail(**fields, calendar=message.calendar, method=method)
    else:
        email = OutboxEmail(**fields)
    email.attach_alternative(message.html_body, "text/html")
    return email
