"""What every capability's forms share: rendering, and the rules for input at the boundary.

Every field of every form is one of the fields below (or carries their filter), so that what
a person — or a script — sends is cleaned or refused with a message here, before it can reach
a mail header, a spreadsheet or a database column that cannot hold it."""

from __future__ import annotations

import decimal
import re

from flask import has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, StopValidation, ValidationError

# PostgreSQL's `integer`: the largest id, count or position any column holds.
DB_INT_MAX = 2**31 - 1

# Control characters nobody types (tab and line breaks aside), surrogates and the two
# non-characters: XML, and so an XLSX export, cannot hold them.
_UNTYPABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

_NOT_A_DECIMAL = "Not a valid decimal value."  # WTForms' own message, in its own catalogue

# A label's closing punctuation: "gelezen." names the field in an error as "gelezen".
_LABEL_END = re.compile(r"[\s.:;,!?…]+$")


class Form(FlaskForm):
    """The base of every form here: it reads HTML form posts only. Flask-WTF would take a JSON
    body's values as the fields, and a JSON array, number or nested value there is a crash."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            # Form data given by the view is taken as it is; only the default reads the body.
            read_from_body = formdata is not None and not isinstance(formdata, dict)
            if read_from_body and has_request_context() and request.is_json:
                return None  # no form data: the form answers with its errors
            return super().wrap_formdata(form, formdata)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Each problem as (the id to link to, the field's name, its messages), in form
        order, for the summary above the form. A form-wide error has no field: ("", "", …)."""
        summary = []
        for name, errors in self.errors.items():
            field = self[name] if name in self else None
            message = " ".join(_messages(errors))
            if field is None:
                summary.append(("", "", message))
            else:
                summary.append((_anchor(field), error_name(field), message))
        return summary


def error_name(field) -> str:
    """How an error names a field: its short name where the label is a sentence (a checkbox
    "Ik heb de privacyverklaring gelezen." is "Privacyverklaring"), else its label without
    the closing punctuation, so that "…: Dit veld is vereist." never reads "gelezen.: …"."""
    short = getattr(field, "name_in_errors", None)
    return str(short) if short else _LABEL_END.sub("", str(field.label.text))


def _anchor(field) -> str:
    """What the summary links to: the field, or the first option of a group of radio buttons
    or checkboxes (the group itself has no element with its id)."""
    if field.type in ("RadioField", "MultiCheckboxField"):
        first = next(iter(field), None)
        if first is not None:
            return first.id
    return field.id


def _messages(errors) -> list[str]:
    """A field's messages, flattened (a FieldList or FormField nests them)."""
    if isinstance(errors, dict):
        errors = list(errors.values())
    flat = []
    for error in errors:
        flat.extend(_messages(error) if isinstance(error, list | tuple | dict) else [str(error)])
    return flat


def render_form(template: str, form: FlaskForm, **context):
    """Render a form page: 200 when first shown, 400 when it came back with errors, so that
    clients and tests can tell a refused submission from a fresh form."""
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


# --- filters and validators ------------------------------------------------------------------


def seen_version() -> int | None:
    """The version of the record the posted form showed (its hidden `version` field), for
    optimistic concurrency; None for a form without one."""
    value = request.form.get("version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 11 else None


def accepted(form: FlaskForm, field: str, save) -> bool:
    """Run `save` (a service call) for a validated form. A rule it refuses with (a DomainError,
    e.g. a name someone took meanwhile) becomes an error on `field`, and nothing is kept."""
    from app.errors import DomainError
    from app.extensions import db

    try:
        save()
    except DomainError as refused:
        db.session.rollback()
        form[field].errors.append(refused.description)
        return False
    return True


def clean_text(value):
    """A filter for every text field and choice: untypable characters removed, line endings
    made `\\n`, surrounding whitespace trimmed — so a choice of only spaces is no choice."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNTYPABLE.sub("", value).strip()


def no_line_breaks(form, field) -> None:
    """A validator for one-line fields: a line break in a title or a name could end up in a
    mail header, and no browser sends one from a one-line input."""
    if isinstance(field.data, str) and _LINE_BREAKS.search(field.data):
        raise ValidationError(_l("Alleen één regel tekst, zonder regeleinden."))


def sane_date(form, field) -> None:
    """A validator for dates and times: within 2000–2100, so that time-zone arithmetic and the
    mails and calendars that follow never run off the calendar. Stops the field's other checks."""
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise StopValidation(
            _l(
                "Kies een datum tussen %(first)d en %(last)d.",
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            )
        )


# --- fields ----------------------------------------------------------------------------------


def _with(kwargs: dict, validators=(), filters=()) -> dict:
    kwargs["validators"] = [*(kwargs.get("validators") or ()), *validators]
    kwargs["filters"] = [*filters, *(kwargs.get("filters") or ())]
    return kwargs


class SingleLineField(StringField):
    """One line of text: cleaned, and refused when it holds a line break."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, **_with(kwargs, [no_line_breaks], [clean_text]))


class EmailAddressField(EmailField):
    """An e-mail address: cleaned, one line."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, **_with(kwargs, [no_line_breaks], [clean_text]))


class MultiLineField(TextAreaField):
    """Free text over several lines: cleaned; line breaks and tabs are kept."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, **_with(kwargs, filters=[clean_text]))


class CheckboxField(BooleanField):
    """A checkbox whose label is a sentence; `name_in_errors` names it in error messages."""

    def __init__(self, label=None, *, name_in_errors=None, **kwargs):
        super().__init__(label, **kwargs)
        self.name_in_errors = name_in_errors


class BoundedIntegerField(IntegerField):
    """A whole number between `min` and `max`, never more than the database column holds."""

    def __init__(self, label=None, *, min: int = 0, max: int = DB_INT_MAX, **kwargs):
        assert max <= DB_INT_MAX, "an integer column holds no more"
        super().__init__(label, **_with(kwargs, [NumberRange(min=min, max=max)]))


class BoundedDecimalField(DecimalField):
    """A decimal number between `min` and `max`; NaN and infinity are not numbers people mean."""

    def __init__(self, label=None, *, min, max, **kwargs):
        super().__init__(label, **_with(kwargs, [NumberRange(min=min, max=max)]))

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, decimal.Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext(_NOT_A_DECIMAL))


class ConfirmForm(Form):
    """A button that posts (CSRF only): check in, undo, give a place, send, revoke."""
