from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.accounts.models import Role
from app.accounts.services import MIN_PASSWORD_LENGTH
from app.forms import EmailAddressField, Form, SingleLineField


def role_choices():
    return [
        Choice(Role.ADMIN, _l("Beheerder")),
        Choice(Role.ORGANISER, _l("Organisator")),
        Choice(Role.CHECKIN, _l("Aanmeldbalie (alleen inchecken)")),
    ]


class LoginForm(Form):
    email = EmailAddressField(
        _l("E-mailadres"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    # Passwords are taken as typed, never cleaned: only their hash is kept.
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(), Length(max=1000)])
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class UserForm(Form):
    name = SingleLineField(_l("Naam"), validators=[DataRequired(), Length(max=120)])
    email = EmailAddressField(
        _l("E-mailadres"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField(_l("Rol"), choices=role_choices)
    active = BooleanField(_l("Account actief"), default=True)
    password = PasswordField(
        _l("Wachtwoord"),
        description=_l(
            "Minstens %(n)d tekens. Laat leeg om het huidige wachtwoord te houden.",
            n=MIN_PASSWORD_LENGTH,
        ),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
