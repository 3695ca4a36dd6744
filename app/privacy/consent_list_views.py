"""Newsletter lists for admins: who has a current consent, exported."""

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import admin_required
from app.extensions import db
from app.privacy import lists
from app.registration import exports

bp = Blueprint("consent_lists", __name__, url_prefix="/beheer/nieuwsbrieven")

MIMETYPES = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8"
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
    if kind == "csv":
        body = exports.as_csv(rows)
    else:
        body = exports.as_xlsx(rows, title=_("Nieuwsbrief"))
    return Response(
        body,
        mimetype=MIMETYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="nieuwsbrief-{key}.{kind}"',
            "Cache-Control": "no-store",
        },
    )
