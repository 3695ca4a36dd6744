"""The organiser's group message: to whom (one of the audiences), subject and text; and on
the preview, whose mail is shown and when the form was first shown (a double click sends once)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from app.agenda.models import Session
from app.forms import BoundedIntegerField, Form, MultiLineField, SingleLineField, clean_text
from app.registration.messages import PLACEHOLDER, Audience

AUDIENCE_LABELS = {
    Audience.CONFIRMED: _l("Iedereen met een plaats"),
    Audience.WAITLISTED: _l("Wachtlijst"),
    Audience.WORKSHOP: _l("Deelnemers van één workshop"),
    Audience.CHECKED_IN: _l("Ingecheckt"),
    Audience.NOT_CHECKED_IN: _l("Niet ingecheckt"),
    Audience.ALL: _l("Iedereen met een plaats en de wachtlijst"),
}


class GroupMessageForm(Form):
    audience = RadioField(
        _l("Aan wie"),
        choices=[Choice(value, label) for value, label in AUDIENCE_LABELS.items()],
        default=Audience.CONFIRMED,
        validators=[InputRequired()],
        filters=[clean_text],
    )
    # Checked below: only asked for the audience of one workshop.
    workshop = SelectField(_l("Workshop"), choices=[], filters=[clean_text], validate_choice=False)
    subject = SingleLineField(_l("Onderwerp"), validators=[DataRequired(), Length(max=200)])
    body = MultiLineField(
        _l("Bericht"),
        description=_l(
            "Er komt geen aanhef boven uw tekst. Wilt u de ontvanger bij naam aanspreken, schrijf dan %(placeholder)s, bijvoorbeeld: Beste %(placeholder)s,",
            placeholder=PLACEHOLDER,
        ),
        validators=[DataRequired(), Length(max=10000)],
    )
    # On the preview: whose mail is shown, and when the form was first previewed.
    recipient = BoundedIntegerField(
        _l("Ontvanger"), validators=[Optional()], min=1, widget=HiddenInput()
    )
    shown_at = SingleLineField(
        _l("Voorbeeld"), validators=[Optional(), Length(max=40)], widget=HiddenInput()
    )

    def validate_workshop(self, field) -> None:
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Kies een workshop van deze activiteit."))
        if self.audience.data == Audience.WORKSHOP and not field.data:
            raise ValidationError(_l("Kies de workshop."))

    def first_shown_at(self) -> datetime | None:
        """When the preview was first shown (a time in UTC), if the form says so."""
        try:
            moment = datetime.fromisoformat(self.shown_at.data or "")
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def workshop_id(self) -> int | None:
        return int(self.workshop.data) if self.workshop.data else None


def message_form(workshops: list[Session], **kwargs) -> GroupMessageForm:
    """The form for an event with these workshops (the choices a posted workshop must be)."""
    form = GroupMessageForm(**kwargs)
    form.workshop.choices = [Choice("", "–"), *(Choice(str(s.id), s.title) for s in workshops)]
    return form
