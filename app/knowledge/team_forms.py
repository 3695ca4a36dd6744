"""Forms of the work teams: the team as organisers describe it, adding a member, Meedoen, and an
update to the followers (the event messages' form without its audiences)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.forms import (
    CheckboxField,
    EmailAddressField,
    Form,
    MultiLineField,
    SingleLineField,
    clean_text,
)
from app.knowledge.team import JoinDetails, MemberDetails, TeamDetails
from app.markdown import MARKDOWN_HINT
from app.privacy.consent import TEXTS, wording
from app.privacy.models import Purpose
from app.registration.message_forms import GroupMessageForm

LANGUAGE_LABELS = {"nl": _l("Nederlands"), "en": _l("Engels")}


def _user_id(value):
    if value in (None, "", "None"):
        return None
    return int(value)  # a ValueError is WTForms' "not a valid choice"


class WorkTeamForm(Form):
    description = MultiLineField(
        _l("Over het werkteam"),
        description=MARKDOWN_HINT,
        validators=[Length(max=10000)],
    )
    lead_name = SingleLineField(
        _l("Trekker"),
        description=_l("Wie het werkteam trekt. Staat op de website."),
        validators=[Optional(), Length(max=120)],
    )
    lead_organisation = SingleLineField(
        _l("Organisatie van de trekker"), validators=[Optional(), Length(max=200)]
    )
    contact_user_id = SelectField(
        _l("Account dat updates mag versturen"),
        description=_l(
            "Naast de organisatoren: bijvoorbeeld de trekker, met een eigen account. Het openbare contact is de contactpersoon van het thema."
        ),
        coerce=_user_id,
        default=None,
    )

    def __init__(self, *args, candidates=(), may_choose_contact=True, **kwargs):
        super().__init__(*args, **kwargs)
        if may_choose_contact:
            self.contact_user_id.choices = [Choice("", _l("Geen"))] + [
                Choice(str(u.id), f"{u.name} ({u.email})") for u in candidates
            ]
        else:
            del self.contact_user_id

    def details(self) -> TeamDetails:
        return TeamDetails(
            description=self.description.data or "",
            lead_name=self.lead_name.data or "",
            lead_organisation=self.lead_organisation.data or "",
            contact_user_id=self.contact_user_id.data if "contact_user_id" in self else None,
        )


class MemberForm(Form):
    name = SingleLineField(_l("Naam"), validators=[DataRequired(), Length(max=120)])
    email = EmailAddressField(
        _l("E-mailadres"),
        description=_l(
            "Hierheen gaat de vraag of de naam op de website mag. Is het adres al bekend, dan blijft de naam die de persoon zelf gaf."
        ),
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    organisation = SingleLineField(_l("Organisatie"), validators=[Optional(), Length(max=200)])
    role = SingleLineField(
        _l("Rol in het werkteam"),
        description=_l("Bijvoorbeeld: trekker, namens de gemeente, ervaringsdeskundige."),
        validators=[Optional(), Length(max=120)],
    )
    language = RadioField(
        _l("Taal van de e-mail"),
        choices=[Choice(value, label) for value, label in LANGUAGE_LABELS.items()],
        default="nl",
        validators=[InputRequired()],
        filters=[clean_text],
    )

    def details(self) -> MemberDetails:
        return MemberDetails(name=self.name.data, email=self.email.data,
                             organisation=self.organisation.data or "",
                             role=self.role.data or "", language=self.language.data)  # fmt: skip


class JoinForm(Form):
    """Meedoen: what we need to send updates, and only that (data minimisation)."""

    name = SingleLineField(
        _l("Naam"), validators=[DataRequired(), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )  # fmt: skip
    email = EmailAddressField(
        _l("E-mailadres"),
        description=_l("Hierheen sturen we de link om uw aanmelding te bevestigen."),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    organisation = SingleLineField(
        _l("Organisatie"), validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )  # fmt: skip
    # Labelled in __init__ with the theme's consent words: what was shown is what is stored.
    team_updates = CheckboxField(name_in_errors=_l("Updates van het werkteam"), default=True)
    newsletter = CheckboxField(TEXTS[Purpose.NEWSLETTER].text, name_in_errors=_l("Nieuwsbrief"))
    privacy = CheckboxField(
        _l("Ik heb de privacyverklaring gelezen."),
        name_in_errors=_l("Privacyverklaring"),
        validators=[InputRequired()],
    )
    # A field people never see; bots fill in everything.
    website = SingleLineField(
        _l("Laat dit veld leeg"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_updates.label.text = wording(Purpose.NEWSLETTER, theme)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.team_updates.data or self.newsletter.data):
            self.team_updates.errors = [*self.team_updates.errors, _l("Kies wat u wilt ontvangen.")]
            return False
        return valid

    def details(self, language: str) -> JoinDetails:
        return JoinDetails(name=self.name.data, email=self.email.data,
                           organisation=self.organisation.data or "",
                           team_updates=bool(self.team_updates.data),
                           newsletter=bool(self.newsletter.data), language=language)  # fmt: skip


class UpdateForm(GroupMessageForm):
    """Subject and text; on the preview, whose mail is shown and when it was first shown."""

    audience = None  # a team has one audience: its followers
    workshop = None
