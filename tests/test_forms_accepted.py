"""A rule a service refuses after the form validated (e.g. a name taken meanwhile) shows on
the field, and nothing of the attempt is kept."""

import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db
from app.forms import accepted
from app.programme.forms import ThemeForm
from app.programme.models import Theme


def test_a_refused_save_becomes_a_field_error_and_is_rolled_back(app):
    with app.test_request_context(method="POST", data={"name": "Armoede"}):
        form = ThemeForm(meta={"csrf": False})
        assert form.validate()

        def save():
            db.session.add(Theme(name="Half", slug="half"))
            db.session.flush()
            raise DomainError("Er is al een thema met deze naam.")

        assert accepted(form, "name", save) is False
        assert form.name.errors == ["Er is al een thema met deze naam."]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == 0


def test_a_save_that_passes_is_accepted(app):
    with app.test_request_context(method="POST", data={"name": "Armoede"}):
        form = ThemeForm(meta={"csrf": False})
        assert form.validate() and accepted(form, "name", lambda: None)
