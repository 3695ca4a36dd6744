"""The mail viewer for development (`MAIL_VIEWER`, which `make run` turns on): no mail leaves
the machine, and /dev/mail shows the outbox, newest first, each message as it would arrive —
its text with working links, its HTML in a sandboxed frame, its invitation and QR code.

Only registered when MAIL_VIEWER is on (the config refuses it in production), and then only
answers a browser on this machine: the page shows every mail, personal links included."""

from __future__ import annotations

import base64
import ipaddress
import logging
import re
from email.message import Message
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from flask_mailman.backends.base import BaseEmailBackend
from markupsafe import Markup, escape

from app.extensions import db
from app.mail.mime import QR_CONTENT_ID, as_email
from app.mail.models import OutboxMessage
from app.qr import qr_png

log = logging.getLogger(__name__)

LISTED = 200  # the newest this many; a development outbox rarely holds more

bp = Blueprint("dev_mail", __name__, url_prefix="/dev/mail")


def register_mail_viewer(app: Flask) -> None:
    """Add /dev/mail to `app` when MAIL_VIEWER is on; without it the pages do not exist."""
    if not app.config["MAIL_VIEWER"]:
        return
    app.register_blueprint(bp)
    # Say in the terminal where each caught mail is: Flask's handler on the "app" logger
    # prints it (touching app.logger installs that handler).
    app.logger  # noqa: B018
    log.setLevel(logging.INFO)


class CaughtEmailBackend(BaseEmailBackend):
    """The MAIL_BACKEND with MAIL_VIEWER on: builds each message, as SMTP would, so a message
    that cannot be built still fails here; then keeps it nowhere — the outbox holds it."""

    def send_messages(self, email_messages) -> int:
        count = 0
        for email in email_messages:
            email.message()
            count += 1
            log.info("Mail to %s not sent, shown at %s: %s", ", ".join(email.to),
                     current_app.config["BASE_URL"] + "/dev/mail", email.subject)  # fmt: skip
        return count


# --- who may look --------------------------------------------------------------------------


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@bp.before_request
def only_this_machine() -> None:
    # Both the client and the name it used: a proxy on this machine forwarding the world, or a
    # site that points its own name at 127.0.0.1 (DNS rebinding), gets nothing.
    if not (
        _is_loopback(request.remote_addr) and _is_loopback(urlsplit("//" + request.host).hostname)
    ):
        abort(404)


@bp.after_request
def never_kept(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # mails carry personal links
    return response


# --- reading a message ---------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)»"


def links_in(text: str) -> list[str]:
    """Every URL in a text, in order, once each, without the sentence's final punctuation."""
    return list(dict.fromkeys(url.rstrip(_TRAILING) for url in _URL.findall(text)))


def linked_text(text: str) -> Markup:
    """The text, escaped, with each URL a link."""
    parts, end = [], 0
    for found in _URL.finditer(text):
        url = found.group(0).rstrip(_TRAILING)
        parts.append(escape(text[end : found.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        end = found.start() + len(url)
    parts.append(escape(text[end:]))
    return Markup("").join(parts)


def mime_parts(message: OutboxMessage) -> list[tuple[int, str, str]]:
    """The tree SMTP would carry, as (depth, content type, file name) lines."""
    built = as_email(message, connection=None).message()
    lines: list[tuple[int, str, str]] = []

    def walk(part: Message, depth: int) -> None:
        kind = part.get_content_type()
        method = part.get_param("method")
        if method:
            kind += f"; method={method}"
        lines.append((depth, kind, part.get_filename() or ""))
        if part.is_multipart():
            for child in part.get_payload():
                walk(child, depth + 1)

    walk(built, 0)
    return lines


def _message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


# --- the pages -----------------------------------------------------------------------------


@bp.get("/")
def outbox():
    messages = db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(LISTED)
    ).all()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    return render_template("mail/dev/outbox.html", messages=messages, total=total, listed=LISTED)


@bp.get("/<int:message_id>")
def message(message_id: int):
    message = _message(message_id)
    return render_template(
        "mail/dev/message.html",
        message=message,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        links=links_in(message.text_body),
        text=linked_text(message.text_body),
        parts=mime_parts(message),
    )


# The HTML part is the mail sender's markup, with its inline styles: served on its own, with a
# policy that runs no script and loads nothing, inside a sandboxed frame of the message page.
HTML_PART_POLICY = "; ".join(
    [
        "default-src 'none'",
        "img-src data:",
        "style-src 'unsafe-inline'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation",
    ]
)


@bp.get("/<int:message_id>/html")
def html_part(message_id: int):
    message = _message(message_id)
    html = message.html_body
    if message.qr_url:  # the inline image the mail carries, drawn the same way
        png = base64.b64encode(qr_png(message.qr_url)).decode("ascii")
        html = html.replace(f"cid:{QR_CONTENT_ID}", f"data:image/png;base64,{png}")
    # A link in the mail opens in the whole tab: our pages refuse to be framed.
    html = re.sub(r"(<head[^>]*>)", r'\1<base target="_top">', html, count=1, flags=re.I)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HTML_PART_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<int:message_id>/invite.ics")
def calendar_part(message_id: int):
    message = _message(message_id)
    if not message.calendar:
        abort(404)
    return Response(
        message.calendar,
        mimetype="text/calendar",
        headers={"Content-Disposition": "attachment; filename=invite.ics"},
    )


@bp.get("/<int:message_id>/qr.png")
def qr_part(message_id: int):
    message = _message(message_id)
    if not message.qr_url:
        abort(404)
    return Response(qr_png(message.qr_url), mimetype="image/png")


@bp.get("/<int:message_id>.eml")
def whole_message(message_id: int):
    """The message as SMTP would carry it, to open in a real mail program."""
    built = as_email(_message(message_id), connection=None).message()
    return Response(
        built.as_bytes(),
        mimetype="message/rfc822",
        headers={"Content-Disposition": f"attachment; filename=mail-{message_id}.eml"},
    )
