"""What registrants are told, and when: each function writes one message to the outbox, in
the registrant's language, inside the transaction of the change it reports."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.attendance.codes import checkin_url, code_for_link
from app.calendar.invitations import invitation
from app.calendar.tokens import issue_feed_token
from app.links import external_url
from app.mail.services import MailContent, queue_message, render_message
from app.registration.models import Registration
from app.registration.tokens import issue_manage_token
from app.text import sentence
from app.timezones import format_period


def _where(event) -> str:
    place = ", ".join(p for p in (event.venue_name, event.address, event.city) if p)
    if event.online_url:
        place = f"{place} ({_('ook online')})" if place else _("online")
    return place


def facts(registration: Registration, language: str) -> str:
    event = registration.event
    lines = [_("Wanneer: %(when)s", when=format_period(event.starts_at, event.ends_at, language))]
    if _where(event):
        lines.append(_("Waar: %(where)s", where=_where(event)))
    if registration.online_link:
        lines.append(_("Online: %(url)s", url=registration.online_link))
    return "\n".join(lines)


def manage_action(registration: Registration, token: str | None = None) -> tuple[str, str]:
    token = token or issue_manage_token(registration)
    return _("Uw aanmelding bekijken of wijzigen"), external_url("registration.manage", token=token)


def with_checkin_qr(registration: Registration, content: MailContent) -> MailContent:
    """The mail's personal link, and the desk's QR that goes with it (the same QR as on the
    page that link opens)."""
    token = issue_manage_token(registration)
    content.action = manage_action(registration, token)
    content.qr = (
        _("Laat deze QR-code bij binnenkomst zien aan de balie, op uw telefoon of geprint. Geen QR-code bij de hand? Noem dan uw naam."),
        checkin_url(code_for_link(registration, token)),
    )  # fmt: skip
    return content


def rendered_for(registration: Registration, compose, calendar_method: str | None = None) -> dict:
    """A message's fields, rendered in the registrant's language. `calendar_method`: REQUEST
    (the event with their workshops, updated) or CANCEL."""
    language = registration.language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        content: MailContent = compose(language)
        if calendar_method == "REQUEST":
            # Calendar clients offer "decline" on an invitation; it reaches nobody here.
            content.closing.append(_(
                "Afmelden kan alleen via uw persoonlijke link. Een uitnodiging weigeren of verwijderen in uw agenda meldt u niet af."
            ))  # fmt: skip
        _one_stop_after_title(content, registration.event.title)
        subject, text, html = render_message(content)
        calendar = invitation(registration, calendar_method) if calendar_method else None
    return {"subject": subject, "text_body": text, "html_body": html, "calendar": calendar,
            "calendar_method": calendar_method, "qr_url": content.qr[1] if content.qr else ""}  # fmt: skip


def queue_for(registration: Registration, kind: str, compose, calendar_method: str | None = None,
              **headers):  # fmt: skip
    """`compose(language)`: the MailContent, rendered now; None with `headers["composer"]`:
    rendered after the commit by that composer (app/mail/composing.py). `headers`: list_id
    and unsubscribe_url for bulk messages (see queue_message)."""
    rendered = (
        rendered_for(registration, compose, calendar_method)
        if compose is not None
        else {"subject": "", "text_body": "", "html_body": ""}
    )
    queue_message(
        kind=kind,
        recipient=registration.participant.email,
        event_id=registration.event_id,
        registration_id=registration.id,
        reply_to=registration.event.contact_email,
        **rendered,
        **headers,
    )


def _one_stop_after_title(content: MailContent, title: str) -> None:
    """Every sentence of a mail that ends in the event's title ("… voor Wat nu?.") keeps the
    title's own mark and no extra full stop; in one place, for every mail about a registration."""
    content.paragraphs = [sentence(paragraph, title) for paragraph in content.paragraphs]
    content.closing = [sentence(paragraph, title) for paragraph in content.closing]
    if content.footer:
        content.footer = (sentence(content.footer[0], title), content.footer[1])


def calendar_paragraph(registration: Registration) -> str:
    """A link to their personal calendar feed: every event and workshop of theirs, kept
    up to date, in Apple, Google or Outlook."""
    url = external_url("calendar.personal", token=issue_feed_token(registration.participant))
    return _(
        "Al uw activiteiten en workshops in uw eigen agenda, altijd bijgewerkt: %(url)s", url=url
    )


def greeting(registration: Registration) -> str:
    return _("Beste %(name)s,", name=registration.name or registration.participant.name)


REGISTERED = "registration.new"  # the composer of a new registration's mail (app/activity)


def registered(registration: Registration) -> None:
    """The mail for a new registration, a place or a spot on the waiting list: queued with
    the decision, rendered after its commit (app/mail/composing.py), so the event's lock is
    held only to decide."""
    kind = "registration_confirmed" if registration.is_confirmed else "registration_waitlisted"
    queue_for(registration, kind, None, composer=REGISTERED)


def confirmed(registration: Registration, more=None) -> dict:
    """The fields of the mail for a place. `more(language)`: further paragraphs, e.g. the
    workshops just chosen (the agenda's)."""
    event = registration.event

    def compose(language):
        return with_checkin_qr(
            registration,
            MailContent(
                subject=_("Aanmelding bevestigd: %(title)s", title=event.title),
                greeting=greeting(registration),
                paragraphs=[
                    _("U bent aangemeld voor %(title)s.", title=event.title),
                    facts(registration, language),
                    *(more(language) if more else []),
                    _("In de bijlage staat de activiteit voor uw agenda."),
                    calendar_paragraph(registration),
                ],
                closing=[
                    _(
                        "Kunt u toch niet komen? Meld u dan af via de link: dan gaat uw plaats naar de eerste op de wachtlijst."
                    )
                ],
            ),
        )

    return rendered_for(registration, compose, calendar_method="REQUEST")


def waitlisted(registration: Registration, more=None) -> dict:
    """The fields of the mail for a spot on the waiting list."""
    event = registration.event

    def compose(language):
        return MailContent(
            subject=_("U staat op de wachtlijst: %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _(
                    "%(title)s is vol. U staat op plaats %(position)d van de wachtlijst.",
                    title=event.title,
                    position=registration.waitlist_position,
                ),  # fmt: skip
                _(
                    "Komt er een plaats vrij, dan krijgt u die automatisch en ontvangt u direct bericht."
                ),
                facts(registration, language),
                *(more(language) if more else []),
            ],
            action=manage_action(registration),
        )

    return rendered_for(registration, compose)


def promoted(registration: Registration) -> None:
    event = registration.event

    def compose(language):
        return with_checkin_qr(
            registration,
            MailContent(
                subject=_("Er is een plaats voor u: %(title)s", title=event.title),
                greeting=greeting(registration),
                paragraphs=[
                    _(
                        "Goed nieuws: er is een plaats vrijgekomen. U bent nu aangemeld voor %(title)s.",
                        title=event.title,
                    ),
                    facts(registration, language),
                    _("In de bijlage staat de activiteit voor uw agenda."),
                    calendar_paragraph(registration),
                ],
                closing=[
                    _(
                        "Kunt u toch niet komen? Meld u dan af via de link, zodat iemand anders uw plaats krijgt."
                    )
                ],
            ),
        )

    queue_for(registration, "registration_promoted", compose, calendar_method="REQUEST")


def cancelled(registration: Registration, *, had_place: bool) -> None:
    event = registration.event

    def compose(language):
        by_organiser = registration.cancelled_by == "organiser"
        return MailContent(
            subject=_("Afmelding: %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _(
                    "De organisatie heeft uw aanmelding voor %(title)s geannuleerd.",
                    title=event.title,
                )
                if by_organiser
                else _("U bent afgemeld voor %(title)s.", title=event.title),
                facts(registration, language),
            ],
            closing=[
                _(
                    "Wilt u zich opnieuw aanmelden? Dat kan op de pagina van de activiteit, zolang er plaats is."
                )
            ],
        )

    queue_for(registration, "registration_cancelled", compose, "CANCEL" if had_place else None)


def manage_link_again(registration: Registration) -> None:
    event = registration.event

    def compose(language):
        status = (
            _("U heeft een plaats.")
            if registration.is_confirmed
            else _(
                "U staat op plaats %(position)d van de wachtlijst.",
                position=registration.waitlist_position,
            )
        )
        return MailContent(
            subject=_("Uw aanmelding voor %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _(
                    "U was al aangemeld voor %(title)s, dus u krijgt geen tweede plaats. Hier is uw persoonlijke link opnieuw.",
                    title=event.title,
                ),
                status,
                facts(registration, language),
            ],
            action=manage_action(registration),
        )

    queue_for(registration, "manage_link", compose)


def new_link(registration: Registration) -> None:
    """After the person stopped their old links: the only one that works now."""
    event = registration.event

    def compose(language):
        return MailContent(
            subject=_("Uw nieuwe link voor %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _(
                    "U heeft om een nieuwe persoonlijke link gevraagd. Alle eerdere links naar uw aanmelding werken niet meer; deze wel."
                ),
                facts(registration, language),
            ],
            action=manage_action(registration),
        )

    queue_for(registration, "manage_link", compose)


def event_cancelled(registration: Registration) -> None:
    event = registration.event

    def compose(language):
        return MailContent(
            subject=_("Geannuleerd: %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _(
                    "Helaas gaat %(title)s niet door. De activiteit is geannuleerd.",
                    title=event.title,
                ),
                facts(registration, language),
                _("Onze excuses voor het ongemak. In het programma vindt u andere activiteiten."),
            ],
            action=(_("Naar het programma"), external_url("programme.index")),
        )

    method = "CANCEL" if registration.is_confirmed else None
    queue_for(registration, "event_cancelled", compose, calendar_method=method)


def event_changed(registration: Registration, changes: dict) -> None:
    event = registration.event

    def compose(language):
        return MailContent(
            subject=_("Gewijzigd: %(title)s", title=event.title),
            greeting=greeting(registration),
            paragraphs=[
                _(
                    "Er is iets veranderd aan %(title)s. Dit zijn de gegevens zoals ze nu zijn:",
                    title=event.title,
                ),
                facts(registration, language),
                _("In de bijlage staat de bijgewerkte activiteit voor uw agenda.")
                if registration.is_confirmed
                else _("U staat nog steeds op de wachtlijst."),
            ],
            action=manage_action(registration),
        )

    method = "REQUEST" if registration.is_confirmed else None
    queue_for(registration, "event_changed", compose, calendar_method=method)


def reminder(registration: Registration) -> None:
    event = registration.event

    def compose(language):
        return with_checkin_qr(
            registration,
            MailContent(
                subject=_("Herinnering: %(title)s", title=event.title),
                greeting=greeting(registration),
                paragraphs=[
                    _(
                        "Binnenkort is het zover: u bent aangemeld voor %(title)s.",
                        title=event.title,
                    ),
                    facts(registration, language),
                ],
                closing=[
                    _(
                        "Kunt u niet komen? Meld u dan af, zodat iemand van de wachtlijst uw plaats krijgt."
                    )
                ],
            ),
        )

    queue_for(registration, "reminder", compose)
