from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import LoginForm, UserForm
from app.accounts.permissions import admin_required
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import render_form

bp = Blueprint("accounts", __name__, url_prefix="/beheer")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    next_url = services.safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        home = "programme_manage.events" if current_user.may_organise else "attendance.index"
        return redirect(next_url or url_for(home))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("U bent ingelogd."), "success")
            home = "programme_manage.events" if user.may_organise else "attendance.index"
            return redirect(next_url or url_for(home))
        flash(_("Onbekend e-mailadres of onjuist wachtwoord."), "error")
        status = 401
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/uitloggen", methods=["POST"])
@login_required
def logout():
    # Ends this user's sessions everywhere, so a copied cookie dies with this one.
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("programme.index"))


@bp.route("/gebruikers")
@admin_required
def users():
    return render_template("accounts/users.html", users=services.all_users())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@admin_required
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            services.create_user(
                form.email.data, form.name.data, form.role.data, form.password.data or ""
            )
        except DomainError as error:
            form.email.errors.append(error.description)
        else:
            db.session.commit()
            flash(_("Account aangemaakt."), "success")
            return redirect(url_for(".users"))
    return render_form("accounts/user_form.html", form, user=None)


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = services.user_by_id(user_id)
    form = UserForm(obj=user)
    del form.email  # the address identifies the account; a new address is a new account
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                form.name.data,
                form.role.data,
                form.active.data,
                form.password.data or "",
                by=current_user,
            )
        except DomainError as error:
            form.role.errors.append(error.description)
        else:
            db.session.commit()
            if user.id == current_user.id and form.password.data:
                login_user(user)  # a new password ends every other session, not this one
            flash(_("Account bijgewerkt."), "success")
            return redirect(url_for(".users"))
    return render_form("accounts/user_form.html", form, user=user)
