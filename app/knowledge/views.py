"""Materials: public pages and files, and the organisers' pages (material_manage_views.py).

Files are served with the type found in their content when uploaded (never one guessed from a
name), nosniff, and a CSP of their own: a sandbox for everything but PDFs (Chrome refuses to
show a PDF in a sandboxed document; a PDF viewer runs apart from our origin anyway). Images and
PDFs open in the browser, everything else downloads."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
)  # fmt: skip
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.knowledge import material_storage, materials
from app.knowledge.forms import AUDIENCE_LABELS, KIND_LABELS, ShelfSearchForm
from app.knowledge.models import Material
from app.knowledge.uploads import SHOWN_INLINE, TYPE_NAMES, file_size
from app.programme import services as programme
from app.registration.tokens import registration_by_token

bp = Blueprint("knowledge", __name__)

SHELF_PAGE_SIZE = 20
MAX_PAGE = 10_000
# Room for the form's other fields and the multipart framing around the file.
FORM_ALLOWANCE = 256 * 1024
FILE_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")  # fmt: skip
PDF_CSP = ("default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; "
           "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")  # fmt: skip


@bp.url_value_preprocessor
def limit_request_size(_endpoint, _values) -> None:
    """No request to these pages may be larger than an upload may be. Set here because this
    runs before every before_request function, and those (CSRF, the NUL check) read the form."""
    request.max_content_length = current_app.config["MATERIALS_MAX_BYTES"] + FORM_ALLOWANCE


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    # Nearly always a file over the limit; a form's text alone seldom gets here.
    limit = file_size(current_app.config["MATERIALS_MAX_BYTES"])
    text = _("Wat u verstuurde is te groot. Een bestand mag hoogstens %(max)s zijn: ga terug en kies een kleiner bestand.", max=limit)  # fmt: skip
    return render_template("errors/error.html", code=413, title=_("Te groot om te versturen"),
                           text=text), 413  # fmt: skip


@bp.app_template_global()
def registration_materials(registration) -> list[Material]:
    """For the manage page (registration/manage.html includes knowledge/_manage_materials.html)."""
    return materials.registration_materials(registration)


@bp.app_template_global()
def theme_shelf_preview(theme, limit: int = 5) -> tuple[list[Material], int]:
    """For the theme page: the newest items of its shelf, and how many there are in all."""
    newest = list(db.session.scalars(materials.theme_shelf(theme).limit(limit)))
    return newest, materials.theme_shelf_count(theme)


@bp.app_template_global()
def material_labels() -> dict:
    """Names for a material's kind, audience and file type, in the page's language."""
    return {"kind": KIND_LABELS, "audience": AUDIENCE_LABELS, "type": TYPE_NAMES}


bp.add_app_template_filter(file_size, "file_size")


def file_response(material: Material, *, private: bool):
    """The material's file with the headers that keep it harmless (see the module's doc)."""
    if material.is_link:
        response = redirect(material.url)
    else:
        inline = material.content_type in SHOWN_INLINE
        response = send_file(
            io.BytesIO(material_storage.read(material)),
            mimetype=material.content_type,
            as_attachment=not inline,
            download_name=material.file_name,
            conditional=False,
            etag=False,
            max_age=None,
        )
        response.headers["Content-Security-Policy"] = PDF_CSP if material.content_type == "application/pdf" else FILE_CSP  # fmt: skip
    response.headers["X-Content-Type-Options"] = "nosniff"
    if private:
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    else:
        # Its audience may change: a cache asks again each time.
        response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.route("/materialen/<int:material_id>")
def public_file(material_id: int):
    return file_response(materials.public_material(material_id), private=False)


@bp.route("/aanmelding/<token>/materialen/<int:material_id>")
def attendee_file(token: str, material_id: int):
    registration = registration_by_token(token)
    return file_response(materials.registration_material(registration, material_id), private=True)


@bp.route("/themas/<slug>/praktijk-en-tools")
def theme_shelf(slug: str):
    theme = programme.theme_by_slug(slug)
    form = ShelfSearchForm(request.args)
    context = {"theme": theme, "form": form}
    if "q" in request.args and not form.validate():
        return render_template("knowledge/shelf.html", pagination=None, **context), 400
    page = request.args.get("pagina", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    search = form.q.data or ""
    pagination = db.paginate(materials.theme_shelf(theme, search), page=page,
                             per_page=SHELF_PAGE_SIZE, error_out=False)  # fmt: skip
    if page > 1 and not pagination.items:
        abort(404)
    return render_template("knowledge/shelf.html", pagination=pagination, search=search, **context)


from app.knowledge import material_manage_views  # noqa: E402, F401  (the organisers' routes, on bp)
