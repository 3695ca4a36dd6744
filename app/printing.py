"""What every PDF we print shares: the fonts, the document properties, and text that fits.

reportlab's built-in Helvetica only knows Latin-1, so "Şükrü", "Nguyễn" or "Zoë" would print
as black boxes; the vendored DejaVu Sans (app/fonts/, licence alongside) covers them all.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

from reportlab.lib.colors import black
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS_DIR = Path(__file__).parent / "fonts"
SANS = "KA-Sans"
SANS_BOLD = "KA-Sans-Bold"
AUTHOR = "Kennisagenda"
ELLIPSIS = "…"
LEADING = 1.18  # line height as a multiple of the font size


def register_fonts() -> None:
    """Make "KA-Sans" and "KA-Sans-Bold" known to reportlab; safe to call before every PDF."""
    if SANS_BOLD in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(SANS, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(SANS_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    # No italics vendored: an <i> in a paragraph falls back to the upright face.
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
    )


def describe(canvas: Canvas, *, title: str, subject: str) -> None:
    """The document properties a PDF viewer shows, and a file manager searches."""
    canvas.setTitle(title)
    canvas.setAuthor(AUTHOR)
    canvas.setSubject(subject)
    canvas.setCreator(AUTHOR)


def fit_text(
    text: str,
    max_width: float,
    max_size: float,
    min_size: float,
    *,
    font: str = SANS,
    max_lines: int = 1,
    wrap_below: float | None = None,
    max_height: float | None = None,
) -> tuple[tuple[str, ...], float]:
    """Lines and font size for `text` in a box `max_width` points wide (and, if given,
    `max_height` high at LEADING).

    One line, as large as fits up to max_size; where that would be smaller than `wrap_below`
    (by default min_size), up to max_lines balanced lines; failing all that, min_size with the
    last line cut short by an ellipsis. Every returned line fits at the returned size."""
    words = text.split()
    return fit_words(words, max_width, max_size, min_size, font, max_lines, wrap_below, max_height)


def fit_words(
    words: list[str],
    max_width: float,
    max_size: float,
    min_size: float,
    font: str,
    max_lines: int,
    wrap_below: float | None = None,
    max_height: float | None = None,
) -> tuple[tuple[str, ...], float]:
    """fit_text for text already cut into the pieces a line may break between."""
    register_fonts()  # the widths come from the fonts
    words = [unicodedata.normalize("NFC", word) for word in words]
    if not words:
        return (), max_size
    if max_height:
        max_lines = max(1, min(max_lines, int(max_height // (min_size * LEADING))))
    tried = []
    for count in range(1, max_lines + 1):
        lines = _balanced_lines(words, count, font)
        size = _largest_size(lines, max_width, max_size, font)
        if max_height:
            size = min(size, _quarter_down(max_height / (len(lines) * LEADING)))
        if size >= (wrap_below or min_size):
            return tuple(lines), size
        tried.append((size, tuple(lines)))
    size, lines = max(tried)
    if size >= min_size:
        return lines, size
    return _wrap_and_cut(words, max_width, min_size, font, max_lines), min_size


def draw_lines(canvas, lines, font, size, x, top, color=black, align="left", width=0.0) -> float:
    """Draw `lines` downwards from `top`; returns the y just below the last line."""
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    for number, line in enumerate(lines):
        # 0.3 × size above the line's foot: room for ç and ş below, for ễ's stacked accents above.
        baseline = top - (number + 1) * size * LEADING + 0.3 * size
        if align == "center":
            canvas.drawCentredString(x + width / 2, baseline, line)
        elif align == "right":
            canvas.drawRightString(x + width, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
    return top - len(lines) * size * LEADING


def fit_unbroken(
    text: str, max_width: float, max_size: float, min_size: float, font: str = SANS
) -> tuple[tuple[str, ...], float]:
    """Lines and size for text that has no spaces and must stay whole, such as a URL: one line
    as large as fits down to min_size; failing that, lines at min_size broken after a "/" (or
    anywhere, for a run without one). Never cut short, so it can take many lines."""
    register_fonts()
    if not text:
        return (), max_size
    size = min(max_size, _quarter_down(max_width / pdfmetrics.stringWidth(text, font, 1)))
    if size >= min_size:
        return (text,), size
    lines: list[str] = []
    rest = text
    while pdfmetrics.stringWidth(rest, font, min_size) > max_width:
        take = 1
        while pdfmetrics.stringWidth(rest[: take + 1], font, min_size) <= max_width:
            take += 1
        slash = rest.rfind("/", 0, take)
        if slash >= take // 3:  # after a "/" when that still fills a third of the line
            take = slash + 1
        lines.append(rest[:take])
        rest = rest[take:]
    return (*lines, rest), min_size


def pack_items(
    items: list[str], separator: str, max_width: float, size: float, font: str = SANS
) -> tuple[str, ...]:
    """Items on as few lines as they fit on, `separator` between two on a line, never broken
    inside an item ("Registerplein: 461012345   ·   SKJ: 110012345"); one wider than a line
    is cut short with "…"."""
    lines: list[str] = []
    for item in items:
        joined = f"{lines[-1]}{separator}{item}" if lines else item
        if lines and pdfmetrics.stringWidth(joined, font, size) <= max_width:
            lines[-1] = joined
        else:
            lines.append(ellipsize(item, max_width, size, font))
    return tuple(lines)


def ellipsize(text: str, max_width: float, size: float, font: str) -> str:
    """`text`, cut short with "…" where it is wider than max_width."""
    if pdfmetrics.stringWidth(text, font, size) <= max_width:
        return text
    while text and pdfmetrics.stringWidth(text.rstrip() + ELLIPSIS, font, size) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _largest_size(lines: list[str], max_width: float, max_size: float, font: str) -> float:
    widest = max(pdfmetrics.stringWidth(line, font, 1) for line in lines)
    return min(max_size, _quarter_down(max_width / widest))


def _quarter_down(size: float) -> float:
    # Down to a quarter point, so that a rounding error can never push a line over the edge.
    return math.floor(size * 4) / 4


def _balanced_lines(words: list[str], count: int, font: str) -> list[str]:
    """`words` on `count` lines, the widest line as narrow as it can be."""
    count = min(count, len(words))
    if count == 1:
        return [" ".join(words)]
    best: tuple[float, list[str]] | None = None
    for cut in range(1, len(words) - count + 2):
        lines = [" ".join(words[:cut]), *_balanced_lines(words[cut:], count - 1, font)]
        widest = max(pdfmetrics.stringWidth(line, font, 1) for line in lines)
        if best is None or widest < best[0]:
            best = (widest, lines)
    return best[1]


def _wrap_and_cut(
    words: list[str], max_width: float, size: float, font: str, max_lines: int
) -> tuple[str, ...]:
    lines: list[str] = []
    rest = list(words)
    while rest and len(lines) < max_lines - 1:
        take = 1
        while take < len(rest) and (
            pdfmetrics.stringWidth(" ".join(rest[: take + 1]), font, size) <= max_width
        ):
            take += 1
        lines.append(ellipsize(" ".join(rest[:take]), max_width, size, font))
        rest = rest[take:]
    if rest:
        lines.append(ellipsize(" ".join(rest), max_width, size, font))
    return tuple(lines)
