"""The mail that brings a certificate: a download link (through the person's own manage
link, so it never needs a login) and the number anyone can check."""

from __future__ import annotations

from flask_babel import gettext as _

from app.certificates.documents import number_text, verify_url
from app.certificates.models import Certificate
from app.links import external_url
from app.mail.services import MailContent
from app.registration.models import Registration
from app.registration.notifications import greeting, queue_for
from app.registration.tokens import issue_manage_token


def certificate_ready(registration: Registration, certificate: Certificate) -> None:
    event = registration.event

    def compose(language):
        token = issue_manage_token(registration)
        return MailContent(
            subject=_("Uw bewijs van deelname: %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _("Dank u wel voor uw komst naar %(title)s. Uw bewijs van deelname staat klaar.",
                  title=event.title),
                _("Netto contacturen: %(hours)s. Certificaatnummer: %(number)s.",
                  hours=number_text(certificate.hours, language), number=certificate.number),
                _("Uw beroepsregister of werkgever kan het bewijs controleren op %(url)s.",
                  url=verify_url(certificate)),
            ],
            action=(_("Bewijs van deelname downloaden (PDF)"),
                    external_url("certificates.download", token=token)),
        )  # fmt: skip

    queue_for(registration, "certificate", compose)
