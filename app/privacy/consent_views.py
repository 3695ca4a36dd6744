"""One-click withdrawal of a consent from a mail (a newsletter, a work team's update)."""

from flask import Blueprint, render_template, request

from app.extensions import csrf, db, limiter
from app.links import personal_page
from app.privacy import consent
from app.privacy.consent import How

bp = Blueprint("consent", __name__)


@bp.route("/toestemming/<token>", methods=["GET", "POST"])
# RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click" here without cookies and
# so without a CSRF token. Safe: this token can only withdraw one consent, and twice is once.
@csrf.exempt
# Providers post for many users from few addresses; a 256-bit token cannot be guessed anyway.
@limiter.exempt
@personal_page
def withdraw_by_link(token: str):
    held = consent.by_withdrawal_token(token)
    if request.method == "POST":
        consent.withdraw(held, how=How.MAIL_LINK)
        db.session.commit()
    return render_template("privacy/consent_withdraw.html", consent=held)
