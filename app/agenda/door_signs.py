"""Door signs: per room, the day's programme on an A4 in landscape, large enough to read from
a few metres down the corridor.

Plain values in, PDF bytes out (signs_for turns the agenda into those values). One function
draws one page; the sizes are data. A room with more sessions than fit gets smaller type, down
to READABLE, and then a second page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.agenda.models import SessionKind
from app.printing import LEADING, SANS, SANS_BOLD, describe, draw_lines, fit_text, register_fonts
from app.timezones import format_clock

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#8c8c8c")

PAGE = landscape(A4)
MARGIN = 14 * mm
FOOTER = 8 * mm  # kept free at the bottom for "Pagina 2 van 2"


@dataclass(frozen=True)
class SignEvent:
    title: str
    date: str  # already formatted, e.g. "donderdag 10 december 2026"


@dataclass(frozen=True)
class SignSession:
    time: str  # "10.45–12.00"
    title: str
    speakers: str = ""  # already joined
    is_break: bool = False


@dataclass(frozen=True)
class RoomSign:
    name: str
    sessions: tuple[SignSession, ...]  # in time order


@dataclass(frozen=True)
class Sizes:
    """Type sizes of the programme at one step of shrinking."""

    time: float
    title: float
    speakers: float
    gap: float  # between two sessions


# Largest first: the first at which a room's sessions fit on its pages is used; the last is the
# readable minimum (19 pt, capitals about 5 mm high), and a room that does not fit on one page at it
# continues on the next.
STEPS = tuple(
    Sizes(time=32 * f, title=32 * f, speakers=20 * f, gap=16 * f)
    for f in (1.5, 1.25, 1, 0.9, 0.8, 0.7, 0.6)
)
READABLE = STEPS[-1]


def signs_for(rooms, sessions) -> list[RoomSign]:
    """The door signs of `rooms` from the agenda's `sessions` (in time order): cancelled ones
    left out, each in its own room only (a break without a room is on no sign)."""

    def sign_session(s) -> SignSession:
        return SignSession(
            time=f"{format_clock(s.starts_at)}–{format_clock(s.ends_at)}",
            title=s.title,
            speakers=", ".join(sp.name for sp in s.speakers),
            is_break=s.kind == SessionKind.BREAK,
        )

    return [
        RoomSign(room.name, tuple(sign_session(s) for s in sessions
                                  if s.room_id == room.id and not s.is_cancelled))
        for room in rooms
    ]  # fmt: skip


def door_signs_pdf(event: SignEvent, rooms_with_sessions: list[RoomSign]) -> bytes:
    """One page per room (two or more for a very full room)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE)
    describe(canvas, title=f"{_('Deurbordjes')} – {event.title}", subject=event.date)
    for room in rooms_with_sessions:
        heading = _heading(room.name, event)
        pages, sizes = _paginate(room.sessions, _body_height(heading))
        for number, page in enumerate(pages, start=1):
            _draw_page(canvas, heading, page, sizes, number, len(pages))
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# Laying out ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    name: tuple[tuple[str, ...], float]  # lines and size
    event: tuple[tuple[str, ...], float]


@dataclass(frozen=True)
class _Row:
    session: SignSession
    title: tuple[tuple[str, ...], float]
    speakers: tuple[tuple[str, ...], float]
    height: float


WIDTH = PAGE[0] - 2 * MARGIN


def _heading(name: str, event: SignEvent) -> _Heading:
    return _Heading(
        name=fit_text(name, WIDTH, 80, 40, font=SANS_BOLD, max_lines=2, wrap_below=56),
        event=fit_text(f"{event.title} · {event.date}", WIDTH, 22, 14, max_lines=2, wrap_below=18),
    )


def _heading_height(heading: _Heading) -> float:
    (names, name_size), (events, event_size) = heading.name, heading.event
    return len(names) * name_size * LEADING + len(events) * event_size * LEADING + 8 * mm


def _body_height(heading: _Heading) -> float:
    return PAGE[1] - 2 * MARGIN - FOOTER - _heading_height(heading)


def _time_width(sizes: Sizes) -> float:
    return stringWidth("00.00–00.00", SANS_BOLD, sizes.time) + 8 * mm


def _row(session: SignSession, sizes: Sizes) -> _Row:
    width = WIDTH - _time_width(sizes)
    font = SANS if session.is_break else SANS_BOLD
    floor = max(READABLE.title, 0.75 * sizes.title)
    title = fit_text(session.title, width, sizes.title, floor, font=font, max_lines=3,
                     wrap_below=0.85 * sizes.title)  # fmt: skip
    speakers = fit_text(session.speakers, width, sizes.speakers, READABLE.speakers)
    lines = len(title[0]) * title[1] + len(speakers[0]) * speakers[1]
    return _Row(session, title, speakers, max(lines, sizes.time) * LEADING)


def _paginate(sessions, room: float) -> tuple[list[list[_Row]], Sizes]:
    """On as few pages as they fit on at the readable minimum, as large as they then fit,
    shared out evenly (6 + 6 rather than 8 + 4)."""
    if not sessions:
        return [[]], STEPS[0]
    for count in range(1, len(sessions) + 1):
        for sizes in STEPS:
            rows = [_row(s, sizes) for s in sessions]
            each = -(-len(rows) // count)
            pages = [rows[i : i + each] for i in range(0, len(rows), each)]
            if all(_height(page, sizes) <= room for page in pages):
                return pages, sizes
    return [[row] for row in rows], READABLE  # not reached: a row is at most 3 title lines


def _height(rows: list[_Row], sizes: Sizes) -> float:
    return sum(row.height for row in rows) + sizes.gap * max(len(rows) - 1, 0)


# Drawing ------------------------------------------------------------------------------------


def _draw_page(canvas, heading: _Heading, rows, sizes: Sizes, number: int, count: int) -> None:
    left, top = MARGIN, PAGE[1] - MARGIN
    below = draw_lines(canvas, heading.name[0], SANS_BOLD, heading.name[1], left, top, INK)
    below = draw_lines(canvas, heading.event[0], SANS, heading.event[1], left, below, MUTED)
    rule = below - 3 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(2.5)
    canvas.line(left, rule, left + WIDTH, rule)
    top = rule - 5 * mm
    if not rows:
        draw_lines(canvas, (_("Geen programma in deze zaal."),), SANS, 28, left, top, MUTED)
    for index, row in enumerate(rows):
        if index:
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.line(left, top + sizes.gap / 2, left + WIDTH, top + sizes.gap / 2)
        _draw_row(canvas, row, sizes, left, top)
        top -= row.height + sizes.gap
    if count > 1:
        canvas.setFont(SANS, 11)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(left + WIDTH, MARGIN, _("Pagina %(page)d van %(pages)d",
                                                      page=number, pages=count))  # fmt: skip


def _draw_row(canvas, row: _Row, sizes: Sizes, left: float, top: float) -> None:
    colour = MUTED if row.session.is_break else INK
    font = SANS if row.session.is_break else SANS_BOLD
    draw_lines(canvas, (row.session.time,), font, sizes.time, left, top, colour)
    x = left + _time_width(sizes)
    below = draw_lines(canvas, row.title[0], font, row.title[1], x, top, colour)
    draw_lines(canvas, row.speakers[0], SANS, row.speakers[1], x, below, MUTED)
