"""The werkplaats' look on its certificates: the logo and signature an admin uploads, checked
before they are stored, and drawn into a box on the PDF.

An upload is recognised by what it contains, never by its name: a photo saved as "logo.png"
is a JPEG and is stored as one. PNG and JPEG are decoded in full once, at upload, so that a
broken file is refused then and not when a thousand certificates are printed. An SVG is parsed
without a DTD and without entities (no XXE, no billion laughs), and refused when it carries a
script, embedded HTML or a reference to anything outside itself: an SVG logo is served back to
browsers too, and the PDF must never fetch anything."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.graphics import renderPDF
from reportlab.lib.utils import ImageReader
from svglib.svglib import svg2rlg

from app.errors import DomainError

MAX_BYTES = 1024 * 1024  # 1 MB: a logo or a signature, not a poster
MAX_PIXELS = 4000  # per side; larger only makes every certificate heavier
PNG, JPEG, SVG = "image/png", "image/jpeg", "image/svg+xml"
_MIMETYPES = {"PNG": PNG, "JPEG": JPEG}

_SVG_NS = "{http://www.w3.org/2000/svg}"
_UNSAFE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler"}
# What an href may point at: a fragment of the same file, or a PNG/JPEG embedded in it.
_SAFE_HREF = re.compile(r"^\s*(#|data:image/(png|jpe?g);base64,)", re.I)
_CSS_REFERENCE = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.I)


def checked_image(data: bytes, filename: str) -> tuple[bytes, str]:
    """(data, mimetype) of an uploaded logo or signature; DomainError when it is too large, not
    a PNG, JPEG or SVG, broken, or (an SVG) unsafe."""
    if not data:
        raise DomainError(_l("Het bestand is leeg."))
    if len(data) > MAX_BYTES:
        raise DomainError(_l("Het bestand is groter dan 1 MB. Kies een kleinere afbeelding."))
    mimetype = _raster_type(data, filename)
    if mimetype:
        return data, mimetype
    if _looks_like_xml(data):
        _check_svg(data)
        return data, SVG
    raise DomainError(_not_an_image(filename))


def _raster_type(data: bytes, filename: str) -> str | None:
    """PNG or JPEG by content, fully decoded; None when it is neither."""
    try:
        with Image.open(io.BytesIO(data), formats=tuple(_MIMETYPES)) as image:
            kind, size = image.format, image.size
            image.verify()  # checksums and structure, without decoding
        if max(size) > MAX_PIXELS:
            raise DomainError(_too_large())
        with Image.open(io.BytesIO(data), formats=(kind,)) as image:
            image.load()  # verify() does not decode: a cut-off JPEG only fails here
    except UnidentifiedImageError:
        return None
    except Image.DecompressionBombError:
        raise DomainError(_too_large()) from None
    except (OSError, SyntaxError, ValueError):
        raise DomainError(_broken(filename)) from None
    return _MIMETYPES[kind]


def _looks_like_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _check_svg(data: bytes) -> None:
    try:
        root = parse_xml(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DomainError(
            _l("Dit SVG-bestand bevat een DTD of entiteiten. Sla het op als eenvoudige SVG.")
        ) from None
    except (ParseError, ValueError):
        raise DomainError(_l("Dit is geen geldig SVG-bestand.")) from None
    if root.tag not in (f"{_SVG_NS}svg", "svg"):
        raise DomainError(_l("Dit is geen geldig SVG-bestand."))
    if any(_unsafe(element) for element in root.iter()):
        raise DomainError(
            _l(
                "Dit SVG-bestand bevat scripts, ingebedde HTML of verwijzingen naar andere "
                "bestanden. Sla het op als eenvoudige SVG zonder koppelingen."
            )
        )
    drawing = _svg_drawing(data)
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise DomainError(_l("Dit SVG-bestand kan niet worden getekend."))


def _unsafe(element) -> bool:
    tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
    if tag in _UNSAFE_ELEMENTS:
        return True
    if tag == "style" and _CSS_REFERENCE.search(element.text or ""):
        return True
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1].lower()
        if local.startswith("on"):  # onload=, onclick=: scripts by another name
            return True
        if local == "href" and not _SAFE_HREF.match(value):
            return True
        if _CSS_REFERENCE.search(value):  # style="…", fill="url(…)", filter="url(…)"
            return True
    return False


def _too_large():
    return _l("De afbeelding is te groot: hoogstens %(max)d × %(max)d pixels.", max=MAX_PIXELS)


def _not_an_image(filename: str):
    return _l("„%(name)s” is geen PNG-, JPEG- of SVG-afbeelding.", name=filename[:80])


def _broken(filename: str):
    return _l(
        "„%(name)s” is beschadigd: de afbeelding kan niet worden gelezen.", name=filename[:80]
    )


# Drawing ------------------------------------------------------------------------------------


def draw_image(
    canvas, data: bytes, mimetype: str, x: float, y: float, max_w: float, max_h: float,
    *, halign: str = "left", valign: str = "bottom",
) -> tuple[float, float]:  # fmt: skip
    """The image as large as fits in the box (x, y, max_w × max_h), keeping its aspect ratio,
    placed in the box by `halign` (left, center, right) and `valign` (bottom, middle, top).
    Returns the width and height it got."""
    natural_w, natural_h = _natural_size(data, mimetype)
    scale = min(max_w / natural_w, max_h / natural_h)
    width, height = natural_w * scale, natural_h * scale
    left = x + {"left": 0, "center": 0.5, "right": 1}[halign] * (max_w - width)
    bottom = y + {"bottom": 0, "middle": 0.5, "top": 1}[valign] * (max_h - height)
    if mimetype == SVG:
        canvas.saveState()
        canvas.translate(left, bottom)
        canvas.scale(scale, scale)
        renderPDF.draw(_svg(data), canvas, 0, 0)
        canvas.restoreState()
    else:
        pixels = (round(width / 72 * PRINT_DPI), round(height / 72 * PRINT_DPI))
        # mask="auto": a PNG signature's transparent background stays transparent.
        canvas.drawImage(_raster(data, *pixels), left, bottom, width, height, mask="auto")
    return width, height


PRINT_DPI = 300  # finer than any office printer prints a logo


# Cached, as a bulk print draws the same logo and signature on every page: decoding, turning
# and scaling them each time would dominate. Small caches: one look is in use at a time.


@lru_cache(maxsize=8)
def _natural_size(data: bytes, mimetype: str) -> tuple[float, float]:
    """Width and height as seen: an SVG's own size, a photo's pixels after turning it upright."""
    if mimetype == SVG:
        drawing = _svg(data)
        return drawing.width, drawing.height
    return _upright(data).size


@lru_cache(maxsize=8)
def _svg(data: bytes):
    drawing = _svg_drawing(data)
    if drawing is None:
        raise ValueError("an SVG that svglib cannot draw")  # checked_image refuses these
    return drawing


@lru_cache(maxsize=8)
def _raster(data: bytes, width: int, height: int) -> ImageReader:
    """The image at about (width × height) pixels or fewer: a 4000-pixel logo in a 16 mm box
    would otherwise be compressed into every certificate at 6000 dpi."""
    image = _upright(data)
    if image.width > 1.5 * width:  # only where it saves much: resampling blurs a little
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    reader = ImageReader(image)
    reader.getRGBData()  # decoded now, once, so that threads sharing it only read
    return reader


def _upright(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    # A phone photo of a signature is often stored sideways, with a note to turn it.
    return ImageOps.exif_transpose(image) if image.getexif().get(0x0112, 1) != 1 else image


def _svg_drawing(data: bytes):
    """svglib's drawing of the SVG. Read from memory, so a relative reference has no folder to
    resolve against; entities are never resolved and lxml fetches no DTD."""
    return svg2rlg(io.BytesIO(data), resolve_entities=False)
