"""Newsletter lists for admins: who has a current consent, exported."""

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import admin_required
from app.downloads import spreadsheet
from app.extensions import db
from app.privacy import lists

bp = Blueprint("consent_lists", __name__, url_prefix="/beheer/nieuwsbrieven")


@bp.route("/")
@admin_required
def index():
    return render_template("privacy/consent_lists.html", lists=lists.newsletter_lists())


@bp.route("/<key>.<any(csv, xlsx):kind>")
@admin_required
def export(key: str, kind: str):
    try:
        theme = lists.theme_for_key(key)
    except LookupError:
        abort(404)
    rows = lists.list_rows(theme, by=current_user)
    db.session.commit()  # the audit line
    return spreadsheet(rows, kind, f"nieuwsbrief-{key}", _("Nieuwsbrief"))
