"""The bewijs van deelname, read back the way a register's reviewer would meet it: the PDF is
sound, says who attended what for how many hours and points, in the holder's language, on one
page however long the programme, and its QR code scans to the verification page.

Runs in an app context (the labels are translated). Rendered pages are kept in
/tmp/kennisagenda-artefacts/ for a look."""

from __future__ import annotations

import dataclasses
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.certificates.content import CertificateContent, Look, PointsLine, SessionLine
from app.certificates.pdf import BOTTOM, MARGIN, TOP, certificate_pages, certificate_pdf
from app.printing import SANS, fit_unbroken
from tests.certificates.test_look import SVG_LOGO, png, signature_png

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
PT_PER_MM = 72 / 25.4
URL = "https://kennisagenda.example/certificaten/controleer/KA-7K3M-Q9TX-C"
EVENT = "Studiedag Jeugdzorg en Onderwijs: samen sterker in de wijk"
LONG_NAME = "Maria Magdalena Antonia van Oosterhout-Wijnberg de la Fuente"
LONG_EVENT = (
    "Landelijke themadag over de toekomst van de jeugdzorg: samenwerken tussen onderwijs, "
    "wijkteams, jeugdbescherming en gemeenten in een veranderend sociaal domein"
)
PROGRAMME = [
    ("09.30–10.15", "Opening en keynote: de wijk als leeromgeving"),
    ("10.30–12.00", "Workshop 2: Signaleren en doorverwijzen bij zorgen over thuissituaties"),
    ("13.00–13.45", "Plenaire afsluiting met panel"),
    ("13.45–14.30", "Workshop 5: Samenwerken met ouders die het systeem wantrouwen"),
    ("14.45–15.15", "Lezing: Wat werkt in de jeugdhulp? Tien jaar onderzoek in vijf inzichten"),
    ("15.15–16.00", "Workshop 7: Trauma-sensitief werken in de klas en op het schoolplein"),
    ("16.00–16.30", "Intervisie in kleine groepen"),
    ("16.30–16.45", "Slotwoord"),
]
LOOK = Look(
    organisation_name="Werkplaats Sociaal Domein Rivierenland",
    signatory_name="dr. A.M. (Anne) de Boer",
    signatory_function="Lector Jeugd en Gezin",
)


def content(**changes) -> CertificateContent:
    dutch = CertificateContent(
        language="nl",
        holder_name="Şükrü Çelik",
        register_numbers=[("Registerplein", "461012345"), ("SKJ", "110012345")],
        event_title=EVENT,
        event_kind="Themadag",
        event_when="donderdag 10 december 2026, 09.30–16.30 uur",
        event_place="Hogeschool Utrecht, Heidelberglaan 15, Utrecht",
        sessions=[SessionLine(title, when) for when, title in PROGRAMME[:3]],
        hours="3,25",
        points=[
            PointsLine("Registerplein", "RP-2026-004512", "2,75"),
            PointsLine("SKJ", "SKJ-79123", "3"),
        ],  # fmt: skip
        issued_on="vrijdag 11 december 2026",
        number="KA-7K3M-Q9TX-C",
        verify_url=URL,
    )
    return dataclasses.replace(dutch, **changes)


ENGLISH = dict(language="en", event_kind="Theme day", hours="3.25",
               event_when="Thursday 10 December 2026, 09:30–16:30", issued_on="11 December 2026")  # fmt: skip


# Tools: qpdf and poppler look at the PDF from the outside -----------------------------------


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    run("qpdf", "--check", str(path))  # exits non-zero on errors and on warnings
    return path


def text_of(pdf: Path) -> str:
    return " ".join(run("pdftotext", str(pdf), "-").split())


def info(pdf: Path, field: str) -> str:
    return re.search(rf"^{field}:\s+(.*)$", run("pdfinfo", str(pdf)), re.M).group(1)


def render(pdf: Path, dpi: int, keep_as: str = "") -> Image.Image:
    prefix = pdf.with_name(f"{pdf.stem}-{dpi}")
    run("pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(prefix))
    png_file = prefix.with_suffix(".png")
    if keep_as:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png_file, ARTEFACTS / keep_as)
    return Image.open(png_file).convert("RGB")


def word_boxes(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) in points from the page's top-left, as pdftotext sees them."""
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)<')
    return [(html.unescape(t), *map(float, box)) for *box, t in word.findall(run(
        "pdftotext", "-bbox", str(pdf), "-"))]  # fmt: skip


def images_in(pdf: Path) -> list[str]:
    """The types ("image", "smask") of the raster images in the PDF."""
    return [line.split()[2] for line in run("pdfimages", "-list", str(pdf)).splitlines()[2:]]


# What it says -------------------------------------------------------------------------------


def test_certificate_says_who_attended_what_for_how_long_in_that_order(app, tmp_path):
    pdf = write(tmp_path, "nl.pdf", certificate_pdf(content(), LOOK))
    render(pdf, 100, keep_as="certificate-nl.png")
    text = text_of(pdf)
    hours = text.index("Netto contacturen: 3,25")
    points = text.index("2,75", text.index("RP-2026-004512"))
    positions = [text.index("Şükrü Çelik"), text.index(EVENT), hours, points,
                 text.index("KA-7K3M-Q9TX-C")]  # fmt: skip
    assert positions == sorted(positions), positions
    assert text.startswith("Werkplaats Sociaal Domein Rivierenland Bewijs van deelname")
    for expected in ("Hierbij verklaren wij dat", "heeft deelgenomen aan",
                     "Themadag · donderdag 10 december 2026, 09.30–16.30 uur",
                     "Hogeschool Utrecht, Heidelberglaan 15, Utrecht",
                     "Registerplein: 461012345", "SKJ: 110012345",
                     "Pauzes, lunch en ontvangst tellen niet mee.", "SKJ-79123",
                     "dr. A.M. (Anne) de Boer", "Lector Jeugd en Gezin",
                     "Uitgereikt op vrijdag 11 december 2026", "Controleer dit bewijs op"):  # fmt: skip
        assert expected in text, expected
    for when, title in PROGRAMME[:3]:
        assert when in text and title in text
    assert URL in "".join(text.split())  # the URL may be broken over two lines, never cut


@pytest.mark.parametrize("name", ["Şükrü Çelik", "Zoë IJsselmuiden", "Nguyễn Thị Minh Khai"])
def test_every_name_prints_and_reads_back(app, tmp_path, name):
    pdf = write(tmp_path, "name.pdf", certificate_pdf(content(holder_name=name), LOOK))
    assert name in text_of(pdf)
    assert info(pdf, "Title").startswith(f"Bewijs van deelname – {name} – ")


def test_pdf_says_what_it_is_and_who_issued_it(app, tmp_path):
    pdf = write(tmp_path, "meta.pdf", certificate_pdf(content(), LOOK))
    assert info(pdf, "Title") == f"Bewijs van deelname – Şükrü Çelik – {EVENT}"
    assert info(pdf, "Author") == "Werkplaats Sociaal Domein Rivierenland"
    assert info(pdf, "Subject").startswith("Bewijs van deelname KA-7K3M-Q9TX-C – Themadag")
    assert info(pdf, "Page size").startswith("595.276 x 841.89 pts (A4)")
    assert info(pdf, "Pages") == "1"


def test_qr_code_is_vector_and_scans_to_the_verification_url(app, tmp_path):
    pdf = write(tmp_path, "qr.pdf", certificate_pdf(content(), LOOK))
    assert images_in(pdf) == []  # no logo, no signature: nothing on the page is a bitmap
    page = render(pdf, 200)
    assert [code.text for code in zxingcpp.read_barcodes(page)] == [URL]


def test_english_certificate_speaks_english_throughout(app, tmp_path):
    pdf = write(tmp_path, "en.pdf", certificate_pdf(content(**ENGLISH), LOOK))
    render(pdf, 100, keep_as="certificate-en.png")
    text = text_of(pdf)
    for expected in ("Certificate of attendance", "We hereby declare that", "took part in",
                     "Net contact hours: 3.25", "Breaks, lunch and reception do not count.",
                     "Sessions attended", "Registration numbers", "Accreditation number",
                     "Points", "Issued on 11 December 2026", "Certificate number",
                     "Verify this certificate at", "Theme day"):  # fmt: skip
        assert expected in text, expected
    for dutch in ("Bewijs van deelname", "Hierbij", "Netto", "Punten", "Uitgereikt"):
        assert dutch not in text
    assert info(pdf, "Title").startswith("Certificate of attendance – Şükrü Çelik")


# Fitting on the page ------------------------------------------------------------------------


def assert_inside_margins_and_apart(pdf: Path) -> list[tuple]:
    """Every word inside the page's margins, and no two words overlapping."""
    width, height = A4
    boxes = word_boxes(pdf)
    for word, x0, y0, x1, y1 in boxes:
        assert MARGIN - 0.5 <= x0 and x1 <= width - MARGIN + 0.5, word
        assert height - TOP - 0.5 <= y0 and y1 <= height - BOTTOM + 0.5, word
    shrunk = [(w, x0 + 0.5, y0 + 0.5, x1 - 0.5, y1 - 0.5) for w, x0, y0, x1, y1 in boxes]
    for index, (a, ax0, ay0, ax1, ay1) in enumerate(shrunk):
        for b, bx0, by0, bx1, by1 in shrunk[index + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (a, b)
    return boxes


def test_a_full_themadag_with_long_name_and_title_fits_on_one_page(app, tmp_path):
    long = content(holder_name=LONG_NAME, event_title=LONG_EVENT,
                   sessions=[SessionLine(title, when) for when, title in PROGRAMME])  # fmt: skip
    pdf = write(tmp_path, "long.pdf", certificate_pdf(long, LOOK))
    render(pdf, 100, keep_as="certificate-long.png")
    assert info(pdf, "Pages") == "1"
    assert_inside_margins_and_apart(pdf)
    text = text_of(pdf)
    assert LONG_NAME in text and LONG_EVENT in text
    for when, title in PROGRAMME:  # eight sessions: all there, none cut short
        assert when in text and title in text


def test_an_absurd_programme_still_fits_and_says_how_many_it_left_out(app, tmp_path):
    sessions = [SessionLine(f"{title} (deel {n})", when) for n in (1, 2, 3)
                for when, title in PROGRAMME]  # fmt: skip
    many = content(holder_name=LONG_NAME, event_title=LONG_EVENT, sessions=sessions,
                   points=[PointsLine(f"Register {n}", f"ACC-{n:04d}", "4") for n in range(4)])  # fmt: skip
    pdf = write(tmp_path, "many.pdf", certificate_pdf(many, LOOK))
    assert info(pdf, "Pages") == "1"
    boxes = assert_inside_margins_and_apart(pdf)
    text = text_of(pdf)
    left_out = re.search(r"en nog (\d+) onderdelen", text)
    assert left_out, "the list says it is incomplete"
    shown = sum(1 for word, *_ in boxes if word in {when for when, _ in PROGRAMME})
    assert shown + int(left_out.group(1)) == len(sessions)
    assert "KA-7K3M-Q9TX-C" in text and "Netto contacturen: 3,25" in text


def test_a_kenniscafe_has_no_session_list(app, tmp_path):
    cafe = content(sessions=[], event_kind="Kenniscafé", holder_name="Zoë IJsselmuiden")
    pdf = write(tmp_path, "cafe.pdf", certificate_pdf(cafe, Look("Werkplaats Rivierenland")))
    text = text_of(pdf)
    assert "Bijgewoonde onderdelen" not in text and "Kenniscafé" in text
    assert "Werkplaats Rivierenland" in text.split("Uitgereikt")[0][-60:]  # signs without a name
    assert_inside_margins_and_apart(pdf)


def test_the_verification_url_breaks_but_is_never_cut():
    lines, size = fit_unbroken(URL, 150, 8, 7)
    assert len(lines) == 2 and "".join(lines) == URL and lines[0].endswith("/")
    assert all(stringWidth(line, SANS, size) <= 150 for line in lines)
    assert fit_unbroken("kort.example/x", 150, 8, 7) == (("kort.example/x",), 8)
    slashless = "x" * 300
    lines, size = fit_unbroken(slashless, 100, 8, 7)
    assert "".join(lines) == slashless and all(stringWidth(ln, SANS, 7) <= 100 for ln in lines)


# The look -----------------------------------------------------------------------------------


def colour_at(page: Image.Image, x_mm: float, y_mm: float, dpi: int = 100) -> tuple[int, ...]:
    """The colour at (x, y) mm from the page's top-left."""
    return page.getpixel((round(x_mm / 25.4 * dpi), round(y_mm / 25.4 * dpi)))


def test_logo_and_signature_images_are_drawn(app, tmp_path):
    look = dataclasses.replace(LOOK, logo=png(), logo_type="image/png",
                               signature=signature_png(), signature_type="image/png")  # fmt: skip
    pdf = write(tmp_path, "look.pdf", certificate_pdf(content(), look))
    page = render(pdf, 100, keep_as="certificate-logo.png")
    assert sorted(images_in(pdf)) == ["image", "image", "smask", "smask"]  # transparency kept
    # The logo's disc, 16 mm high, in the header's box 18–34 mm from the top.
    red, green, blue = colour_at(page, MARGIN / PT_PER_MM + 8, 26)
    assert blue > red + 60, (red, green, blue)
    text = text_of(pdf)
    assert "Werkplaats Sociaal Domein Rivierenland" in text and "Bewijs van deelname" in text
    assert [code.text for code in zxingcpp.read_barcodes(render(pdf, 200))] == [URL]


def test_a_huge_logo_is_embedded_at_print_resolution(app, tmp_path):
    look = dataclasses.replace(LOOK, logo=png(4000, 800), logo_type="image/png")
    pdf = write(tmp_path, "huge.pdf", certificate_pdf(content(), look))
    listing = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    pixels_per_inch = [int(line.split()[12]) for line in listing]
    assert pixels_per_inch and all(250 <= ppi <= 350 for ppi in pixels_per_inch), listing


def test_svg_logo_is_drawn_as_vector(app, tmp_path):
    look = dataclasses.replace(LOOK, logo=SVG_LOGO, logo_type="image/svg+xml")
    pdf = write(tmp_path, "svg.pdf", certificate_pdf(content(), look))
    page = render(pdf, 100, keep_as="certificate-svg.png")
    assert images_in(pdf) == []
    red, green, blue = colour_at(page, MARGIN / PT_PER_MM + 4, 26)  # the blue tile
    assert blue > red + 60, (red, green, blue)
    assert colour_at(page, MARGIN / PT_PER_MM + 4, 26) != colour_at(page, 105, 26)


def test_certificate_pages_draws_one_certificate_per_page_for_a_bulk_print(app, tmp_path):
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    people = ["Şükrü Çelik", "Zoë IJsselmuiden", "Piet Aalders"]
    for number, name in enumerate(people):
        language = "en" if number == 1 else "nl"
        extra = ENGLISH if language == "en" else {}
        certificate_pages(canvas, content(holder_name=name, **extra), LOOK)
        canvas.showPage()
    canvas.save()
    pdf = write(tmp_path, "bulk.pdf", buffer.getvalue())
    assert info(pdf, "Pages") == "3"
    for page, name in enumerate(people, start=1):
        text = " ".join(run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-").split())
        assert name in text and all(other not in text for other in people if other != name)
        assert ("Certificate of attendance" in text) == (page == 2)
