"""Badges and the presentielijst, checked the way the desk would: the PDF opens, every name is
there and readable, each QR code scans to its own person, and the labels land on the labels.

Pure: no app, no database. Rendered pages are kept in /tmp/kennisagenda-artefacts/ for a look.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getRegisteredFontNames, stringWidth

from app.attendance.printables import (
    HEADING_HEIGHT,
    LAYOUTS,
    ROW_HEIGHT,
    ROWS_PER_PAGE,
    SHEET_COLUMNS,
    SHEET_MARGIN,
    TABLE_HEAD_HEIGHT,
    Badge,
    SheetRow,
    badges_pdf,
    fit_name,
    signin_sheet_pdf,
    surname_key,
)
from app.printing import LEADING, SANS, SANS_BOLD, fit_text, register_fonts

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
DPI = 300
EVENT = "Studiedag Jeugdzorg en Onderwijs: samen sterker in de wijk"
HARD_NAMES = ["Şükrü Çelik", "Zoë IJsselmuiden", "Nguyễn Thị Minh Khai"]
LONG_NAME = "Maria Magdalena Antonia van Oosterhout-Wijnberg de la Fuente"
LONGER_NAME = LONG_NAME + " y Castellanos-Vanderbilt Dieudonné"
OTHER_NAMES = ["Jan van der Berg", "Anna de Vries", "Piet Aalders", "Fatima El Amrani"]
ORGANISATIONS = [
    "Hogeschool Utrecht",
    "Gemeente Rotterdam, afdeling Jeugd en Onderwijs, team Passend Onderwijs en Leerplicht",
    "",
    "Stichting Jeugdbescherming Regio Amsterdam",
]
SHEET = dict(
    event_title=EVENT,
    session_title="Workshop 2: Signaleren en doorverwijzen",
    when="donderdag 10 december 2026, 13.30–17.00 uur",
    place="Hogeschool Utrecht, Heidelberglaan 15, Utrecht",
)


def names(count: int) -> list[str]:
    pool = HARD_NAMES + [LONG_NAME, LONGER_NAME] + OTHER_NAMES
    return [pool[i] if i < len(pool) else f"Deelnemer {i + 1} Jansen" for i in range(count)]


def badges(count: int) -> list[Badge]:
    return [
        Badge(
            name=name,
            organisation=ORGANISATIONS[i % len(ORGANISATIONS)],
            event_title=EVENT,
            event_date="donderdag 10 december 2026",
            qr_url=f"https://kennisagenda.example/inchecken/{i:04d}-k3Yx9QpL2mVtRw",
        )
        for i, name in enumerate(names(count))
    ]


def sheet_rows(count: int) -> list[SheetRow]:
    return [
        SheetRow(name, ORGANISATIONS[i % 4], "Registerplein 123456 · SKJ 110012345" * (i % 2))
        for i, name in enumerate(names(count))
    ]


# Tools: qpdf, poppler and zxing look at the PDF from the outside ---------------------------


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    run("qpdf", "--check", str(path))  # exits non-zero on errors and on warnings
    return path


def text_of(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return " ".join(run("pdftotext", *pages, str(pdf), "-").split())


def page_count(pdf: Path) -> int:
    return int(run("qpdf", "--show-npages", str(pdf)))


def render(pdf: Path, page: int = 1, dpi: int = DPI, keep_as: str = "") -> Image.Image:
    prefix = pdf.with_name(f"{pdf.stem}-{page}")
    pages = ["-f", str(page), "-l", str(page)]
    run("pdftoppm", "-r", str(dpi), "-png", *pages, "-singlefile", str(pdf), str(prefix))
    png = prefix.with_suffix(".png")
    if keep_as:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, ARTEFACTS / keep_as)
    return Image.open(png).convert("L")


def label_image(sheet: Image.Image, layout, index: int) -> Image.Image:
    left, top = layout.position(index)
    box = (left, top, left + layout.width, top + layout.height)
    return sheet.crop(tuple(round(v / 25.4 * DPI) for v in box))


def decoded(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image)]


def drawn_rectangles(pdf: Path, tmp_path: Path) -> list[tuple[float, ...]]:
    """Every `re` in the content streams, as (x, y from the top, width, height) in mm."""
    plain = tmp_path / f"{pdf.stem}-qdf.pdf"
    run("qpdf", "--qdf", "--object-streams=disable", str(pdf), str(plain))
    number = r"(-?\d+(?:\.\d+)?)"
    found = re.findall(rf"{number} {number} {number} {number} re\b", plain.read_text("latin-1"))
    rects = [tuple(float(v) / mm for v in match) for match in found]
    return [(x, 297 - y - h, w, h) for x, y, w, h in rects]


def word_boxes(pdf: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, word, x0, y0, x1, y1) in mm from the page's top-left, as pdftotext sees them."""
    pages = run("pdftotext", "-bbox", str(pdf), "-").split("<page ")[1:]
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)<')
    return [
        (number, html.unescape(text), *(float(v) * 25.4 / 72 for v in box))
        for number, page in enumerate(pages, start=1)
        for *box, text in word.findall(page)
    ]


# Fonts --------------------------------------------------------------------------------------


def test_registering_fonts_twice_is_harmless():
    register_fonts()
    register_fonts()
    assert {SANS, SANS_BOLD} <= set(getRegisteredFontNames())


# Badges -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_sheets(tmp_path_factory) -> dict:
    """One full sheet per layout, its PDF and its rendering at 300 dpi."""
    folder = tmp_path_factory.mktemp("badges")
    sheets = {}
    for key, layout in LAYOUTS.items():
        people = badges(layout.per_page)
        pdf = write(folder, f"badges-{key}.pdf", badges_pdf(people, layout))
        sheets[key] = (layout, people, pdf, render(pdf, keep_as=f"badges-{key}.png"))
    return sheets


@pytest.mark.parametrize("key", LAYOUTS)
def test_every_name_prints_and_reads_back(full_sheets, key):
    layout, people, pdf, _ = full_sheets[key]
    text = text_of(pdf)
    for person in people:
        if person.name != LONGER_NAME:  # that one is cut short on purpose
            assert person.name in text
    assert EVENT in text and "donderdag 10 december 2026" in text


@pytest.mark.parametrize("key", LAYOUTS)
def test_each_qr_code_scans_to_its_own_person(full_sheets, key):
    layout, people, _, sheet = full_sheets[key]
    for index, person in enumerate(people):
        assert decoded(label_image(sheet, layout, index)) == [person.qr_url], index


@pytest.mark.parametrize("key", LAYOUTS)
def test_no_word_leaves_its_label(full_sheets, key):
    layout, people, pdf, _ = full_sheets[key]
    cells = [(*layout.position(i), layout.width, layout.height) for i in range(layout.per_page)]
    for _, word, x0, y0, x1, y1 in word_boxes(pdf):
        # Inside a label, with a millimetre to spare for the printer's slack.
        assert any(
            x + 1 <= x0 and x1 <= x + w - 1 and y + 1 <= y0 and y1 <= y + h - 1
            for x, y, w, h in cells
        ), word
    assert any(word.endswith("…") for _, word, *_ in word_boxes(pdf)), "LONGER_NAME is cut"


@pytest.mark.parametrize("key", LAYOUTS)
def test_outlines_sit_exactly_where_the_layout_says(tmp_path, key):
    layout = LAYOUTS[key]
    pdf = write(tmp_path, "outline.pdf", badges_pdf(badges(3), layout, outline=True))
    drawn = [r for r in drawn_rectangles(pdf, tmp_path) if r[2] > 50 and r[3] > 20]
    assert len(drawn) == layout.per_page  # a test print shows every label, used or not
    for index, (x, y, width, height) in enumerate(sorted(drawn, key=lambda r: (r[1], r[0]))):
        assert (x, y) == pytest.approx(layout.position(index), abs=0.5)
        assert (width, height) == pytest.approx((layout.width, layout.height), abs=0.5)


def test_no_outlines_unless_asked(tmp_path):
    pdf = write(tmp_path, "plain.pdf", badges_pdf(badges(3), LAYOUTS["L7163"]))
    assert not [r for r in drawn_rectangles(pdf, tmp_path) if r[2] > 50 and r[3] > 20]


def test_layouts_fit_on_a4():
    for layout in LAYOUTS.values():
        right, bottom = layout.position(layout.per_page - 1)
        assert 0 < layout.left and right + layout.width < layout.page_width
        assert 0 < layout.top and bottom + layout.height <= layout.page_height
        assert layout.column_pitch >= layout.width and layout.row_pitch >= layout.height


def test_starting_at_label_five_leaves_the_first_four_empty(tmp_path):
    layout = LAYOUTS["L7163"]
    people = badges(3)
    pdf = write(tmp_path, "reuse.pdf", badges_pdf(people, layout, first_label=5))
    sheet = render(pdf)
    for index in range(4):
        assert label_image(sheet, layout, index).getextrema() == (255, 255), index
    for index, person in enumerate(people, start=4):
        assert decoded(label_image(sheet, layout, index)) == [person.qr_url]
    assert label_image(sheet, layout, 7).getextrema() == (255, 255)


@pytest.mark.parametrize("first_label", [0, 15, -1])
def test_a_first_label_off_the_sheet_is_refused(first_label):
    with pytest.raises(ValueError):
        badges_pdf(badges(1), LAYOUTS["L7163"], first_label=first_label)


@pytest.mark.parametrize(
    ("count", "first_label", "sheets"), [(0, 1, 1), (14, 1, 1), (15, 1, 2), (1, 14, 1), (2, 14, 2)]
)
def test_badges_run_on_to_as_many_sheets_as_needed(tmp_path, count, first_label, sheets):
    pdf = badges_pdf(badges(count), LAYOUTS["L7163"], first_label=first_label)
    assert page_count(write(tmp_path, "run.pdf", pdf)) == sheets


def test_fit_name_shrinks_first_then_wraps_then_cuts():
    width = 60 * mm
    assert fit_name("Piet Aalders", width, 16, 9) == (("Piet Aalders",), 16)
    lines, size = fit_name("Nguyễn Thị Minh Khai", width, 24, 9)
    assert lines == ("Nguyễn Thị Minh Khai",) and 9 <= size < 24
    lines, size = fit_name(LONG_NAME, 65 * mm, 16, 9)
    assert len(lines) == 2 and " ".join(lines) == LONG_NAME and size >= 9
    lines, size = fit_name(LONGER_NAME, width, 16, 9)
    assert len(lines) == 2 and lines[-1].endswith("…") and size == 9
    for name in [LONG_NAME, LONGER_NAME, "Wolfeschlegelsteinhausenbergerdorff" * 3]:
        lines, size = fit_name(name, width, 16, 9)
        assert all(stringWidth(line, SANS_BOLD, size) <= width for line in lines), name


def test_fit_text_wraps_early_and_keeps_within_a_height_when_asked():
    organisation = ORGANISATIONS[1]
    lines, size = fit_text(organisation, 60 * mm, 9, 6.5, max_lines=3, wrap_below=8)
    assert len(lines) == 3 and size >= 8
    lines, size = fit_text(organisation, 60 * mm, 9, 6.5, max_lines=3, max_height=20)
    assert len(lines) * size * LEADING <= 20 and " ".join(lines) == organisation
    assert fit_text("", 60 * mm, 9, 6.5) == ((), 9)


def test_fit_name_keeps_the_tussenvoegsel_with_the_surname():
    lines, _ = fit_name(LONG_NAME, 89 * mm, 23, 11)
    assert lines == ("Maria Magdalena Antonia", "van Oosterhout-Wijnberg de la Fuente")


def test_badge_pdf_says_what_it_is(tmp_path):
    pdf = write(tmp_path, "meta.pdf", badges_pdf(badges(2), LAYOUTS["L7165"]))
    info = run("pdfinfo", str(pdf))
    assert re.search(r"^Title:\s+Naambadges$", info, re.M)
    assert re.search(r"^Author:\s+Kennisagenda$", info, re.M)
    assert re.search(rf"^Subject:\s+Naambadges – {re.escape(EVENT)}$", info, re.M)


# The presentielijst -------------------------------------------------------------------------


def test_sheet_names_everyone_on_pages_with_a_heading(tmp_path):
    rows = sheet_rows(20)
    pdf = write(tmp_path, "presentielijst.pdf", signin_sheet_pdf(rows=rows, **SHEET))
    render(pdf, dpi=150, keep_as="presentielijst-1.png")
    assert page_count(pdf) == 2
    text = text_of(pdf)
    for row in rows:
        if row.name != LONGER_NAME:
            assert row.name in text
    assert "@" not in text
    for page in (1, 2):
        page_text = text_of(pdf, page)
        assert f"Pagina {page} van 2" in page_text
        assert page_text.startswith("Presentielijst")
        for value in SHEET.values():
            assert value in page_text
        assert "Handtekening" in page_text


@pytest.mark.parametrize(
    ("people", "pages"),
    [
        (0, 1),
        (1, 1),
        (ROWS_PER_PAGE, 1),
        (ROWS_PER_PAGE + 1, 2),
        (20, 2),
        (2 * ROWS_PER_PAGE + 1, 3),
    ],
)
def test_sheet_takes_as_many_pages_as_people_need(tmp_path, people, pages):
    pdf = write(tmp_path, "pages.pdf", signin_sheet_pdf(rows=sheet_rows(people), **SHEET))
    assert page_count(pdf) == pages
    assert f"Pagina {pages} van {pages}" in text_of(pdf, pages)


def test_sheet_lists_people_by_surname(tmp_path):
    rows = [SheetRow(name, "", "") for name in OTHER_NAMES + HARD_NAMES[:2]]
    text = text_of(write(tmp_path, "order.pdf", signin_sheet_pdf(rows=rows, **SHEET)))
    expected = ["Piet Aalders", "Fatima El Amrani", "Jan van der Berg", "Şükrü Çelik"]
    expected += ["Zoë IJsselmuiden", "Anna de Vries"]
    assert sorted(text.find(name) for name in expected) == [text.find(n) for n in expected]
    assert "1 Piet Aalders" in text and "6 Anna de Vries" in text


def test_sheet_text_stays_inside_its_cells_and_rows_leave_room_to_sign(tmp_path):
    pdf = write(tmp_path, "cells.pdf", signin_sheet_pdf(rows=sheet_rows(12), **SHEET))
    edges = [SHEET_MARGIN / mm]
    for _, width in SHEET_COLUMNS[:-1]:
        edges.append(edges[-1] + width / mm)
    edges.append(297 - SHEET_MARGIN / mm)
    table_top = (SHEET_MARGIN + HEADING_HEIGHT) / mm
    body_top = table_top + TABLE_HEAD_HEIGHT / mm
    lines = [table_top] + [body_top + row * ROW_HEIGHT / mm for row in range(13)]
    table_words = [w for w in word_boxes(pdf) if w[3] > table_top and w[5] < 210 - 20]
    assert len(table_words) > 12 * 3
    for _, word, x0, y0, x1, y1 in table_words:
        assert any(a < x0 and x1 < b for a, b in pairwise(edges)), word
        assert any(a < y0 and y1 < b for a, b in pairwise(lines)), word
    numbers = [w for w in table_words if w[1].isdigit() and w[2] < edges[1]]
    assert [w[1] for w in numbers] == [str(n) for n in range(1, 13)]
    tops = [w[3] for w in numbers]
    assert all(b - a >= 10 for a, b in pairwise(tops)), tops


def test_sheet_says_what_it_is(tmp_path):
    pdf = write(tmp_path, "meta.pdf", signin_sheet_pdf(rows=sheet_rows(2), **SHEET))
    info = run("pdfinfo", str(pdf))
    assert re.search(rf"^Title:\s+Presentielijst – {re.escape(EVENT)}$", info, re.M)
    assert re.search(r"^Author:\s+Kennisagenda$", info, re.M)
    assert "Workshop 2" in re.search(r"^Subject:(.*)$", info, re.M).group(1)
    assert re.search(r"^Page size:\s+841.89 x 595.276 pts \(A4\)", info, re.M)


# Sorting by surname -------------------------------------------------------------------------


def test_surname_key_sorts_the_dutch_way():
    names = ["Jan van der Berg", "Anna de Vries", "Şükrü Çelik", "Piet Aalders", "Zoë IJsselmuiden"]
    assert sorted(names, key=surname_key) == [
        "Piet Aalders",
        "Jan van der Berg",
        "Şükrü Çelik",
        "Zoë IJsselmuiden",
        "Anna de Vries",
    ]


@pytest.mark.parametrize(
    ("name", "surname"),
    [
        ("Jan van der Berg", "berg"),
        ("Kees van 't Hek", "hek"),
        ("Kees van ’t Hek", "hek"),
        ("Fenna ter Horst", "horst"),
        ("Şükrü Çelik", "celik"),
        ("Nguyễn Thị Minh Khai", "khai"),
        (LONG_NAME, "oosterhout wijnberg de la fuente"),
        ("Marieke Smit-van Dijk", "smit van dijk"),  # a particle inside a double name stays
        ("Jan de", "de"),  # nothing after the particle: it is the surname after all
        ("Cher", "cher"),
        ("", ""),
    ],
)
def test_surname_key_finds_the_surname(name, surname):
    assert surname_key(name)[0] == surname


def test_people_with_the_same_surname_sort_by_given_name():
    names = ["Pieter de Jong", "Anna Jong", "Bram de Jong"]
    assert sorted(names, key=surname_key) == ["Anna Jong", "Bram de Jong", "Pieter de Jong"]
