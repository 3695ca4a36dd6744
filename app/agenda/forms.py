from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.agenda.models import SessionKind
from app.forms import (
    BoundedIntegerField,
    EmailAddressField,
    Form,
    MultiLineField,
    SingleLineField,
    clean_text,
)
from app.markdown import MARKDOWN_HINT
from app.pages.cache import page_slot
from app.programme.forms import LocalDateTimeField, MultiCheckboxField
from app.registration.forms import event_fields, registration_form_for
from app.timezones import format_period


def kind_choices():
    return [
        Choice(SessionKind.PLENARY, _l("Plenair")),
        Choice(SessionKind.WORKSHOP, _l("Workshop")),
        Choice(SessionKind.BREAK, _l("Pauze")),
    ]


class SessionForm(Form):
    kind = SelectField(_l("Soort"), choices=kind_choices)
    title = SingleLineField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    description = MultiLineField(_l("Beschrijving"), description=MARKDOWN_HINT,
                                validators=[Optional(), Length(max=5000)])  # fmt: skip
    starts_at = LocalDateTimeField(_l("Begint om"), validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("Eindigt om"), validators=[InputRequired()])
    room_id = SelectField(
        _l("Zaal"), coerce=lambda v: int(v) if v not in (None, "", "None") else None
    )
    capacity = BoundedIntegerField(
        _l("Aantal plaatsen"),
        description=_l("Leeg laten: zoveel als de zaal heeft."),
        validators=[Optional()],
        max=10000,
    )
    speakers = MultiCheckboxField(_l("Sprekers"), coerce=int)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts_at.data and self.ends_at.data and self.ends_at.data <= self.starts_at.data:
            self.ends_at.errors.append(_l("Het einde ligt na het begin."))
            valid = False
        return valid

    def details(self) -> dict:
        return {
            "kind": self.kind.data,
            "title": self.title.data.strip(),
            "description": (self.description.data or "").strip(),
            "starts_at": self.starts_at.utc,
            "ends_at": self.ends_at.utc,
            "room_id": self.room_id.data,
            "capacity": self.capacity.data,
        }


class ReleaseForm(Form):
    """'Wijzigingen publiceren' or 'verwerpen': what was shown (`seen`), and a note."""

    note = MultiLineField(
        _l("Toelichting bij deze versie (optioneel)"),
        description=_l("Staat bij de wijzigingen op de website en in de e-mail."),
        validators=[Optional(), Length(max=1000)],
    )
    seen = HiddenField()


class RoomForm(Form):
    name = SingleLineField(_l("Naam van de zaal"), validators=[DataRequired(), Length(max=120)])
    capacity = BoundedIntegerField(_l("Aantal plaatsen"), validators=[Optional()], max=10000)
    accessibility_notes = SingleLineField(
        _l("Toegankelijkheid"),
        description=_l("Bijvoorbeeld: rolstoeltoegankelijk, ringleiding, lift."),
        validators=[Optional(), Length(max=500)],
    )


class SpeakerForm(Form):
    name = SingleLineField(_l("Naam"), validators=[DataRequired(), Length(max=120)])
    organisation = SingleLineField(_l("Organisatie"), validators=[Optional(), Length(max=200)])
    bio = MultiLineField(_l("Korte bio"), validators=[Optional(), Length(max=1000)])
    email = EmailAddressField(
        _l("E-mailadres"),
        description=_l("Niet openbaar; voor de organisatie."),
        validators=[Optional(), Email(), Length(max=254)],
    )


def full_workshop_suffix(seats_left: int | None) -> str:
    """What a workshop's choice on a form adds when choosing it means its waiting list."""
    return " " + str(_l("(vol – u komt op de wachtlijst)")) if seats_left == 0 else ""


def _workshop_label(session, seats_left, language: str) -> str:
    parts = [session.title]
    if session.room is not None:
        parts.append(session.room.name)
    label = " – ".join(parts)
    # On the event page kept in the cache, the suffix is one of the places filled in per
    # request (app/activity/places.py).
    suffix = full_workshop_suffix(seats_left)
    slot = page_slot(f"places:choice:{session.id}", escape(suffix))
    if slot is not None:
        return escape(label) + slot
    return label + suffix


def workshop_fields(rondes, counts, required: bool, language: str) -> list[tuple[str, RadioField]]:
    """One radio group per ronde, for the registration and the manage forms."""
    from app.agenda.reading import seats_left

    fields = []
    for number, ronde in enumerate(rondes, start=1):
        choices = [
            Choice(str(w.id), _workshop_label(w, seats_left(w, counts), language))
            for w in ronde.workshops
        ]
        if not required:
            choices.append(Choice("", _l("Geen workshop in deze ronde")))
        label = _l(
            "Ronde %(n)d (%(when)s)",
            n=number,
            when=format_period(ronde.starts_at, ronde.ends_at, language),
        )
        validators = (
            [DataRequired(message=_l("Kies een workshop in deze ronde."))]
            if required
            else [Optional()]
        )
        # A choice of only spaces is no choice (clean_text), not a workshop id to look up.
        radio = RadioField(label, choices=choices, validators=validators, default="",
                           filters=[clean_text])  # fmt: skip
        fields.append((f"ronde_{number}", radio))
    return fields


def chosen_session_ids(form, rondes) -> list[int]:
    ids = []
    for number in range(1, len(rondes) + 1):
        value = form[f"ronde_{number}"].data
        if value:
            ids.append(int(value))
    return ids


def workshop_form(rondes, counts, required: bool, language: str, chosen: set[int]):
    """The manage page's form to change workshops; shows what the person has now."""

    class WorkshopForm(Form):
        pass

    for name, field in workshop_fields(rondes, counts, required, language):
        setattr(WorkshopForm, name, field)
    form = WorkshopForm()
    if not form.is_submitted():
        for number, ronde in enumerate(rondes, start=1):
            mine = [w.id for w in ronde.workshops if w.id in chosen]
            form[f"ronde_{number}"].data = str(mine[0]) if mine else ""
    return form


def workshop_fields_for(event, agenda) -> list:
    """The registration form's workshop questions: one per ronde, when there are rondes."""
    if not agenda.rondes:
        return []
    language = str(get_locale() or "nl")
    return workshop_fields(agenda.rondes, agenda.counts, event.workshop_choice_required, language)


@dataclass
class RegistrationFormParts:
    form: object
    questions: list
    fields: list  # the event's own fields (workshops first), in order, for the template


def registration_form_with_workshops(event, agenda) -> RegistrationFormParts:
    """The registration form of `event` with one workshop question per ronde added."""
    extra = workshop_fields_for(event, agenda)
    form, questions = registration_form_for(event, extra)
    return RegistrationFormParts(
        form, questions, event_fields(form, questions, event.accreditations, extra)
    )
