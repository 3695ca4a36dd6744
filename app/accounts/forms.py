from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import Email, InputRequired, Length, Optional

from app.accounts.models import Role
from app.accounts.services import MIN_PASSWORD_LENGTH


def role_choices():
    return [
        Choice(Role.ADMIN, _l("Beheerder")),
        Choice(Role.ORGANISER, _l("Organisator")),
        Choice(Role.CHECKIN, _l("Aanmeldbalie (alleen inchecken)")),
    ]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[InputRequired(), Email()])
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired()])
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class UserForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[InputRequired(), Length(max=120)])
    email = EmailField(_l("E-mailadres"), validators=[InputRequired(), Email(), Length(max=254)])
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
