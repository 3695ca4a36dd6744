"""The forms of a person's rights, and an admin's versions of them, which also ask on whose
request the admin acts (the audit log keeps it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length

from app.forms import EmailAddressField, Form, SingleLineField, clean_text
from app.registration.forms import DetailsForm

KEEP, REVOKE = "keep", "revoke"


class CorrectionForm(DetailsForm):
    """Name, organisation and function, as the registration form asks them."""


class ErasureForm(Form):
    # Removed by the view when the person holds no valid certificate: then there is no choice.
    certificates = RadioField(
        _l("Bewijzen van deelname"),
        choices=[
            Choice(
                KEEP,
                _l(
                    "Laat ze controleerbaar: de naam blijft op het bewijs staan zolang de bewaartermijn voor bewijzen loopt."
                ),
            ),
            Choice(
                REVOKE,
                _l(
                    "Trek ze in: wie het nummer controleert, ziet dat het bewijs is ingetrokken, zonder naam."
                ),
            ),
        ],  # fmt: skip
        validate_choice=False,
        filters=[clean_text],
        validators=[
            InputRequired(message=_l("Kies wat er met de bewijzen van deelname gebeurt.")),
            AnyOf([KEEP, REVOKE], message=_l("Kies wat er met de bewijzen van deelname gebeurt.")),
        ],
    )


class OnRequestForm(Form):
    """What every admin action asks: the request it answers, in a few words, no names."""

    on_request_of = SingleLineField(
        _l("Op verzoek van"),
        description=_l("Bijvoorbeeld: e-mail van 3 maart 2026, of brief van 4 maart 2026. Geen namen of adressen: dit komt in het logboek."),
        validators=[DataRequired(), Length(max=200)],
    )  # fmt: skip


class FindForm(OnRequestForm):
    email = EmailAddressField(
        _l("E-mailadres van de persoon"),
        validators=[DataRequired(), Email(), Length(max=254)],
    )


class RequestCorrectionForm(CorrectionForm, OnRequestForm):
    pass


class RequestErasureForm(ErasureForm, OnRequestForm):
    pass


class RequestForm(OnRequestForm):
    """An action that needs nothing more: a download, a consent withdrawn."""
