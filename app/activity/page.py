"""What a visitor sees of an event, composed in one place: the event, its agenda, whether and
how one can register (with a workshop question per ronde), places left. The event page and the
registration POST both use it; later capabilities (calendar links, check-in, certificates)
plug in here rather than into the programme's views."""

from __future__ import annotations

from dataclasses import dataclass

from app.activity import summary
from app.agenda import reading as agenda_reading
from app.agenda.choices import choices_of
from app.agenda.forms import chosen_session_ids, registration_form_with_workshops
from app.agenda.notifications import change_text
from app.agenda.public import PublicAgenda, public_agenda
from app.knowledge import materials as knowledge
from app.programme import lifecycle
from app.programme import services as programme
from app.programme.models import Event
from app.registration import services as registration
from app.registration.models import Registration


@dataclass
class EventPage:
    event: Event
    agenda: PublicAgenda
    closed_reason: object  # why registering is not possible now; None when it is
    seats_left: int | None
    can_manage: bool
    availability: summary.Availability | None = None  # places, registration window
    form: object = None  # the registration form, with a workshop question per ronde
    questions: list | None = None
    extra_fields: list | None = None
    materials: list | None = None  # once the event is over, its published materials

    def chosen_workshops(self) -> list[int]:
        """The workshops ticked on the posted registration form."""
        return chosen_session_ids(self.form, self.agenda.rondes)

    def template_context(self) -> dict:
        return {
            "event": self.event,
            "agenda": self.agenda,
            "closed_reason": self.closed_reason,
            "seats_left": self.seats_left,
            "can_manage": self.can_manage,
            "availability": self.availability,
            "kind_label": summary.kind_label(self.event),
            "map_url": summary.map_url(self.event),
            "form": self.form,
            "extra_fields": self.extra_fields,
            "agenda_seats_left": agenda_reading.seats_left,
            "change_text": change_text,
            "materials": self.materials,
        }


def event_page(slug: str, viewer=None) -> EventPage:
    """The event as `viewer` may see it (drafts only for its organisers)."""
    event = programme.public_event(slug, viewer=viewer)
    can_manage = bool(viewer) and programme.can_manage(viewer, event)
    page = _page(event, public_agenda(event), registration.seats_left(event), can_manage)
    page.availability = summary.availability(event, page.seats_left)
    page.materials = knowledge.event_page_materials(event)
    return page


def form_page(slug: str) -> EventPage:
    """What a posted registration form needs: the event, its agenda (the form's rondes) and
    the form. No places: the service counts them under the event's lock, and a form sent
    back with errors counts them then (`seats_left` None until then); no agenda changes."""
    event = programme.public_event(slug)
    return _page(event, public_agenda(event, with_changes=False), seats_left=None,
                 can_manage=False)  # fmt: skip


def _page(
    event: Event, agenda: PublicAgenda, seats_left: int | None, can_manage: bool
) -> EventPage:
    page = EventPage(event=event, agenda=agenda, seats_left=seats_left,
                     closed_reason=registration.registration_closed_reason(event),
                     can_manage=can_manage)  # fmt: skip
    if page.closed_reason is None:
        parts = registration_form_with_workshops(event, page.agenda)
        page.form, page.questions, page.extra_fields = parts.form, parts.questions, parts.fields
    return page


@dataclass
class RegistrationPage:
    """What the person behind a manage link sees: their registration, why places may not move
    now (if so), and their workshops when the event has rondes (None when it has none)."""

    registration: Registration
    event: Event
    frozen_reason: object
    workshops: list | None


def registration_page(registration: Registration) -> RegistrationPage:
    event = registration.event
    has_rondes = bool(agenda_reading.event_rondes(event))
    return RegistrationPage(
        registration=registration,
        event=event,
        frozen_reason=lifecycle.places_frozen_reason(event),
        workshops=choices_of(registration) if has_rondes else None,
    )
