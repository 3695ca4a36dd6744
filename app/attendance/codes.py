"""Check-in codes: the secret a registration's QR carries, and the QR itself (segno).

A code is 128 bits, of which only the SHA-256 is stored. The code in a mail, and on the manage
page that mail's link opens, is derived from that link's manage token (an HMAC: the manage
token cannot be recovered from it), so one mail and its page show the same QR and the page can
show it again without keeping the code. A badge print draws fresh random codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.attendance.models import CheckInCode
from app.extensions import db
from app.links import external_url
from app.registration.models import Registration
from app.tokens import token_hash

CODE_BYTES = 16  # 128 bits: 22 characters, a QR of version 4 for the whole URL
MAX_CODE_LENGTH = 64


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def code_from_manage_token(manage_token: str) -> str:
    digest = hmac.new(manage_token.encode(), b"kennisagenda check-in", hashlib.sha256).digest()
    return _encode(digest[:CODE_BYTES])


def _store(registration: Registration, code: str, source: str) -> None:
    digest = token_hash(code)
    exists = db.session.scalar(sa.select(CheckInCode.id).where(CheckInCode.code_hash == digest))
    if exists is None:
        db.session.add(CheckInCode(registration_id=registration.id, code_hash=digest,
                                   source=source))  # fmt: skip
        db.session.flush()


def code_for_link(registration: Registration, manage_token: str, source: str = "mail") -> str:
    """The check-in code that goes with this manage link, stored once."""
    code = code_from_manage_token(manage_token)
    _store(registration, code, source)
    return code


def issue_code(registration: Registration, source: str = "badge") -> str:
    code = _encode(secrets.token_bytes(CODE_BYTES))
    _store(registration, code, source)
    return code


def checkin_url(code: str) -> str:
    return external_url("attendance.scan_page", code=code)


def registration_for_code(code: str) -> Registration | None:
    """The registration a code was issued for; None for a wrong or revoked code."""
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    return db.session.scalar(
        sa.select(Registration)
        .join(CheckInCode, CheckInCode.registration_id == Registration.id)
        .where(CheckInCode.code_hash == token_hash(code), CheckInCode.revoked_at.is_(None))
        .options(so.joinedload(Registration.event), so.joinedload(Registration.participant))
    )
