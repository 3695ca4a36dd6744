"""The printables of the day: name badges on sheets of labels, and the presentielijst to sign.

Plain values in, PDF bytes out: no Flask, no database. One function draws one label or one
page; the label sheets themselves are data (layouts.py). All text is set in the vendored
DejaVu fonts (app/printing.py), so every name prints and pdftotext can read it back.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.attendance.layouts import LAYOUTS, LabelLayout  # noqa: F401  (the views pick one)
from app.printing import (
    LEADING,
    SANS,
    SANS_BOLD,
    describe,
    draw_lines,
    fit_text,
    fit_words,
    register_fonts,
)
from app.qr import draw_qr

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#8c8c8c")
SHADE = colors.HexColor("#ececec")

# Tussenvoegsels and their foreign cousins: "Jan van der Berg" sorts under B, and a badge
# never breaks a line between "van der" and "Berg".
PARTICLES = frozenset(
    "van von vom der den de del della des di da das do dos du het 't 's te ter ten in op aan "
    "bij uit onder over voor tot la le les l' d' zu zum".split()
)


# Name badges --------------------------------------------------------------------------------


def fit_name(
    name: str, max_width_pt: float, max_size: float, min_size: float, max_lines: int = 2
) -> tuple[tuple[str, ...], float]:
    """A badge's name, bold: shrunk to fit down to min_size, then on two lines (never between
    a tussenvoegsel and the surname), then cut short with "…". Every line fits."""
    words = unicodedata.normalize("NFC", name).split()
    kept = _keep_particles_with_surname(words)
    lines, size = fit_words(kept, max_width_pt, max_size, min_size, SANS_BOLD, max_lines)
    if " ".join(lines) == " ".join(words):
        return lines, size
    # Cut short: the whole name, broken anywhere, beats a tidy break and a lost surname.
    anywhere = fit_words(words, max_width_pt, max_size, min_size, SANS_BOLD, max_lines)
    return anywhere if " ".join(anywhere[0]) == " ".join(words) else (lines, size)


def _keep_particles_with_surname(words: list[str]) -> list[str]:
    pieces: list[str] = []
    waiting: list[str] = []
    for position, word in enumerate(words):
        if position > 0 and _leads_into_surname(word):
            waiting.append(word)
        else:
            pieces.append(" ".join([*waiting, word]))
            waiting = []
    return pieces + ([" ".join(waiting)] if waiting else [])


@dataclass(frozen=True)
class Badge:
    name: str
    organisation: str
    event_title: str
    event_date: str  # already formatted, e.g. "donderdag 10 december 2026"
    qr_url: str  # the person's check-in URL (absolute)


QR_QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
COMPACT_BELOW = 45 * mm  # labels lower than this get the text beside the QR, not above it


def badges_pdf(
    badges: list[Badge],
    layout: LabelLayout,
    *,
    first_label: int = 1,
    title: str = "Naambadges",
    outline: bool = False,
) -> bytes:
    """Badges on sheets of `layout`, starting at label `first_label` (1-based) of the first
    sheet so that a half-used sheet can go through the printer again. `outline` draws every
    label's edge: a test print on plain paper, held against a sheet of labels, shows whether
    the printer shifts the page."""
    if not 1 <= first_label <= layout.per_page:
        raise ValueError(f"first_label must be 1…{layout.per_page} on {layout.key}")
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(layout.page_width * mm, layout.page_height * mm))
    event = badges[0].event_title if badges else ""
    describe(canvas, title=title, subject=" – ".join(filter(None, [title, event])))
    slots: list[Badge | None] = [None] * (first_label - 1) + list(badges)
    for start in range(0, max(len(slots), 1), layout.per_page):
        _draw_badge_sheet(canvas, slots[start : start + layout.per_page], layout, outline)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_badge_sheet(canvas, slots: list[Badge | None], layout: LabelLayout, outline: bool):
    for index in range(layout.per_page):
        left, top = layout.position(index)
        x = left * mm
        y = (layout.page_height - top - layout.height) * mm  # PDF counts from the bottom
        if outline:
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.3)
            canvas.rect(x, y, layout.width * mm, layout.height * mm, stroke=1, fill=0)
        badge = slots[index] if index < len(slots) else None
        if badge is not None:
            canvas.saveState()
            canvas.translate(x, y)
            _draw_badge(canvas, badge, layout.width * mm, layout.height * mm)
            canvas.restoreState()


def _draw_badge(canvas, badge: Badge, width: float, height: float) -> None:
    """One label, drawn with its bottom-left corner at (0, 0)."""
    if height < COMPACT_BELOW:
        _draw_compact_badge(canvas, badge, width, height)
    else:
        _draw_roomy_badge(canvas, badge, width, height)


def _draw_compact_badge(canvas, badge: Badge, width: float, height: float) -> None:
    """Low labels (L7163): name, organisation and event in a column, the QR at the right."""
    pad, gap, qr = 4 * mm, 4 * mm, 24 * mm
    _draw_qr(canvas, badge.qr_url, width - pad - qr, (height - qr) / 2, qr)
    column = width - 2 * pad - qr - gap
    names, size = fit_name(badge.name, column, 16, 9)
    below = draw_lines(canvas, names, SANS_BOLD, size, pad, height - pad)
    # A name on two lines leaves room for just one line of organisation above the event.
    lines, size = fit_text(badge.organisation, column, 9.5, 7.5, max_lines=3 - len(names))
    draw_lines(canvas, lines, SANS, size, pad, below - 1.5, MUTED)
    _draw_event(canvas, badge, pad, pad, column, 7.5)


def _draw_roomy_badge(canvas, badge: Badge, width: float, height: float) -> None:
    """Taller labels (L7165, 2 × 5): the name across the label, event and QR below it."""
    pad, gap = 5 * mm, 4 * mm
    qr = min(26 * mm, 0.45 * (height - 2 * pad))
    _draw_qr(canvas, badge.qr_url, width - pad - qr, pad, qr)
    column = width - 2 * pad
    names, size = fit_name(badge.name, column, min(24.0, round(0.34 * height / mm)), 11)
    below = draw_lines(canvas, names, SANS_BOLD, size, pad, height - pad)
    # The organisation gets a second line only where the name left room for it above the QR.
    room = below - 2 - (pad + qr + gap)
    lines, size = fit_text(badge.organisation, column, 11, 8, max_lines=2 if room > 30 else 1)
    draw_lines(canvas, lines, SANS, size, pad, below - 2, MUTED)
    _draw_event(canvas, badge, pad, pad, column - qr - gap, 8)


def _draw_event(canvas, badge: Badge, x: float, bottom: float, width: float, size: float):
    """Event title and date, small, standing on `bottom`."""
    dates, _ = fit_text(badge.event_date, width, size, size)
    titles, title_size = fit_text(badge.event_title, width, size, size - 1, max_lines=2)
    date_top = bottom + len(dates) * size * LEADING
    draw_lines(canvas, dates, SANS, size, x, date_top, MUTED)
    title_top = date_top + len(titles) * title_size * LEADING
    draw_lines(canvas, titles, SANS_BOLD, title_size, x, title_top, MUTED)


def _draw_qr(canvas, url: str, x: float, y: float, side: float) -> None:
    """The QR code of `url` as vector, its dark square exactly at (x, y, side × side); the
    quiet zone lies around it, inside the label's padding."""
    draw_qr(canvas, url, x, y, side)


# The presentielijst -------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    name: str
    organisation: str
    register_numbers: str  # already joined, e.g. "Registerplein 123456 · SKJ 110012345"


@dataclass(frozen=True)
class _Heading:
    title: str
    event_title: str
    session_title: str
    when: str
    place: str
    people: int


SHEET_PAGE = landscape(A4)  # landscape leaves the signature column room to sign
SHEET_MARGIN = 12 * mm
HEADING_HEIGHT = 26 * mm
TABLE_HEAD_HEIGHT = 7 * mm
FOOTER_HEIGHT = 8 * mm
ROW_HEIGHT = 11 * mm  # tall enough for a signature
CELL_PAD = 2 * mm
# (heading, width); the signature column takes what is left.
SHEET_COLUMNS = (
    ("Nr.", 12 * mm),
    ("Naam", 64 * mm),
    ("Organisatie", 64 * mm),
    ("Registratienummers", 58 * mm),
    ("Handtekening", 0.0),
)
ROWS_PER_PAGE = int(
    (SHEET_PAGE[1] - 2 * SHEET_MARGIN - HEADING_HEIGHT - TABLE_HEAD_HEIGHT - FOOTER_HEIGHT)
    // ROW_HEIGHT
)


def signin_sheet_pdf(
    *,
    event_title: str,
    when: str,
    place: str,
    rows: list[SheetRow],
    session_title: str = "",
    title: str = "Presentielijst",
) -> bytes:
    """The presentielijst to sign on the day: everyone by surname, numbered, a line each."""
    register_fonts()
    heading = _Heading(title, event_title, session_title, when, place, len(rows))
    ordered = sorted(rows, key=lambda row: surname_key(row.name))
    numbered = list(enumerate(ordered, start=1))
    pages = [numbered[i : i + ROWS_PER_PAGE] for i in range(0, len(numbered), ROWS_PER_PAGE)]
    pages = pages or [[]]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=SHEET_PAGE)
    subject = " – ".join(filter(None, [event_title, session_title, when]))
    describe(canvas, title=f"{title} – {event_title}", subject=subject)
    for page_number, page_rows in enumerate(pages, start=1):
        _draw_sheet_page(canvas, heading, page_rows, page_number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_sheet_page(canvas, heading: _Heading, rows, page_number: int, page_count: int):
    width, height = SHEET_PAGE
    left, right = SHEET_MARGIN, width - SHEET_MARGIN
    top = height - SHEET_MARGIN
    _draw_heading(canvas, heading, left, top, right - left)
    _draw_table(canvas, rows, left, top - HEADING_HEIGHT, right - left)
    canvas.setFont(SANS, 8)
    canvas.setFillColor(MUTED)
    baseline = SHEET_MARGIN + 1 * mm
    canvas.drawString(left, baseline, "Met uw handtekening bevestigt u dat u aanwezig was.")
    canvas.drawRightString(right, baseline, f"Pagina {page_number} van {page_count}")


def _draw_heading(canvas, heading: _Heading, left: float, top: float, width: float) -> None:
    people = f"{heading.people} deelnemer{'' if heading.people == 1 else 's'}"
    canvas.setFont(SANS, 9)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(left + width, top - 14, people)  # on the title's baseline
    text_width = width - stringWidth(people, SANS, 9) - 10 * mm
    lines, size = fit_text(heading.title, text_width, 16, 12)
    below = draw_lines(canvas, lines, SANS_BOLD, size, left, top)
    lines, size = fit_text(heading.event_title, text_width, 12, 9)
    below = draw_lines(canvas, lines, SANS_BOLD, size, left, below - 2)
    if heading.session_title:
        lines, size = fit_text(heading.session_title, text_width, 11, 8.5)
        below = draw_lines(canvas, lines, SANS, size, left, below)
    details = f"Datum: {heading.when} · Locatie: {heading.place}"
    lines, size = fit_text(details, width, 9.5, 7.5)
    draw_lines(canvas, lines, SANS, size, left, below - 2, MUTED)


def _draw_table(canvas, rows, left: float, top: float, width: float) -> None:
    widths = [w or width - sum(w for _, w in SHEET_COLUMNS) for _, w in SHEET_COLUMNS]
    edges = [left + sum(widths[:i]) for i in range(len(widths) + 1)]
    body_top = top - TABLE_HEAD_HEIGHT
    bottom = body_top - len(rows) * ROW_HEIGHT
    canvas.setFillColor(SHADE)
    canvas.rect(left, body_top, width, TABLE_HEAD_HEIGHT, stroke=0, fill=1)
    for (heading, _), x, w in zip(SHEET_COLUMNS, edges[:-1], widths, strict=True):
        _draw_cell(canvas, (heading,), SANS_BOLD, 9, x, top, w, TABLE_HEAD_HEIGHT)
    for line, (number, row) in enumerate(rows):
        _draw_sheet_row(canvas, number, row, edges, body_top - line * ROW_HEIGHT)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    for line in range(len(rows) + 1):
        canvas.line(left, body_top - line * ROW_HEIGHT, left + width, body_top - line * ROW_HEIGHT)
    for x in edges[1:-1]:
        canvas.line(x, top, x, bottom)
    canvas.setLineWidth(0.8)
    canvas.rect(left, bottom, width, top - bottom, stroke=1, fill=0)


def _draw_sheet_row(canvas, number: int, row: SheetRow, edges: list[float], top: float) -> None:
    """One person's line; the signature cell stays empty."""
    cells = (  # text, font, largest and smallest size, lines
        (row.name, SANS_BOLD, 10, 7, 2),
        (row.organisation, SANS, 9, 6.5, 2),
        (row.register_numbers, SANS, 8.5, 6.5, 2),
    )
    _draw_cell(canvas, (str(number),), SANS, 9, edges[0], top, edges[1] - edges[0], align="center")
    for (text, font, largest, smallest, most), x, end in zip(
        cells, edges[1:4], edges[2:5], strict=True
    ):
        # A second line reads better than one shrunk far below its neighbours.
        lines, size = fit_text(
            text,
            end - x - 2 * CELL_PAD,
            largest,
            smallest,
            font=font,
            max_lines=most,
            wrap_below=largest - 1,
            max_height=ROW_HEIGHT - 2 * CELL_PAD,
        )
        _draw_cell(canvas, lines, font, size, x, top, end - x)


def _draw_cell(canvas, lines, font, size, x, top, width, height=ROW_HEIGHT, align="left"):
    """Lines centred vertically in a cell whose top-left corner is (x, top)."""
    text_top = top - (height - len(lines) * size * LEADING) / 2
    inner = width - 2 * CELL_PAD
    draw_lines(canvas, lines, font, size, x + CELL_PAD, text_top, INK, align, inner)


# Sorting by surname, the Dutch way ----------------------------------------------------------

# Letters that Unicode decomposition doesn't turn into a plain base letter.
_FOLD = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "’": "'"})


def surname_key(name: str) -> tuple[str, ...]:
    """Sort key for a Dutch list: surname without its tussenvoegsels, then given names, accents
    folded ("Şükrü Çelik" among the Cs). The surname is what follows the first tussenvoegsel
    after the given name ("Jan van der Berg": Berg), or else the last word."""
    words = _fold(name).split()
    given, surname = _split_surname(words)
    # "Smit-van Dijk" sorts with "Smit van Dijk", but only after the split: under S.
    return tuple(" ".join(part).replace("-", " ") for part in (surname, given, words))


def _split_surname(words: list[str]) -> tuple[list[str], list[str]]:
    if len(words) < 2:
        return [], words
    for start in range(1, len(words)):
        if "-" in words[start] and _leads_into_surname(words[start]):  # "Smit-van Dijk"
            return words[:start], words[start:]
        if words[start] in PARTICLES:
            end = start
            while end < len(words) - 1 and words[end] in PARTICLES:
                end += 1
            return words[:start], words[end:]
    return words[:-1], words[-1:]


def _leads_into_surname(word: str) -> bool:
    """A tussenvoegsel ("van"), or a double name's first half that ends in one ("Smit-van")."""
    return _fold(word).rsplit("-", 1)[-1] in PARTICLES


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
