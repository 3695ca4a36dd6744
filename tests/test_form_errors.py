"""The error summary every form shares (app/forms.py, _forms.html): each problem named by its
field without the label's punctuation, linked to something that exists on the page."""

from wtforms import FieldList, RadioField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, InputRequired

from app.forms import CheckboxField, Form, SingleLineField, error_name


class Example(Form):
    title = SingleLineField("Titel:", validators=[DataRequired()])
    question = RadioField("Komt u met de fiets?", choices=[Choice("ja", "Ja"), Choice("nee", "Nee")],
                          validators=[InputRequired()])  # fmt: skip
    agreed = CheckboxField("Ik ga akkoord met de voorwaarden.", name_in_errors="Voorwaarden",
                           validators=[InputRequired()])  # fmt: skip
    plain = CheckboxField("Ik wil het verslag ontvangen.")
    numbers = FieldList(SingleLineField("Nummer", validators=[DataRequired()]), min_entries=1)


def test_each_problem_is_named_without_the_labels_punctuation_and_linked(app):
    with app.test_request_context(method="POST", data={"numbers-0": ""}):
        form = Example(meta={"csrf": False})
        assert not form.validate()
        form.form_errors.append("Er ging iets mis met het hele formulier.")
        summary = form.error_summary()
    assert ("title", "Titel", "Dit veld is vereist.") in summary
    assert ("question-0", "Komt u met de fiets", "Dit veld is vereist.") in summary
    assert ("agreed", "Voorwaarden", "Dit veld is vereist.") in summary
    assert ("numbers", "Numbers", "Dit veld is vereist.") in summary  # nested errors, flattened
    assert ("", "", "Er ging iets mis met het hele formulier.") in summary


def test_a_checkbox_without_a_short_name_is_named_by_its_label(app):
    with app.test_request_context():
        assert error_name(Example(meta={"csrf": False}).plain) == "Ik wil het verslag ontvangen"


def test_a_required_checkbox_is_marked_and_the_summary_loads_the_focus_script(app):
    from flask import render_template_string

    with app.test_request_context(method="POST", data={}):
        form = Example(meta={"csrf": False})
        form.validate()
        html = render_template_string(
            '{% from "_forms.html" import field, errors_summary %}'
            "{{ errors_summary(form) }}{{ field(form.agreed) }}{{ field(form.plain) }}",
            form=form,
        )
    assert 'class="error-summary" role="alert" tabindex="-1"' in html
    assert "js/forms.js" in html
    assert html.count('<span class="required">(verplicht)</span>') == 1  # agreed, not plain
