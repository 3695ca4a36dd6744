from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from app.forms import (
    BoundedIntegerField,
    CheckboxField,
    EmailAddressField,
    Form,
    MultiLineField,
    SingleLineField,
    clean_text,
)
from app.privacy.consent import TEXTS
from app.privacy.models import Purpose
from app.programme.register_numbers import check_number
from app.registration.models import QuestionKind
from app.registration.questions import questions_for
from app.registration.services import RegistrationDetails


class DetailsForm(Form):
    """What we ask of everyone, and only that (data minimisation)."""

    name = SingleLineField(
        _l("Naam"),
        validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    organisation = SingleLineField(
        _l("Organisatie"),
        validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    function = SingleLineField(
        _l("Functie of rol"),
        description=_l("Bijvoorbeeld wijkteammedewerker, student, beleidsadviseur."),
        validators=[Optional(), Length(max=200)],
    )


class RegistrationForm(DetailsForm):
    email = EmailAddressField(
        _l("E-mailadres"),
        description=_l("Hierheen sturen we de bevestiging en uw persoonlijke link."),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    privacy = CheckboxField(
        _l("Ik heb de privacyverklaring gelezen."),
        name_in_errors=_l("Privacyverklaring"),
        validators=[InputRequired()],
    )
    # The consents' words are their records' (privacy/consent.py): what was shown is stored.
    newsletter = CheckboxField(
        TEXTS[Purpose.NEWSLETTER].text,
        name_in_errors=_l("Nieuwsbrief"),
    )
    photos = CheckboxField(
        TEXTS[Purpose.PHOTOS].text,
        name_in_errors=_l("Foto's"),
    )
    # A field people never see; bots fill in everything.
    website = SingleLineField(
        _l("Laat dit veld leeg"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )


def _question_field(question):
    validators = [DataRequired()] if question.required else [Optional()]
    label = question.text
    # A choice of only spaces is no choice (clean_text), not an answer to store.
    if question.kind == QuestionKind.CHOICE:
        choices = [Choice(option, option) for option in question.options]
        return RadioField(label, choices=choices, validators=validators, filters=[clean_text])
    if question.kind == QuestionKind.YES_NO:
        choices = [Choice("ja", _l("Ja")), Choice("nee", _l("Nee"))]
        return RadioField(label, choices=choices, validators=validators, filters=[clean_text])
    return SingleLineField(label, validators=[*validators, Length(max=1000)])


def _number_of(register: str):
    """A validator: the number's format, where the register's is known (Registerplein)."""

    def validate(_form, field) -> None:
        if field.data and (problem := check_number(register, field.data).problem):
            raise ValidationError(problem)

    return validate


def build_form(base, event, questions, accreditations, extra=(), **kwargs):
    """`base` (registration or details form) with this event's own fields added, and any
    `extra` (name, field) pairs another capability contributes (the agenda's workshops)."""

    class EventForm(base):
        pass

    for name, extra_field in extra:
        setattr(EventForm, name, extra_field)

    if event.catering:
        EventForm.dietary_needs = SingleLineField(
            _l("Dieetwensen of allergieën"),
            description=_l("Alleen als er iets is waar we rekening mee moeten houden."),
            validators=[Optional(), Length(max=500)],
        )
    for accreditation in accreditations:
        setattr(
            EventForm,
            f"register_{accreditation.id}",
            SingleLineField(
                _l("Registratienummer %(register)s", register=accreditation.register),
                description=_l("Alleen nodig als u punten wilt voor uw registratie."),
                validators=[Optional(), Length(max=40), _number_of(accreditation.register)],
            ),
        )
    for question in questions:
        setattr(EventForm, f"question_{question.id}", _question_field(question))
    return EventForm(**kwargs)


def event_fields(form, questions, accreditations, extra=()) -> list:
    """The fields this event added, in order, for the template."""
    names = (
        [name for name, _field in extra]
        + (["dietary_needs"] if "dietary_needs" in form else [])
        + [f"register_{a.id}" for a in accreditations]
        + [f"question_{q.id}" for q in questions]
    )
    return [form[name] for name in names]


def details_from(form, questions, accreditations, language: str) -> RegistrationDetails:
    return RegistrationDetails(
        name=form.name.data.strip(),
        email=form.email.data.strip() if "email" in form else "",
        organisation=(form.organisation.data or "").strip(),
        function=(form.function.data or "").strip(),
        dietary_needs=(form.dietary_needs.data or "").strip() if "dietary_needs" in form else "",
        register_numbers={
            a.register: check_number(a.register, form[f"register_{a.id}"].data).number
            for a in accreditations
            if (form[f"register_{a.id}"].data or "").strip()
        },
        answers={
            str(q.id): form[f"question_{q.id}"].data
            for q in questions
            if form[f"question_{q.id}"].data not in (None, "")
        },
        newsletter=bool(form.newsletter.data) if "newsletter" in form else False,
        photos=bool(form.photos.data) if "photos" in form else False,
        language=language,
    )


def prefill(form, registration, questions, accreditations) -> None:
    """Show a registration's current details in the manage form."""
    form.name.data = registration.name
    form.organisation.data = registration.organisation
    form.function.data = registration.function
    if "dietary_needs" in form:
        form.dietary_needs.data = registration.dietary_needs
    for a in accreditations:
        form[f"register_{a.id}"].data = registration.register_numbers.get(a.register, "")
    for q in questions:
        form[f"question_{q.id}"].data = registration.answers.get(str(q.id))


class QuestionForm(Form):
    text = SingleLineField(_l("Vraag"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(
        _l("Soort antwoord"),
        choices=[
            Choice(QuestionKind.TEXT, _l("Vrije tekst")),
            Choice(QuestionKind.CHOICE, _l("Keuze uit opties")),
            Choice(QuestionKind.YES_NO, _l("Ja of nee")),
        ],
    )
    options = MultiLineField(
        _l("Opties"),
        description=_l("Bij een keuzevraag: één optie per regel."),
        validators=[Optional(), Length(max=2000)],
    )
    required = BooleanField(_l("Verplicht"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == QuestionKind.CHOICE and len(self.option_list()) < 2:
            self.options.errors.append(_l("Geef minstens twee opties, één per regel."))
            valid = False
        return valid

    def option_list(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]


class MoveForm(Form):
    position = BoundedIntegerField(
        _l("Nieuwe plaats op de wachtlijst"), validators=[InputRequired()], min=1
    )


def registration_form_for(event, extra=()):
    """The registration form of `event` (its own fields included) and its questions."""
    questions = questions_for(event)
    form = build_form(RegistrationForm, event, questions, event.accreditations, extra)
    return form, questions
