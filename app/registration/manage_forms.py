"""The organiser's forms for one registration: adding someone by hand (the public form's
fields, worded for the organiser, with the organiser's own choices) and resending a link."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.agenda.forms import chosen_session_ids, workshop_fields
from app.agenda.reading import event_rondes, workshop_counts
from app.forms import EmailAddressField, Form
from app.registration.forms import RegistrationForm, build_form, details_from, event_fields
from app.registration.questions import questions_for
from app.registration.services import RegistrationDetails


class ByHandForm(RegistrationForm):
    email = EmailAddressField(
        _l("E-mailadres"),
        description=_l("Hierheen gaan de bevestiging en de persoonlijke link van deze persoon."),
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    privacy = BooleanField(
        _l("Deze persoon weet van de privacyverklaring (voorgelezen, of de link gestuurd)."),
        validators=[InputRequired()],
    )
    newsletter = BooleanField(_l("Wil de nieuwsbrief van de werkplaats (zelf gezegd)."))
    photos = BooleanField(
        _l("Vindt het goed herkenbaar op foto's van deze activiteit te staan (zelf gezegd).")
    )
    website = None  # no honeypot: only a logged-in organiser posts this form
    language = SelectField(
        _l("Taal van de e-mails"),
        choices=[Choice("nl", "Nederlands"), Choice("en", "English")],
        default="nl",
    )
    beyond_capacity = BooleanField(
        _l("Plaats geven, ook als de activiteit vol is"),
        description=_l(
            "Zonder dit vinkje komt deze persoon op de wachtlijst als de activiteit vol is, zoals iedereen. Met dit vinkje krijgt deze persoon een plaats boven de capaciteit; dat wordt vastgelegd."
        ),
    )
    send_mail = BooleanField(
        _l("Stuur een bevestiging per e-mail"),
        description=_l("Met de persoonlijke link, en bij een plaats de QR-code voor de balie."),
        default=True,
    )


@dataclass
class ByHandFormParts:
    event: object
    form: ByHandForm
    questions: list
    rondes: list
    extra_fields: list  # the event's own fields (workshops first), in order, for the template

    def details(self) -> RegistrationDetails:
        language = self.form.language.data or "nl"
        return details_from(self.form, self.questions, self.event.accreditations, language)

    def chosen_workshops(self) -> list[int]:
        return chosen_session_ids(self.form, self.rondes)


def by_hand_form(event) -> ByHandFormParts:
    """The public registration form of `event` (its questions, register numbers, dietary
    needs and a workshop per ronde) in the organiser's words."""
    questions = questions_for(event)
    rondes = event_rondes(event)
    language = str(get_locale() or "nl")
    extra = (
        workshop_fields(rondes, workshop_counts(event), event.workshop_choice_required, language)
        if rondes
        else []
    )
    form = build_form(ByHandForm, event, questions, event.accreditations, extra)
    fields = event_fields(form, questions, event.accreditations, extra)
    return ByHandFormParts(event, form, questions, rondes, fields)


class ResendLinkForm(Form):
    stop_earlier = BooleanField(
        _l("Eerdere links laten vervallen"),
        description=_l("Bijvoorbeeld als een mail met de link is doorgestuurd."),
    )
