from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, SelectField, SelectMultipleField, URLField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import (
    BoundedDecimalField,
    BoundedIntegerField,
    EmailAddressField,
    Form,
    MultiLineField,
    SingleLineField,
    clean_text,
    no_line_breaks,
    sane_date,
)
from app.markdown import MARKDOWN_HINT
from app.programme.models import EventKind
from app.timezones import NonexistentLocalTime, from_local, to_local

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def kind_choices():
    return [
        Choice(EventKind.KENNISCAFE, _l("Kenniscafé")),
        Choice(EventKind.THEMADAG, _l("Themadag")),
    ]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LocalDateTimeField(DateTimeLocalField):
    """A wall-clock time in Amsterdam, entered by a person; `utc` holds it converted. Always
    within the sane window of `sane_date`, checked before anything computes with it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", LOCAL_FORMAT)
        kwargs["validators"] = [*(kwargs.get("validators") or ()), sane_date]
        super().__init__(*args, **kwargs)

    def process_data(self, value):
        # Stored values are UTC; people edit them in Amsterdam time.
        super().process_data(to_local(value).replace(tzinfo=None) if value else value)

    @property
    def utc(self):
        return from_local(self.data) if self.data else None

    def post_validate(self, form, validation_stopped):
        if self.data and not validation_stopped:
            try:
                from_local(self.data)
            except NonexistentLocalTime:
                self.errors.append(
                    _l("Dit tijdstip bestaat niet: de klok gaat dan een uur vooruit.")
                )


class EventForm(Form):
    kind = SelectField(_l("Soort activiteit"), choices=kind_choices)
    title = SingleLineField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    summary = MultiLineField(
        _l("Korte samenvatting"),
        description=_l("Eén of twee zinnen voor het programma-overzicht."),
        validators=[Optional(), Length(max=400)],
    )
    description = MultiLineField(_l("Beschrijving"), description=MARKDOWN_HINT,
                                validators=[Optional(), Length(max=20000)])  # fmt: skip
    starts_at = LocalDateTimeField(_l("Begint op"), validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("Eindigt op"), validators=[InputRequired()])
    venue_name = SingleLineField(_l("Locatie"), validators=[Optional(), Length(max=200)])
    address = SingleLineField(_l("Adres"), validators=[Optional(), Length(max=200)])
    city = SingleLineField(_l("Plaats"), validators=[Optional(), Length(max=100)])
    online_url = URLField(
        _l("Link voor online deelname"),
        validators=[Optional(), URL(require_tld=False), Length(max=500), no_line_breaks],
        filters=[clean_text],
    )
    cost = SingleLineField(
        _l("Kosten"),
        description=_l("Leeg laten: gratis. Bijvoorbeeld: € 25, studenten gratis."),
        validators=[Optional(), Length(max=100)],
    )
    capacity = BoundedIntegerField(
        _l("Aantal plaatsen"),
        description=_l("Leeg laten voor onbeperkt."),
        validators=[Optional()],
        max=100000,
    )
    registration_opens_at = LocalDateTimeField(
        _l("Aanmelden kan vanaf"),
        description=_l("Leeg laten: aanmelden kan meteen na publicatie."),
        validators=[Optional()],
    )
    registration_closes_at = LocalDateTimeField(
        _l("Aanmelden kan tot"),
        description=_l("Leeg laten: aanmelden kan tot het begin."),
        validators=[Optional()],
    )
    contact_email = EmailAddressField(
        _l("E-mailadres voor vragen"), validators=[Optional(), Email(), Length(max=254)]
    )
    catering = BooleanField(
        _l("Er is eten: vraag bij aanmelden naar dieetwensen"),
    )
    workshop_choice_required = BooleanField(
        _l("Deelnemers kiezen verplicht een workshop in elke ronde"),
    )
    not_counting_minutes = BoundedIntegerField(
        _l("Minuten die niet meetellen voor contacturen"),
        description=_l(
            "Alleen voor een activiteit zonder programma, bijvoorbeeld 30 voor de ontvangst. Met een programma tellen pauzes vanzelf niet mee."
        ),
        validators=[Optional()],
        max=1440,
    )
    retention_months = BoundedIntegerField(
        _l("Bewaartermijn persoonsgegevens (maanden)"),
        description=LazyString(
            lambda: gettext(
                "Leeg: %(months)s maanden na de activiteit",
                months=current_app.config["PRIVACY_RETENTION_MONTHS"],
            )
        ),
        validators=[Optional()],
        min=1,
        max=120,
    )
    themes = MultiCheckboxField(_l("Thema's"), coerce=int)
    organisers = MultiCheckboxField(_l("Organisatoren"), coerce=int)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts_at.data and self.ends_at.data and self.ends_at.data <= self.starts_at.data:
            self.ends_at.errors.append(_l("Het einde ligt na het begin."))
            valid = False
        minutes = self.not_counting_minutes.data or 0
        if (
            self.starts_at.data
            and self.ends_at.data
            and minutes
            and (minutes * 60 >= (self.ends_at.data - self.starts_at.data).total_seconds())
        ):
            self.not_counting_minutes.errors.append(
                _l("Dat is de hele activiteit of meer: er blijven geen contacturen over.")
            )
            valid = False
        opens, closes = self.registration_opens_at.data, self.registration_closes_at.data
        if opens and closes and closes <= opens:
            self.registration_closes_at.errors.append(
                _l("Aanmelden sluit na het moment waarop het opengaat.")
            )
            valid = False
        return valid

    def details(self, themes_by_id: dict) -> dict:
        """The submitted values in the shape the programme services take: times in UTC."""
        return {
            "kind": self.kind.data,
            "title": self.title.data.strip(),
            "summary": (self.summary.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "starts_at": self.starts_at.utc,
            "ends_at": self.ends_at.utc,
            "venue_name": (self.venue_name.data or "").strip(),
            "address": (self.address.data or "").strip(),
            "city": (self.city.data or "").strip(),
            "online_url": self.online_url.data or None,
            "capacity": self.capacity.data,
            "cost": (self.cost.data or "").strip(),
            "registration_opens_at": self.registration_opens_at.utc,
            "registration_closes_at": self.registration_closes_at.utc,
            "contact_email": (self.contact_email.data or "").strip(),
            "catering": bool(self.catering.data),
            "workshop_choice_required": bool(self.workshop_choice_required.data),
            "not_counting_minutes": self.not_counting_minutes.data or 0,
            "retention_months": self.retention_months.data,
            "themes": [themes_by_id[i] for i in self.themes.data or [] if i in themes_by_id],
        }


class DuplicateEventForm(Form):
    starts_at = LocalDateTimeField(_l("Nieuwe begintijd"), validators=[InputRequired()])


class AccreditationForm(Form):
    register = SingleLineField(
        _l("Register"),
        description=_l("Bijvoorbeeld Registerplein of SKJ."),
        validators=[DataRequired(), Length(max=80)],
    )
    accreditation_id = SingleLineField(
        _l("Accreditatienummer"), validators=[DataRequired(), Length(max=80)]
    )
    points = BoundedDecimalField(
        _l("Punten"), places=1, validators=[InputRequired()], min=Decimal("0.1"), max=999
    )
    points_rule = SelectField(
        _l("Punten gelden"),
        choices=[
            Choice("event", _l("voor de hele activiteit")),
            Choice("pro_rata", _l("naar rato van de bijgewoonde uren")),
        ],  # fmt: skip
        default="event",
    )


class ThemeForm(Form):
    name = SingleLineField(_l("Naam"), validators=[DataRequired(), Length(max=120)])
    description = MultiLineField(_l("Beschrijving"), description=MARKDOWN_HINT,
                                validators=[Optional(), Length(max=5000)])  # fmt: skip
    contact_name = SingleLineField(_l("Contactpersoon"), validators=[Optional(), Length(max=120)])
    contact_email = EmailAddressField(
        _l("E-mailadres contactpersoon"), validators=[Optional(), Email(), Length(max=254)]
    )


class ProgrammeFilterForm(Form):
    """The filter on the programme: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    thema = SelectField(_l("Thema"), default="")
    soort = SelectField(_l("Soort"), default="")
