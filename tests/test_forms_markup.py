"""The radio and checkbox options that _forms.html writes out itself are exactly what
WTForms' own widgets would write (it skips their machinery for speed, not their markup)."""

import pytest
from wtforms import Form, RadioField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Optional

from app.programme.forms import MultiCheckboxField

CHOICES = [Choice("1", "Wonen & werk <1>"), Choice("2", 'Geld "en" schulden'),
           Choice("", "Geen workshop")]  # fmt: skip


class Choices(Form):
    ronde = RadioField("Ronde 1", choices=CHOICES, validators=[DataRequired()])
    vrij = RadioField("Vrij", choices=CHOICES, validators=[Optional()])
    themas = MultiCheckboxField("Thema's", choices=CHOICES[:2])


@pytest.mark.parametrize("data", [{}, {"ronde": "2", "vrij": "", "themas": ["1", "2"]}])
def test_written_out_options_equal_wtforms_own(app, data):
    form = Choices(data=data)
    template = app.jinja_env.from_string(
        '{% from "_forms.html" import field %}{{ field(form.ronde) }}{{ field(form.vrij) }}'
        "{{ field(form.themas) }}"
    )
    with app.test_request_context():
        html = template.render(form=form)
    for name in ("ronde", "vrij", "themas"):
        for option in form[name]:
            expected = f'<div class="check">{option()} {option.label()}</div>'
            assert expected in html, expected
    assert "checked" in html if data else "checked" not in html
