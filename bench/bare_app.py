"""The app plus two yardsticks for the rush benchmark, in the same server, same database,
same request path through Flask; only the work differs:

- `/_bench/insert` inserts one row (no CSRF, no session): the issue's bare endpoint;
- `/_bench/form` is the least any registration form must do here: a posted form of name,
  address and privacy box checked (CSRF included), one row inserted, a receipt put in the
  visitor's signed session and a redirect: below this no registration can go."""

from flask import redirect, request, session
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from app import create_app
from app.extensions import csrf, db
from bench.bench_rows import bench_rows  # created by the bench before the server starts

app = create_app()


@app.post("/_bench/insert")
@csrf.exempt
def insert_one_row():
    db.session.execute(bench_rows.insert().values(email=request.form.get("email", "")))
    db.session.commit()
    return "", 204


class LeastForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=200)])
    email = EmailField(validators=[DataRequired(), Email(), Length(max=254)])
    privacy = BooleanField(validators=[DataRequired()])


@app.post("/_bench/form")
def post_the_least_form():
    form = LeastForm()
    if not form.validate_on_submit():
        return "", 400
    db.session.execute(bench_rows.insert().values(email=form.email.data))
    db.session.commit()
    session["bench_receipt"] = {"email": form.email.data, "position": None}
    return redirect("/contact")
