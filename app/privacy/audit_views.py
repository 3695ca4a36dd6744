"""The audit log of actions on personal data, for admins: filtered, a page at a time, and
exported as CSV or XLSX (the export is itself a line in the log)."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import admin_required
from app.downloads import spreadsheet
from app.extensions import db
from app.privacy import audit
from app.privacy.audit_forms import filter_form
from app.timezones import to_local, utcnow

bp = Blueprint("audit", __name__, url_prefix="/beheer")

PAGE_SIZE = 100
MAX_PAGE = 10_000  # a huge number must not reach the database as an OFFSET

FILTER_FIELDS = ("actie", "activiteit", "gebruiker", "van", "tot")


def _refused(form):
    """The filter did not make sense (a date that is none, an unknown choice): the page with
    the form's messages and no lines."""
    return render_template("privacy/audit.html", form=form, pagination=None,
                           months=current_app.config["PRIVACY_AUDIT_MONTHS"]), 400  # fmt: skip


@bp.route("/auditlog")
@admin_required
def log():
    form = filter_form(request.args)
    if not form.validate():
        return _refused(form)
    page = request.args.get("pagina", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    pagination = db.paginate(audit.query(form.filters()), page=page, per_page=PAGE_SIZE,
                             error_out=False)  # fmt: skip
    if page > 1 and not pagination.items:
        abort(404)
    # Only the form's own fields go on: any other key could clash with url_for's arguments.
    filter_args = {name: request.args[name] for name in FILTER_FIELDS if request.args.get(name)}
    return render_template(
        "privacy/audit.html",
        form=form,
        pagination=pagination,
        filter_args=filter_args,
        label=audit.label,
        months=current_app.config["PRIVACY_AUDIT_MONTHS"],
    )


@bp.route("/auditlog.<any(csv, xlsx):kind>")
@admin_required
def export(kind: str):
    form = filter_form(request.args)
    if not form.validate():
        return _refused(form)
    rows = audit.export_rows(form.filters(), by=current_user)
    today = to_local(utcnow()).date().isoformat()
    db.session.commit()  # the export's own line, before anything leaves
    return spreadsheet(rows, kind, f"auditlog-{today}", _("Auditlog"))
