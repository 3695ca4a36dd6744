"""What every capability's form views share."""

from flask import render_template
from flask_wtf import FlaskForm


def render_form(template: str, form: FlaskForm, **context):
    """Render a form page: 200 when first shown, 400 when it came back with errors, so that
    clients and tests can tell a refused submission from a fresh form."""
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status
