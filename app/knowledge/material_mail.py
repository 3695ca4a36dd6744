"""The one mail that tells the people who had a place at a past event that its materials are
online: each in their own language, public materials by their address, attendee-only ones
through a fresh personal link of their own. Those who stopped the organisers' group messages of
the event are not written to (they still find everything behind their manage link)."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.extensions import db
from app.knowledge.models import Material
from app.links import external_url
from app.mail.services import MailContent
from app.programme.models import Event
from app.registration import notifications
from app.registration.messages import group_list_id
from app.registration.models import Registration, RegistrationStatus
from app.registration.tokens import issue_manage_token, issue_unsubscribe_token


def recipients(event: Event) -> list[Registration]:
    """Everyone who had a place and did not stop the group messages, in registration order."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.group_messages_stopped_at.is_(None),
            )
            .options(so.joinedload(Registration.participant))
            .order_by(Registration.id)
        )
    )


def material_url(material: Material, token: str | None = None) -> str:
    """Where a material opens: a public link as it is, a public file at its own address, an
    attendee-only one only through the person's manage link."""
    if material.for_attendees_only:
        return external_url("knowledge.attendee_file", token=token, material_id=material.id)
    if material.is_link:
        return material.url
    return external_url("knowledge.public_file", material_id=material.id)


def announce(event: Event, materials: list[Material]) -> int:
    """Queue the mail to every recipient; how many."""
    people = recipients(event)
    list_id = group_list_id(event)
    for registration in people:
        _queue_one(event, registration, materials, list_id)
    return len(people)


def _queue_one(event: Event, registration: Registration, materials: list[Material],
               list_id: str) -> None:  # fmt: skip
    unsubscribe_url = external_url(
        "registration.stop_group_messages", token=issue_unsubscribe_token(registration)
    )
    private = any(m.for_attendees_only for m in materials)
    token = issue_manage_token(registration) if private else None

    def compose(_language):
        lines = [f"- {m.title}: {material_url(m, token)}" for m in materials]
        paragraphs = [
            _("Dank u wel voor uw aanmelding voor %(title)s. De materialen staan online:",
              title=event.title),
            "\n".join(lines),
        ]  # fmt: skip
        if private:
            paragraphs.append(_("Sommige materialen zijn alleen voor deelnemers: de links in deze mail zijn persoonlijk. Stuur ze niet door."))  # fmt: skip
            action = (_("Alle materialen bekijken"),
                      external_url("registration.manage", token=token))  # fmt: skip
        else:
            action = (_("Alle materialen bekijken"),
                      external_url("programme.event", slug=event.slug) + "#materialen")  # fmt: skip
        return MailContent(
            subject=_("Materialen van %(title)s", title=event.title),
            greeting=notifications.greeting(registration),
            paragraphs=paragraphs,
            action=action,
            footer=(
                _("U ontvangt dit bericht omdat u bent aangemeld voor %(title)s. Geen berichten van de organisatie meer ontvangen?",
                  title=event.title),
                unsubscribe_url,
            ),
        )  # fmt: skip

    notifications.queue_for(registration, "materials_published", compose, list_id=list_id,
                            unsubscribe_url=unsubscribe_url)  # fmt: skip
