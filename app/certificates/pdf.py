"""The bewijs van deelname as a PDF: one calm A4 page a participant hands to their register.

Plain values in, PDF bytes out: no database. Labels are translated into the certificate's own
language (so it runs in a Flask app context); everything else arrives already formatted. The
page is laid out from both ends: the header and the statement ("Hierbij verklaren wij dat …")
from the top, the signature and the verification QR from the bottom; the details between them
(registration numbers, sessions, hours, accreditation) get what is left, and the list of
sessions — the only part that grows — shrinks, then goes to two columns, to fit.

The QR code is reportlab's own QrCodeWidget, drawn as vector, as the issue asks.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.certificates.content import CertificateContent, Look, SessionLine
from app.certificates.look import draw_image
from app.printing import (
    LEADING,
    SANS,
    SANS_BOLD,
    describe,
    draw_lines,
    fit_text,
    fit_unbroken,
    pack_items,
    register_fonts,
)

MARGIN = 25 * mm  # left and right
TOP, BOTTOM = A4[1] - 18 * mm, 20 * mm
WIDTH = A4[0] - 2 * MARGIN

ACCENT = colors.HexColor("#0a4f7a")  # the brand blue, and the only colour
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5a5a5a")
HAIRLINE = colors.HexColor("#c4c4c4")

HEADER_HEIGHT = 16 * mm
QR_SIDE = 24 * mm
SIGNATURE_BOX = (60 * mm, 16 * mm)
SECTION_GAP = 6 * mm
TITLE_GAP = 12 * mm  # below the header's rule
DETAILS_GAP = 8 * mm  # between the statement and the details
FOOTER_GAP = 6 * mm  # the least room above the footer
HEADING_SIZE = 8.5
HEADING_HEIGHT = HEADING_SIZE * LEADING + 1 * mm

Block = tuple[float, Callable[[Canvas, float], None]]  # height, and how to draw it from a top


def certificate_pdf(content: CertificateContent, look: Look) -> bytes:
    """One certificate as a one-page PDF, with its title, author and subject set."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, lang=content.language)
    with force_locale(content.language):
        label = _("Bewijs van deelname")
        title = " – ".join(filter(None, (label, content.holder_name, content.event_title)))
        subject = f"{label} {content.number} – {content.event_kind}, {content.event_when}"
    describe(canvas, title=title, subject=subject)
    canvas.setAuthor(look.organisation_name)  # the organisation vouches for it, not the software
    certificate_pages(canvas, content, look)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def certificate_pages(canvas: Canvas, content: CertificateContent, look: Look) -> None:
    """Draw one certificate on the canvas' current page (the caller turns the page), so that
    a bulk print can put many in one PDF."""
    register_fonts()
    with force_locale(content.language):
        below_header = _draw_header(canvas, look)
        above_footer = _draw_footer(canvas, content, look)
        statement_height, draw_statement = _statement(content)
        top = below_header - TITLE_GAP
        details_top = top - statement_height - DETAILS_GAP
        details = _details(content, details_top - above_footer - FOOTER_GAP)
        # A short certificate (a kenniscafé) would leave a hole above the footer: part of the
        # room goes above the title and above the details, so the page stays balanced.
        spare = details_top - above_footer - FOOTER_GAP - _stacked_height(details)
        shift = min(spare / 4, 10 * mm)
        draw_statement(canvas, top - shift)
        y = details_top - 2 * shift
        for height, draw in details:
            draw(canvas, y)
            y -= height + SECTION_GAP


# Top: header and statement ------------------------------------------------------------------


def _draw_header(canvas, look: Look) -> float:
    """The logo with the organisation's name beside it, or the name alone set in type; a thin
    rule beneath. Returns the rule's height."""
    bottom = TOP - HEADER_HEIGHT
    if look.logo:
        draw_image(canvas, look.logo, look.logo_type, MARGIN, bottom, 80 * mm, HEADER_HEIGHT,
                   valign="middle")  # fmt: skip
        lines, size = fit_text(look.organisation_name, 70 * mm, 9.5, 7.5, max_lines=2)
        top = bottom + (HEADER_HEIGHT + len(lines) * size * LEADING) / 2
        x = MARGIN + WIDTH - 70 * mm
        draw_lines(canvas, lines, SANS, size, x, top, MUTED, "right", 70 * mm)
    else:
        lines, size = fit_text(look.organisation_name, WIDTH, 16, 10, font=SANS_BOLD, max_lines=2,
                               max_height=HEADER_HEIGHT)  # fmt: skip
        draw_lines(canvas, lines, SANS_BOLD, size, MARGIN, bottom + len(lines) * size * LEADING,
                   ACCENT)  # fmt: skip
    rule = bottom - 3 * mm
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, rule, MARGIN + WIDTH, rule)
    return rule


def _statement(content: CertificateContent) -> Block:
    """Title, "Hierbij verklaren wij dat", the name, "heeft deelgenomen aan", the event; centred."""
    parts = (  # text, font, largest and smallest size, lines, colour, space above
        (_("Bewijs van deelname"), SANS, 26, 18, 1, ACCENT, 0),
        (_("Hierbij verklaren wij dat"), SANS, 11, 9, 2, MUTED, 7 * mm),
        (content.holder_name, SANS_BOLD, 24, 14, 2, INK, 2 * mm),
        (_("heeft deelgenomen aan"), SANS, 11, 9, 2, MUTED, 2 * mm),
        (content.event_title, SANS_BOLD, 16, 11, 3, INK, 2 * mm),
        (" · ".join(filter(None, (content.event_kind, content.event_when))), SANS, 10, 8, 2,
         MUTED, 1 * mm),
        (content.event_place, SANS, 10, 8, 2, MUTED, 0),
    )  # fmt: skip
    fitted = []
    for text, font, largest, smallest, most, colour, space in parts:
        lines, size = fit_text(text, WIDTH, largest, smallest, font=font, max_lines=most,
                               wrap_below=largest * 0.75)  # fmt: skip
        fitted.append((lines, font, size, colour, space))

    def draw(canvas, top):
        for lines, font, size, colour, space in fitted:
            top = draw_lines(canvas, lines, font, size, MARGIN, top - space, colour, "center", WIDTH)  # fmt: skip

    return sum(space + _lines_height(lines, size) for lines, _, size, _, space in fitted), draw


# Bottom: signature, issue date, number and the QR -------------------------------------------


def _draw_footer(canvas, content: CertificateContent, look: Look) -> float:
    """The signatory's block at the left, the number and the QR at the right, both standing on
    the bottom margin. Returns the top of the footer."""
    column = WIDTH / 2 - 6 * mm
    issued = _fitted(_("Uitgereikt op %(date)s", date=content.issued_on), column, 9, 7.5)
    function = _fitted(look.signatory_function, column, 9, 7.5, lines=2)
    # Without a signatory the organisation itself signs: a name under the line, never a blank.
    name = _fitted(look.signatory_name or look.organisation_name, column, 10, 8, SANS_BOLD)
    # Bottom up: the issue date on the margin, above it the function, the name, the line.
    line = BOTTOM + _height(issued) + 3 * mm + _height(function) + _height(name) + 1.5 * mm
    y = draw_lines(canvas, *name, MARGIN, line - 1.5 * mm, INK)
    y = draw_lines(canvas, *function, MARGIN, y, MUTED)
    draw_lines(canvas, *issued, MARGIN, y - 3 * mm, MUTED)
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, line, MARGIN + SIGNATURE_BOX[0], line)
    if look.signature:
        draw_image(canvas, look.signature, look.signature_type, MARGIN, line + 1 * mm,
                   *SIGNATURE_BOX)  # fmt: skip
    _draw_verification(canvas, content)
    return max(line + 1 * mm + SIGNATURE_BOX[1], BOTTOM + QR_SIDE)


def _draw_verification(canvas, content: CertificateContent) -> None:
    """The QR at the bottom right; beside it, right-aligned, the number and where to check it."""
    qr_x = MARGIN + WIDTH - QR_SIDE
    # Its dark square exactly at the corner; the page around it is the quiet zone. Level M,
    # like app/qr.py: it survives a crease.
    qr = Drawing(QR_SIDE, QR_SIDE)
    qr.add(QrCodeWidget(content.verify_url, barLevel="M", barBorder=0, barWidth=QR_SIDE,
                        barHeight=QR_SIDE))  # fmt: skip
    renderPDF.draw(qr, canvas, qr_x, BOTTOM)
    column = WIDTH / 2 - QR_SIDE - 5 * mm
    right = qr_x - 5 * mm - column
    url, url_size = fit_unbroken(content.verify_url, column, 8, 7)
    check = _fitted(_("Controleer dit bewijs op"), column, 8, 6.5)
    number_label = _fitted(_("Bewijsnummer"), column, 8, 6.5)
    number = _fitted(content.number, column, 11, 8, SANS_BOLD)
    y = BOTTOM + QR_SIDE + 0.3 * 8  # the first line's cap height level with the QR's top
    y = draw_lines(canvas, *number_label, right, y, MUTED, "right", column)
    y = draw_lines(canvas, *number, right, y, INK, "right", column)
    y = draw_lines(canvas, *check, right, y - 2.5 * mm, MUTED, "right", column)
    draw_lines(canvas, url, SANS, url_size, right, y, ACCENT, "right", column)


# Between: the details -----------------------------------------------------------------------


def _details(content: CertificateContent, room: float) -> list[Block]:
    """Registration numbers, sessions, hours and accreditation, left-aligned, in that order,
    in `room` points of height. The sessions get what the others leave."""
    registers = _registers_block(content)
    hours = _hours_block(content)
    points = _points_block(content)
    fixed = [block for block in (registers, hours, points) if block]
    sessions = _sessions_block(content.sessions, room - _stacked_height(fixed) - SECTION_GAP)
    return [block for block in (registers, sessions, hours, points) if block]


def _stacked_height(blocks: list[Block]) -> float:
    return sum(height for height, _ in blocks) + SECTION_GAP * max(len(blocks) - 1, 0)


def _heading(canvas, text: str, top: float) -> float:
    return draw_lines(canvas, (text,), SANS_BOLD, HEADING_SIZE, MARGIN, top, ACCENT)


def _registers_block(content: CertificateContent) -> Block | None:
    """ "Registerplein: 461012345 · SKJ: 110012345", wrapped between the registers."""
    if not content.register_numbers:
        return None
    items = [f"{register}: {number}" for register, number in content.register_numbers]
    lines = pack_items(items, "   ·   ", WIDTH, 10)

    def draw(canvas, top):
        y = _heading(canvas, _("Registratienummers"), top) - 1 * mm
        draw_lines(canvas, lines, SANS, 10, MARGIN, y, INK)

    return HEADING_HEIGHT + _lines_height(lines, 10), draw


def _hours_block(content: CertificateContent) -> Block:
    hours = _fitted(_("Netto contacturen: %(hours)s", hours=content.hours), WIDTH, 11, 9, SANS_BOLD)
    note = _fitted(_("Pauzes, lunch en ontvangst tellen niet mee."), WIDTH, 8.5, 7)

    def draw(canvas, top):
        draw_lines(canvas, *note, MARGIN, draw_lines(canvas, *hours, MARGIN, top, INK), MUTED)

    return _height(hours) + _height(note), draw


ROW_HEIGHT = 6 * mm
POINTS_COLUMNS = (0.0, 0.45, 1.0)  # where Register and Accreditatienummer start; Punten ends


def _points_block(content: CertificateContent) -> Block | None:
    """Each accreditation on a row: register, accreditation id, points."""
    if not content.points:
        return None
    rows = [(p.register, p.accreditation_id, p.points) for p in content.points]
    heading = (_("Register"), _("Accreditatienummer"), _("Punten"))

    def draw(canvas, top):
        y = _heading(canvas, _("Accreditatie"), top)
        _draw_row(canvas, heading, y, SANS, 8, MUTED)
        for number, row in enumerate(rows, start=1):
            _draw_row(canvas, row, y - number * ROW_HEIGHT, SANS, 9.5, INK)
        canvas.setStrokeColor(HAIRLINE)
        canvas.setLineWidth(0.5)
        for number in range(1, len(rows) + 2):
            canvas.line(MARGIN, y - number * ROW_HEIGHT, MARGIN + WIDTH, y - number * ROW_HEIGHT)

    return HEADING_HEIGHT + (len(rows) + 1) * ROW_HEIGHT, draw


def _draw_row(canvas, cells: tuple[str, str, str], top: float, font, size, colour) -> None:
    """One table row, its text standing 2 mm above the row's rule."""
    baseline = top - ROW_HEIGHT + 2 * mm
    register, accreditation, points = cells
    left, middle = (MARGIN + WIDTH * c for c in POINTS_COLUMNS[:2])
    column = WIDTH * (POINTS_COLUMNS[1] - POINTS_COLUMNS[0]) - 4 * mm
    canvas.setFillColor(colour)
    canvas.setFont(font, size)
    canvas.drawString(left, baseline, _ellipsized(register, column, font, size))
    canvas.drawString(middle, baseline, _ellipsized(accreditation, column, font, size))
    canvas.drawRightString(MARGIN + WIDTH, baseline, points)


# The sessions: the part that grows ----------------------------------------------------------

# Tried in turn until the list fits: (font size, columns, lines a title may take).
SESSION_LAYOUTS = ((10, 1, 2), (9, 1, 2), (9, 2, 2), (8, 2, 2), (8, 2, 1))
COLUMN_GAP = 8 * mm
TIME_GAP = 4 * mm


def _sessions_block(sessions: list[SessionLine], room: float) -> Block | None:
    if not sessions:
        return None
    for size, columns, most in SESSION_LAYOUTS:
        rows = _session_rows(sessions, size, columns, most)
        if HEADING_HEIGHT + _columns_height(rows, size, columns) <= room:
            break
    else:  # not even the smallest fits: as many as do, and how many more there were
        rows = _rows_that_fit(sessions, size, columns, most, room - HEADING_HEIGHT)

    def draw(canvas, top):
        y = _heading(canvas, _("Bijgewoonde onderdelen"), top) - 0.5 * mm
        per_column = -(-len(rows) // columns)
        width = (WIDTH - (columns - 1) * COLUMN_GAP) / columns
        time_width = _time_width(sessions, size)
        for column in range(columns):
            x, row_top = MARGIN + column * (width + COLUMN_GAP), y
            for when, lines in rows[column * per_column : (column + 1) * per_column]:
                draw_lines(canvas, (when,), SANS, size, x, row_top, MUTED)
                draw_lines(canvas, lines, SANS, size, x + time_width, row_top, INK)
                row_top -= _lines_height(lines, size) + _row_gap(size)

    return HEADING_HEIGHT + _columns_height(rows, size, columns), draw


def _session_rows(sessions, size, columns, most) -> list[tuple[str, tuple[str, ...]]]:
    """(time, title lines) per session at this size, in a column of this count's width."""
    width = (WIDTH - (columns - 1) * COLUMN_GAP) / columns - _time_width(sessions, size)
    return [
        (s.when, fit_text(s.title, width, size, size, max_lines=most)[0] or ("",)) for s in sessions
    ]


def _rows_that_fit(sessions, size, columns, most, room) -> list[tuple[str, tuple[str, ...]]]:
    rows = _session_rows(sessions, size, columns, most)
    for shown in range(len(rows) - 1, -1, -1):
        hidden = len(rows) - shown
        more = ngettext("en nog %(num)d onderdeel", "en nog %(num)d onderdelen", hidden)
        candidate = rows[:shown] + [("…", (more,))]
        if _columns_height(candidate, size, columns) <= room:
            return candidate
    return []


def _columns_height(rows, size: float, columns: int) -> float:
    per_column = -(-len(rows) // columns)
    chunks = [rows[i : i + per_column] for i in range(0, len(rows), per_column)] or [[]]
    return max(sum(_lines_height(lines, size) + _row_gap(size) for _, lines in c) for c in chunks)


def _time_width(sessions, size: float) -> float:
    return max(stringWidth(s.when, SANS, size) for s in sessions) + TIME_GAP


def _row_gap(size: float) -> float:
    return 0.3 * size


# Small helpers ------------------------------------------------------------------------------


def _fitted(text: str, width: float, largest: float, smallest: float, font: str = SANS,
            lines: int = 1) -> tuple[tuple[str, ...], str, float]:  # fmt: skip
    """(lines, font, size) as draw_lines takes them: shrunk to fit, cut short as a last resort."""
    fitted, size = fit_text(text, width, largest, smallest, font=font, max_lines=lines)
    return fitted, font, size


def _height(fitted: tuple) -> float:
    """The height of a _fitted (lines, font, size)."""
    return _lines_height(fitted[0], fitted[2])


def _lines_height(lines, size: float) -> float:
    return len(lines) * size * LEADING


def _ellipsized(text: str, width: float, font: str, size: float) -> str:
    return fit_text(text, width, size, size, font=font)[0][0] if text.strip() else ""
