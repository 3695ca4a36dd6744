"""QR codes (segno): an SVG for pages, a PNG for mails. Level M: a phone camera still reads
one off a cracked screen or a creased print-out."""

from __future__ import annotations

import io

import segno


def _qr(data: str) -> segno.QRCode:
    return segno.make(data, error="m", micro=False)


def qr_svg(data: str, title: str = "") -> str:
    return _qr(data).svg_inline(scale=6, border=4, svgclass="qr", title=title or None,
                                dark="#000", light="#fff")  # fmt: skip


def qr_png(data: str) -> bytes:
    out = io.BytesIO()
    _qr(data).save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def draw_qr(canvas, data: str, x: float, y: float, side: float) -> None:
    """The QR code of `data` as vector on a reportlab canvas, its dark square exactly at
    (x, y, side × side), the quiet zone left to the caller. One filled path of horizontal runs
    of dark modules: a fraction of the shapes of one rectangle per module, a third of the time
    for a sheet of badges."""
    matrix = _qr(data).matrix
    unit = side / len(matrix)
    path = canvas.beginPath()
    for row_number, row in enumerate(matrix):
        top = y + side - (row_number + 1) * unit
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(x + start * unit, top, (column - start) * unit, unit)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
