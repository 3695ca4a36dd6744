"""The mail that asks someone to confirm the werkplaats's newsletter ticked on a registration
form: anyone can type anyone's address into a form, so the list holds them only once they
confirm from their own mailbox (the same double opt-in as Meedoen, and the same link)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from app.links import external_url
from app.mail.services import MailContent, queue_message, render_message
from app.privacy.models import Consent
from app.registration.models import Participant, Registration


def greeting(participant: Participant) -> str:
    """The opening of a mail about a consent (the person may have given no name)."""
    return _("Beste %(name)s,", name=participant.name) if participant.name else _("Beste lezer,")


def confirm_newsletter(participant: Participant, asked: Consent, token: str, language: str,
                       registration: Registration) -> None:  # fmt: skip
    """Tied to the registration it was ticked on, so the mail goes with its data."""
    with force_locale(language):
        content = MailContent(
            subject=_("Bevestig uw aanmelding voor de nieuwsbrief"),
            greeting=greeting(participant),
            paragraphs=[
                _("Bij uw aanmelding kruiste u aan:"),
                f"- {asked.text}",
                _(
                    "Bevestig dit met de knop hieronder. Pas daarna sturen we u de nieuwsbrief. Kreeg u deze e-mail onverwacht? Doe dan niets: zonder bevestiging ontvangt u niets van ons."
                ),  # fmt: skip
            ],
            action=(
                _("Ja, ik wil de nieuwsbrief"),
                external_url("work_teams.confirm", token=token),
            ),
        )
        subject, text, html = render_message(content)
    queue_message(kind="newsletter_confirm", recipient=participant.email, subject=subject,
                  text_body=text, html_body=html, event_id=registration.event_id,
                  registration_id=registration.id)  # fmt: skip
