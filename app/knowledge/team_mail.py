"""The mails of a work team's double opt-in: a follower's confirmation link after Meedoen, and
the question to a member added by an organiser whether their name may be shown. Each is one
row in the outbox, in the person's language, in the transaction that asked."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.knowledge.team_models import WorkTeamMember
from app.links import external_url
from app.mail.services import MailContent, queue_message, render_message
from app.privacy.consent_mail import greeting
from app.privacy.models import Consent
from app.programme.models import Theme
from app.registration.models import Participant
from app.text import sentence


def _queue(kind: str, participant: Participant, theme: Theme, content: MailContent) -> None:
    subject, text, html = render_message(content)
    queue_message(kind=kind, recipient=participant.email, subject=subject, text_body=text,
                  html_body=html, reply_to=theme.contact_email)  # fmt: skip


def confirm_following(participant: Participant, theme: Theme, asked: list[Consent],
                      holding: list[Consent], link: str | None, language: str) -> None:  # fmt: skip
    """After Meedoen: the link that confirms what was asked; and what holds already, so the
    mail is right whatever the address had before (the page said the same to everyone)."""
    with force_locale(language):
        paragraphs = []
        if asked:
            paragraphs.append(_("U gaf op de website aan dat u het volgende wilt ontvangen:"))
            paragraphs.append("\n".join(f"- {c.text}" for c in asked))
            paragraphs.append(_("Bevestig dit met de knop hieronder. Pas daarna sturen we u iets. Kreeg u deze e-mail onverwacht? Doe dan niets: zonder bevestiging ontvangt u niets van ons."))  # fmt: skip
        if holding:
            paragraphs.append(_("Dit ontvangt u al; daarvoor hoeft u niets te doen:"))
            paragraphs.append("\n".join(f"- {c.text}" for c in holding))
        paragraphs.append(sentence(_("Meer over het werkteam %(theme)s staat op de website: %(url)s", theme=theme.name, url=external_url("work_teams.team", slug=theme.slug)), theme.name))  # fmt: skip
        if asked:
            subject = _("Bevestig uw aanmelding bij het werkteam %(theme)s", theme=theme.name)
        elif any(c.theme_id is not None for c in holding):
            subject = _("U volgt het werkteam %(theme)s al", theme=theme.name)
        else:
            subject = _("U ontvangt de nieuwsbrief van de werkplaats al")
        content = MailContent(
            subject=subject,
            greeting=greeting(participant),
            paragraphs=paragraphs,
            action=(_("Ja, ik wil dit ontvangen"), external_url("work_teams.confirm", token=link))
            if link
            else None,
        )
        _queue("work_team_follow", participant, theme, content)


def member_asked(member: WorkTeamMember, asked: Consent, token: str, language: str, *,
                 by: User) -> None:  # fmt: skip
    """A member added by an organiser: may the site show their name? Only a yes shows it."""
    theme, participant = member.theme, member.participant
    organisation = current_app.config["ORGANISATION_NAME"]
    with force_locale(language):
        content = MailContent(
            subject=_("Mag uw naam op de pagina van het werkteam %(theme)s?", theme=theme.name),
            greeting=greeting(participant),
            paragraphs=[
                sentence(
                    _(
                        "%(who)s heeft u toegevoegd als lid van het werkteam %(theme)s van %(organisation)s.",
                        who=by.name,
                        theme=theme.name,
                        organisation=organisation,
                    ),
                    organisation,
                ),
                _(
                    "Op de pagina van het werkteam noemen we leden bij naam, met hun organisatie en rol. Dat doen we alleen als u het goed vindt. Met de knop hieronder zegt u ja op:"
                ),
                asked.text,
                _(
                    "Zo komt het er te staan: %(shown)s",
                    shown=" · ".join(
                        p for p in (participant.name, participant.organisation, member.role) if p
                    ),
                ),
                _(
                    "Wilt u niet genoemd worden? Doe dan niets. U kunt uw toestemming later altijd weer intrekken."
                ),
            ],
            action=(_("Ja, noem mijn naam"), external_url("work_teams.confirm", token=token)),
        )
        _queue("work_team_member", participant, theme, content)
