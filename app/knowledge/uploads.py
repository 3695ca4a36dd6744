"""Checking an uploaded material: its type read from its content, never from its name; an Office
file opened as the zip it is and checked for the parts its type must have; a size limit.

Whatever the name says, the type stored and later served is the one found here, and the name
gets that type's extension: a PDF called "slides.docx" is served as "slides.pdf"."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.errors import DomainError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# What may be uploaded: the type found in the content, and the extension it is served with.
ALLOWED = {
    PDF: ".pdf",
    PPTX: ".pptx",
    DOCX: ".docx",
    XLSX: ".xlsx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
# Served in the browser; everything else is a download (Content-Disposition: attachment).
SHOWN_INLINE = {PDF, "image/png", "image/jpeg", "image/gif", "image/webp"}

# An Office document is a zip; its type is decided by the main part it holds, and that part's
# content type in [Content_Types].xml: the macro-enabled variants (.docm, .xlsm, .pptm) declare
# another one and are refused.
_OFFICE_PARTS = {
    DOCX: ("word/document.xml", "wordprocessingml.document.main+xml"),
    XLSX: ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    PPTX: ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}
_ZIP_TYPES = {"application/zip", DOCX, XLSX, PPTX}
_CONTENT_TYPES_MAX = 1024 * 1024  # [Content_Types].xml is a few kB; never inflate a bomb

# Extensions people give the allowed types, to tell a disguised file from a plain wrong one.
_NAMED = {
    ".pdf": PDF, ".pptx": PPTX, ".docx": DOCX, ".xlsx": XLSX, ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
}  # fmt: skip
TYPE_NAMES = {
    PDF: "PDF", PPTX: "PowerPoint (.pptx)", DOCX: "Word (.docx)", XLSX: "Excel (.xlsx)",
    "image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP",
}  # fmt: skip

ALLOWED_TEXT = _l(
    "PDF, PowerPoint (.pptx), Word (.docx), Excel (.xlsx) of een afbeelding (PNG, JPEG, GIF, WebP)"
)
_NAME_MAX = 150
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f"\\/:*?<>|;]+')


class UploadRefused(DomainError):
    """An upload that is not taken; the description says why, for the form."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


_KB, _MB = 1024, 1024 * 1024  # as file managers count: the default limit of 25 MB is 25 × 2²⁰


def file_size(size: int | None) -> str:
    """'640 kB' below a megabyte, else '2,5 MB' ('2.5 MB' in English)."""
    if size is None:
        return ""
    if size < _MB:
        return f"{max(1, round(size / _KB))} kB"
    return f"{format_decimal(round(size / _MB, 1), locale=str(get_locale() or 'nl'))} MB"


def read_limited(stream, max_bytes: int) -> bytes:
    """At most `max_bytes`; a longer file is refused without reading it all into memory."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(
            _l(
                "Dit bestand is te groot. Het mag hoogstens %(max)s zijn.",
                max=file_size(max_bytes),
            )
        )
    return data


def check_upload(name: str, data: bytes) -> CheckedFile:
    """The file as it will be stored, or UploadRefused with the reason in the visitor's words."""
    if not data:
        raise UploadRefused(_l("Dit bestand is leeg. Kies het bestand opnieuw."))
    found = _content_type(data)
    named = _NAMED.get(PurePath(name or "").suffix.lower())
    if found not in ALLOWED:
        if named is not None:  # e.g. an .exe renamed .pdf
            raise UploadRefused(
                _l(
                    "Dit bestand heet %(name)s, maar de inhoud is geen %(type)s. Bestanden worden op hun inhoud gecontroleerd, niet op hun naam.",
                    name=clean_name(name, ""),
                    type=TYPE_NAMES[named],
                )
            )
        raise UploadRefused(
            _l("Dit soort bestand kan niet. Wel: %(allowed)s.", allowed=ALLOWED_TEXT)
        )
    return CheckedFile(name=clean_name(name, ALLOWED[found]), content_type=found, data=data)


def _content_type(data: bytes) -> str | None:
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime in _ZIP_TYPES:
        return _office_type(data)
    return mime


def _office_type(data: bytes) -> str | None:
    """DOCX, XLSX or PPTX when the zip holds that type's main part, declared as such; None
    for any other zip (or one that does not open)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            declared = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, NotImplementedError):
        return None
    for mime, (part, main_type) in _OFFICE_PARTS.items():
        if part in names and main_type in declared:
            return mime
    return None


def clean_name(name: str, extension: str) -> str:
    """A file name safe in a header and on any disk: no path, no control characters or
    quotes, not too long; ending in `extension` (the type found) when one is given."""
    base = unicodedata.normalize("NFC", PurePath((name or "").replace("\\", "/")).name)
    stem = PurePath(base).stem if extension else base
    stem = _UNSAFE_IN_NAME.sub("_", stem).strip(" ._") or "materiaal"
    return stem[: _NAME_MAX - len(extension)] + extension
