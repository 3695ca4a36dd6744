"""A certificate as a document: its content in the holder's language, the werkplaats' look,
and the PDF (app/certificates/pdf.py draws it)."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from babel.numbers import format_decimal
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.certificates.attendance import parse_moment
from app.certificates.content import CertificateContent, Look, PointsLine, SessionLine
from app.certificates.models import Certificate, CertificateLook
from app.certificates.pdf import certificate_pdf
from app.extensions import db
from app.links import external_url
from app.timezones import format_clock, format_day, format_period


def number_text(value, language: str) -> str:
    """'4,5' / '4.5'; whole numbers without decimals."""
    value = Decimal(str(value)).normalize()
    return format_decimal(value, format="#,##0.##", locale=language)


def verify_url(certificate: Certificate) -> str:
    return external_url("certificates.verify", number=certificate.number)


def stored_look() -> CertificateLook | None:
    return db.session.scalar(sa.select(CertificateLook).order_by(CertificateLook.id).limit(1))


def look() -> Look:
    stored = stored_look()
    organisation = current_app.config["ORGANISATION_NAME"]
    if stored is None:
        return Look(organisation_name=organisation)
    return Look(organisation_name=organisation, signatory_name=stored.signatory_name,
                signatory_function=stored.signatory_function, logo=stored.logo,
                logo_type=stored.logo_type, signature=stored.signature,
                signature_type=stored.signature_type)  # fmt: skip


def content_for(certificate: Certificate) -> CertificateContent:
    language = certificate.language if certificate.language in ("nl", "en") else "nl"
    with force_locale(language):
        kind = _("Themadag") if certificate.event_kind == "themadag" else _("Kenniscafé")
        sessions = [
            SessionLine(line["title"], f"{format_clock(parse_moment(line['starts_at']), language)}"
                                       f"–{format_clock(parse_moment(line['ends_at']), language)}")
            for line in certificate.sessions
        ]  # fmt: skip
        return CertificateContent(
            language=language,
            holder_name=certificate.holder_name,
            register_numbers=sorted(certificate.register_numbers.items()),
            event_title=certificate.event_title,
            event_kind=kind,
            event_when=format_period(
                certificate.event_starts_at, certificate.event_ends_at, language
            ),
            event_place=certificate.event_place,
            sessions=sessions,
            hours=number_text(certificate.hours, language),
            points=[
                PointsLine(p["register"], p["accreditation_id"], number_text(p["points"], language))
                for p in certificate.points
            ],  # fmt: skip
            issued_on=format_day(certificate.issued_at, language),
            number=certificate.number,
            verify_url=verify_url(certificate),
        )


def pdf(certificate: Certificate, current_look: Look | None = None) -> bytes:
    content = content_for(certificate)
    with force_locale(content.language):
        return certificate_pdf(content, current_look or look())


def file_name(certificate: Certificate) -> str:
    return f"bewijs-van-deelname-{certificate.number}.pdf"
