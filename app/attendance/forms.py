from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Email, Length, Optional

from app.agenda.forms import workshop_fields
from app.forms import EmailAddressField, Form, SingleLineField


class WalkInForm(Form):
    """One short form at the desk: who they are; workshops are added per ronde."""

    name = SingleLineField(_l("Naam"), validators=[DataRequired(), Length(max=120)])
    email = EmailAddressField(
        _l("E-mailadres"),
        description=_l("De bevestiging en later het bewijs van deelname gaan hierheen."),
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    organisation = SingleLineField(_l("Organisatie"), validators=[Optional(), Length(max=200)])


def walk_in_form(rondes, counts, language: str):
    class EventWalkInForm(WalkInForm):
        pass

    for name, field in workshop_fields(rondes, counts, False, language):
        setattr(EventWalkInForm, name, field)
    return EventWalkInForm()
