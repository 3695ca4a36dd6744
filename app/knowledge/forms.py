"""Forms for materials: adding (a file or a link) and editing, and the shelf's search box."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, URLField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import URL, InputRequired, Length, Optional, ValidationError

from app.forms import Form, MultiLineField, SingleLineField, clean_text, no_line_breaks
from app.knowledge.materials import MaterialDetails
from app.knowledge.models import Audience, MaterialKind
from app.knowledge.uploads import (
    ALLOWED_TEXT,
    UploadRefused,
    check_upload,
    file_size,
    read_limited,
)
from app.markdown import MARKDOWN_HINT

KIND_LABELS = {
    MaterialKind.SLIDES: _l("Presentatie (slides)"),
    MaterialKind.HANDOUT: _l("Hand-out"),
    MaterialKind.REPORT: _l("Verslag"),
    MaterialKind.PRACTICE: _l("Goede praktijk of tool"),
    MaterialKind.LINK: _l("Link"),
}
AUDIENCE_LABELS = {
    Audience.PUBLIC: _l("Iedereen (openbaar)"),
    Audience.ATTENDEES: _l("Alleen deelnemers (via hun persoonlijke link)"),
}


def web_address(form, field) -> None:
    """Only http(s): a link is shown as a link, and no other scheme belongs there."""
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_l("Een link begint met https:// of http://."))


def _session_id(value):
    if value in (None, "", "None"):
        return None
    return int(value)  # a ValueError is WTForms' "not a valid choice"


class MaterialForm(Form):
    kind = RadioField(
        _l("Soort"),
        choices=[Choice(value, label) for value, label in KIND_LABELS.items()],
        default=MaterialKind.SLIDES,
        validators=[InputRequired(_l("Kies een soort."))],
        filters=[clean_text],
    )
    title = SingleLineField(_l("Titel"), validators=[InputRequired(), Length(max=200)])
    description = MultiLineField(
        _l("Korte beschrijving"), description=MARKDOWN_HINT, validators=[Length(max=5000)]
    )
    file = FileField(_l("Bestand"))
    url = URLField(
        _l("Of een link"),
        description=_l("Naar een website, video of document elders, beginnend met https:// of http://."),
        validators=[Optional(), URL(require_tld=False), Length(max=500), no_line_breaks,
                    web_address],
        filters=[clean_text],
    )  # fmt: skip
    session_id = SelectField(_l("Bij"), coerce=_session_id, default=None)
    audience = RadioField(
        _l("Voor wie"),
        choices=[Choice(value, label) for value, label in AUDIENCE_LABELS.items()],
        default=Audience.PUBLIC,
        validators=[InputRequired(_l("Kies voor wie het materiaal is."))],
        filters=[clean_text],
    )

    checked_upload = None  # the file once it passed the checks (uploads.CheckedFile)

    def __init__(self, *args, sessions=None, for_theme=False, editing=None, **kwargs):
        """`editing`: the material being edited; its file (if it has one) stays, and a link
        stays a link."""
        super().__init__(*args, **kwargs)
        self.keeps_file = editing is not None and not editing.is_link
        if for_theme:
            del self.session_id, self.audience
        else:
            self.session_id.choices = [Choice("", _l("De hele activiteit"))] + [
                Choice(str(s.id), s.title) for s in sessions or ()
            ]
        if editing is not None:
            del self.file
            if self.keeps_file:
                del self.url
        else:
            limit = file_size(current_app.config["MATERIALS_MAX_BYTES"])
            self.file.description = _("%(allowed)s; hoogstens %(max)s.", allowed=ALLOWED_TEXT,
                                      max=limit)  # fmt: skip

    def validate_file(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            field.data = None
            return
        try:
            data = read_limited(upload.stream, current_app.config["MATERIALS_MAX_BYTES"])
            self.checked_upload = check_upload(upload.filename, data)
        except UploadRefused as refused:
            raise ValidationError(refused.description) from None

    def validate(self, extra_validators=None) -> bool:
        """A file or a link, one of both; a file is never of the kind "Link"."""
        if not super().validate(extra_validators):
            return False
        has_file = self.keeps_file or self.checked_upload is not None
        has_url = "url" in self and bool(self.url.data)
        if has_file == has_url:
            where = self.file if "file" in self else self.url
            where.errors.append(
                _l("Kies een bestand óf vul een link in (één van beide).")
                if "file" in self
                else _l("Vul de link in.")
            )
            return False
        if has_file and self.kind.data == MaterialKind.LINK:
            self.kind.errors.append(_l("Bij een bestand hoort een andere soort dan 'Link'."))
            return False
        return True

    def details(self) -> MaterialDetails:
        return MaterialDetails(
            kind=self.kind.data,
            title=self.title.data,
            description=self.description.data or "",
            url=(self.url.data or None) if "url" in self else None,
            session_id=self.session_id.data if "session_id" in self else None,
            audience=self.audience.data if "audience" in self else Audience.PUBLIC,
        )


class ShelfSearchForm(Form):
    """The search on a theme's "Praktijk en tools": a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = SingleLineField(_l("Zoek in praktijk en tools"), validators=[Optional(), Length(max=100)])
