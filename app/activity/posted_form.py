"""The registration form as a POST needs it, kept per process. Building it — the event, its
agenda's rondes, its questions, a form class with a field for each — was a third of a
registration's time, and in a rush every POST builds the same one.

It is kept under the event's form stamp (app/pages/stamps.py): a counter that every change of
what the form is made of moves in its own transaction (the event, its sessions, rooms,
questions, accreditations, releases; app/calendar/stamps.py keeps it, registrations do not
move it) and the moments passed (the form opens and closes by the clock). The stamp is read
first, then the form built, so a form is never kept under a stamp newer than what it was
built from. What is kept is plain data and a form class, never rows of a closed session.
The decision itself does not rest on it: the service checks the window and the workshops
again under the event's lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale

from app.activity.page import EventPage, form_page
from app.agenda.forms import chosen_session_ids
from app.pages import stamps

_KEPT_AT_MOST = 500  # forms (event × language) per app; a rush is about one
_keeping = threading.Lock()


@dataclass(frozen=True)
class Numbered:
    """A question or an accreditation as the posted form reads it: its id (and register)."""

    id: int
    register: str = ""


@dataclass(frozen=True)
class FormShape:
    event_id: int
    closed_reason: object  # why registering is not possible now; None when it is
    form_class: type | None
    questions: tuple[Numbered, ...]
    accreditations: tuple[Numbered, ...]
    rondes: int

    @classmethod
    def of(cls, page: EventPage) -> FormShape:
        event = page.event
        return cls(
            event_id=event.id,
            closed_reason=page.closed_reason,
            form_class=None if page.form is None else type(page.form),
            questions=tuple(Numbered(q.id) for q in page.questions or ()),
            accreditations=tuple(Numbered(a.id, a.register) for a in event.accreditations),
            rondes=len(page.agenda.rondes),
        )


@dataclass
class PostedForm:
    shape: FormShape
    form: object  # the registration form bound to the request; None when registering is closed

    def chosen_workshops(self) -> list[int]:
        return chosen_session_ids(self.form, range(self.shape.rondes))


def posted_form(slug: str) -> PostedForm:
    """The event's registration form, bound to the posted data (NotFound as the event page)."""
    stamp = stamps.form_stamp(slug)
    kept_forms = current_app.extensions.setdefault("posted_forms", {})
    key = (slug, str(get_locale() or "nl"))
    kept = kept_forms.get(key)
    if stamp is not None and kept is not None and kept[0] == stamp:
        shape = kept[1]
        return PostedForm(shape, None if shape.form_class is None else shape.form_class())
    page = form_page(slug)
    shape = FormShape.of(page)
    if stamp is not None:
        with _keeping:
            if len(kept_forms) >= _KEPT_AT_MOST:
                kept_forms.clear()
            kept_forms[key] = (stamp, shape)
    return PostedForm(shape, page.form)
