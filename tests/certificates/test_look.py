"""The logo and signature uploads: PNG, JPEG and SVG recognised by what they contain, anything
else refused with a message the admin understands; an SVG never reaches outside itself. And
draw_image puts any of the three in a box without distorting it.

Test images are made here with Pillow, so the suite needs no files of its own."""

from __future__ import annotations

import io
import math

import pytest
from flask_babel import force_locale
from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas

from app.certificates.look import MAX_BYTES, MAX_PIXELS, checked_image, draw_image
from app.errors import DomainError

BLUE = (10, 79, 122, 255)


def png(width: int = 600, height: int = 200) -> bytes:
    """A logo: a blue disc at the left and, where there is room, bars beside it; the
    background transparent."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    side = min(width, height)
    draw.ellipse((side // 20, side // 20, side - side // 20, side - side // 20), fill=BLUE)
    for bar in range(4):
        left, right = side + side // 10, width - side // 10 - bar * side // 3
        if right > left:
            draw.rectangle(
                (left, side * (3 + 4 * bar) // 20, right, side * (5 + 4 * bar) // 20), fill=BLUE
            )
    return _saved(image, "PNG")


def signature_png(width: int = 500, height: int = 160) -> bytes:
    """A squiggle in dark-blue ink on a transparent background."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    wave = [
        (20 + x, height / 2 + 45 * math.sin(x / 23) * math.exp(-x / 400))
        for x in range(0, width - 40, 3)
    ]
    ImageDraw.Draw(image).line(wave, fill=(20, 30, 90, 255), width=5)
    return _saved(image, "PNG")


def jpeg(width: int = 300, height: int = 100, orientation: int = 1) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle((0, 0, width // 3, height), fill=BLUE[:3])
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def _saved(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


SVG_LOGO = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" width="300" height="100">
  <defs><linearGradient id="g" x1="0" x2="1">
    <stop offset="0" stop-color="#0a4f7a"/><stop offset="1" stop-color="#3a8fc0"/>
  </linearGradient></defs>
  <rect x="0" y="10" width="80" height="80" rx="16" fill="url(#g)"/>
  <path d="M20 70 L40 30 L60 70 Z" fill="#fff"/>
  <rect x="100" y="25" width="180" height="14" fill="#0a4f7a"/>
  <rect x="100" y="50" width="140" height="10" fill="#7a7a7a"/>
  <rect x="100" y="68" width="160" height="10" fill="#7a7a7a"/>
</svg>"""

SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
SVG_OPEN += b'viewBox="0 0 10 10">'


# Accepted ------------------------------------------------------------------------------------


def test_png_jpeg_and_svg_are_accepted_as_they_are(app):
    for data, name, mimetype in (
        (png(), "logo.png", "image/png"),
        (jpeg(), "handtekening.jpg", "image/jpeg"),
        (SVG_LOGO, "logo.svg", "image/svg+xml"),
    ):
        assert checked_image(data, name) == (data, mimetype)


def test_a_jpeg_named_png_is_taken_as_jpeg(app):
    data = jpeg()
    assert checked_image(data, "logo.png") == (data, "image/jpeg")


def test_an_svg_may_embed_a_png_and_point_inside_itself(app):
    import base64

    embedded = base64.b64encode(png(30, 10)).decode()
    svg = SVG_OPEN + (
        b'<defs><path id="p" d="M0 0 H10"/></defs><use xlink:href="#p"/>'
        b'<image width="10" height="5" href="data:image/png;base64,' + embedded.encode() + b'"/>'
        b"</svg>"
    )
    assert checked_image(svg, "logo.svg")[1] == "image/svg+xml"


# Refused -------------------------------------------------------------------------------------


def refused(data: bytes, name: str = "logo.png") -> str:
    with pytest.raises(DomainError) as caught:
        checked_image(data, name)
    return str(caught.value.description)


def test_a_file_over_one_megabyte_is_refused(app):
    big = png() + b"\0" * (2 * 1024 * 1024)
    assert "1 MB" in refused(big)
    assert checked_image(png(), "logo.png")  # the same image, not padded, is fine
    assert len(png()) < MAX_BYTES < len(big)


def test_a_text_file_named_logo_png_is_refused(app):
    assert "geen PNG-, JPEG- of SVG-afbeelding" in refused(b"Dit is geen plaatje.\n" * 20)
    assert "„notities.png”" in refused(b"hallo", "notities.png")


@pytest.mark.parametrize(
    "data",
    [
        png()[:-200],  # cut off halfway
        png()[:60] + b"\xff" * 40 + png()[100:],  # bytes overwritten: the checksum fails
        jpeg()[: len(jpeg()) // 2],
    ],
    ids=["truncated-png", "corrupted-png", "truncated-jpeg"],
)
def test_a_broken_image_is_refused(app, data):
    assert "beschadigd" in refused(data)


def test_other_image_formats_are_refused(app):
    gif = _saved(Image.new("RGB", (20, 20), "white"), "GIF")
    assert "geen PNG-, JPEG- of SVG-afbeelding" in refused(gif, "logo.gif")
    assert "leeg" in refused(b"")


def test_an_image_too_large_in_pixels_is_refused(app):
    wide = _saved(Image.new("1", (MAX_PIXELS + 1, 8)), "PNG")  # tiny file, huge image
    assert len(wide) < MAX_BYTES
    assert "te groot" in refused(wide)
    assert checked_image(_saved(Image.new("1", (MAX_PIXELS, 8)), "PNG"), "logo.png")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&xxe;</text></svg>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "hahahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&b;&b;&b;</text></svg>"""


@pytest.mark.parametrize("svg", [XXE, LAUGHS], ids=["external-entity", "entity-expansion"])
def test_an_svg_with_entities_is_refused(app, svg):
    assert "DTD of entiteiten" in refused(svg, "logo.svg")


@pytest.mark.parametrize(
    "body",
    [
        b"<script>alert(1)</script>",
        b'<rect width="5" height="5" onload="alert(1)"/>',
        b'<foreignObject width="5" height="5"><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
        b"</foreignObject>",
        b'<image width="5" height="5" xlink:href="https://tracker.example/pixel.png"/>',
        b'<image width="5" height="5" href="file:///etc/passwd"/>',
        b'<use href="other.svg#logo"/>',
        b'<a href="javascript:alert(1)"><rect width="5" height="5"/></a>',
        b"<style>@import url(https://fonts.example/x.css);</style>",
        b'<rect width="5" height="5" style="fill: url(https://evil.example/p.svg#g)"/>',
    ],
    ids=[
        "script",
        "onload",
        "foreignObject",
        "http-image",
        "file-image",
        "other-file",
        "js-link",
        "css-import",
        "css-url",
    ],  # fmt: skip
)
def test_an_svg_that_runs_or_fetches_anything_is_refused(app, body):
    assert "scripts, ingebedde HTML of verwijzingen" in refused(
        SVG_OPEN + body + b"</svg>", "logo.svg"
    )


@pytest.mark.parametrize(
    "data",
    [b"<svg xmlns='http://www.w3.org/2000/svg'><rect", b"<html><body>logo</body></html>"],
    ids=["unclosed", "not-svg"],
)
def test_xml_that_is_not_an_svg_is_refused(app, data):
    assert "geen geldig SVG-bestand" in refused(data, "logo.svg")


def test_the_messages_are_translated(app):
    with force_locale("en"):
        assert refused(b"hallo", "notes.png") == "“notes.png” is not a PNG, JPEG or SVG image."
        assert "larger than 1 MB" in refused(b"\0" * (MAX_BYTES + 1))


# Drawing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mimetype", "ratio"),
    [
        (png(600, 200), "image/png", 3.0),
        (jpeg(300, 100), "image/jpeg", 3.0),
        (SVG_LOGO, "image/svg+xml", 3.0),
        (png(100, 400), "image/png", 0.25),
    ],  # fmt: skip
)
def test_draw_image_fits_the_box_keeping_the_aspect_ratio(app, data, mimetype, ratio):
    canvas = Canvas(io.BytesIO())
    for box in ((200, 50), (50, 200), (120, 40)):
        width, height = draw_image(canvas, data, mimetype, 10, 10, *box)
        assert width / height == pytest.approx(ratio)
        assert width <= box[0] + 1e-6 and height <= box[1] + 1e-6
        assert width == pytest.approx(box[0]) or height == pytest.approx(box[1])
    canvas.save()


def test_draw_image_turns_a_sideways_phone_photo_upright(app):
    sideways = jpeg(300, 100, orientation=6)  # stored landscape, meant to be seen portrait
    width, height = draw_image(Canvas(io.BytesIO()), sideways, "image/jpeg", 0, 0, 100, 100)
    assert (width, height) == pytest.approx((100 / 3, 100))
