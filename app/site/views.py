from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from app.accounts.services import safe_next
from app.privacy import statement as privacy_statement

bp = Blueprint("site", __name__)


@bp.route("/contact")
def contact():
    return render_template("site/contact.html")


@bp.route("/privacy")
def privacy():
    return render_template("site/privacy.html", statement=privacy_statement.compose())


@bp.route("/toegankelijkheid")
def accessibility():
    return render_template("site/accessibility.html")


@bp.route("/taal", methods=["POST"])
def set_language():
    """Remember the chosen language in the (signed, long-lived) session, then go back."""
    language = request.form.get("taal", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["language"] = language
    session.permanent = True
    return redirect(safe_next(request.form.get("next")) or url_for("programme.index"))
