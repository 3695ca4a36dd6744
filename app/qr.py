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
