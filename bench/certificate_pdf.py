"""Benchmark: one bewijs van deelname (app/certificates/pdf.py) against a bare reportlab page.

    python -m bench.certificate_pdf                  # 50 rounds, no logo or signature
    python -m bench.certificate_pdf --look png       # with a PNG logo and signature (or: svg)
    python -m bench.certificate_pdf --runs 200 --profile

(a) the project's path: `certificate_pdf(content, look)` for a themadag with five sessions and
two accreditations, in a fresh app context each time, as in a request (translated labels,
fitting names and titles, laying out the page, the QrCodeWidget, the images);
(b) the yardstick: a bare reportlab canvas that draws the very same strings — recorded from
one run of (a) — with drawString at the same fixed positions in the same embedded DejaVu
fonts and sizes, the same QrCodeWidget of the same URL, the same images drawn with drawImage
(an SVG through svglib), and the same document properties; no translating, no fitting, no
layout, no rules. Run in turn, so load from elsewhere falls on both. Goal: (a) within 1.5x of
(b); above it, a cProfile of (a) shows where the time goes."""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import time

GOAL = 1.5
ORGANISATION = "Werkplaats Sociaal Domein Rivierenland"


def make_app():
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench",
                       "RATELIMIT_ENABLED": False})  # fmt: skip


def sample(kind: str):
    """The content and look of a typical certificate; `kind` picks the images (none/png/svg)."""
    from app.certificates.content import CertificateContent, Look, PointsLine, SessionLine

    programme = [
        ("09.30–10.15", "Opening en keynote: de wijk als leeromgeving"),
        ("10.30–12.00", "Workshop 2: Signaleren en doorverwijzen bij zorgen over thuissituaties"),
        ("13.00–13.45", "Plenaire afsluiting met panel"),
        ("13.45–14.30", "Workshop 5: Samenwerken met ouders"),
        ("14.45–15.15", "Lezing: Wat werkt in de jeugdhulp?"),
    ]
    content = CertificateContent(
        language="nl", holder_name="Şükrü Çelik",
        register_numbers=[("Registerplein", "461012345"), ("SKJ", "110012345")],
        event_title="Studiedag Jeugdzorg en Onderwijs: samen sterker in de wijk",
        event_kind="Themadag", event_when="donderdag 10 december 2026, 09.30–16.30 uur",
        event_place="Hogeschool Utrecht, Heidelberglaan 15, Utrecht",
        sessions=[SessionLine(title, when) for when, title in programme], hours="4,5",
        points=[PointsLine("Registerplein", "RP-2026-004512", "4,5"),
                PointsLine("SKJ", "SKJ-79123", "4")],
        issued_on="vrijdag 11 december 2026", number="KA-7K3M-Q9TX-C",
        verify_url="https://kennisagenda.example/certificaten/controleer/KA-7K3M-Q9TX-C",
    )  # fmt: skip
    look = Look(ORGANISATION, "dr. A.M. (Anne) de Boer", "Lector Jeugd en Gezin")
    if kind == "png":
        look = Look(ORGANISATION, look.signatory_name, look.signatory_function,
                    _png(600, 200), "image/png", _png(500, 160), "image/png")  # fmt: skip
    elif kind == "svg":
        look = Look(
            ORGANISATION, look.signatory_name, look.signatory_function, SVG, "image/svg+xml"
        )
    return content, look


def _png(width: int, height: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((10, 10, height - 10, height - 10), fill=(10, 79, 122, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" width="300" height="100">
<rect x="0" y="10" width="80" height="80" rx="16" fill="#0a4f7a"/>
<rect x="100" y="25" width="180" height="14" fill="#0a4f7a"/></svg>"""


# --- (a) the project's path ----------------------------------------------------------------


def project_pdf(app, content, look) -> bytes:
    from app.certificates.pdf import certificate_pdf

    with app.app_context():
        return certificate_pdf(content, look)


# --- (b) the yardstick ---------------------------------------------------------------------


def recorded_page(app, content, look) -> list[tuple]:
    """What (a) draws, as ("text", font, size, x, y, string) and ("image", …) operations, taken
    from one run by a canvas that writes down its calls."""
    import app.certificates.pdf as pdf
    from app.certificates import look as look_module

    operations: list[tuple] = []

    class Recording(pdf.Canvas):
        def drawString(self, x, y, text, *args, **kwargs):
            operations.append(("text", self._fontname, self._fontsize, x, y, text))
            return super().drawString(x, y, text, *args, **kwargs)

        def drawCentredString(self, x, y, text, *args, **kwargs):
            width = self.stringWidth(text, self._fontname, self._fontsize)
            operations.append(("text", self._fontname, self._fontsize, x - width / 2, y, text))
            return super().drawCentredString(x, y, text, *args, **kwargs)

        def drawRightString(self, x, y, text, *args, **kwargs):
            width = self.stringWidth(text, self._fontname, self._fontsize)
            operations.append(("text", self._fontname, self._fontsize, x - width, y, text))
            return super().drawRightString(x, y, text, *args, **kwargs)

    drawn_images: list[tuple] = []
    original_draw_image = look_module.draw_image

    def recording_draw_image(canvas, data, mimetype, x, y, max_w, max_h, **kwargs):
        drawn_images.append(("image", data, mimetype, x, y, max_w, max_h))
        return original_draw_image(canvas, data, mimetype, x, y, max_w, max_h, **kwargs)

    original_canvas = pdf.Canvas
    pdf.Canvas, pdf.draw_image = Recording, recording_draw_image
    try:
        project_pdf(app, content, look)
    finally:
        pdf.Canvas, pdf.draw_image = original_canvas, original_draw_image
    return operations + drawn_images


def bare_pdf(operations: list[tuple], url: str, title: str, author: str) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas
    from svglib.svglib import svg2rlg

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, lang="nl")
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(title)
    canvas.setCreator("Kennisagenda")
    for operation in operations:
        if operation[0] == "text":
            _, font, size, x, y, text = operation
            canvas.setFont(font, size)
            canvas.drawString(x, y, text)
            continue
        _, data, mimetype, x, y, width, height = operation
        if mimetype == "image/svg+xml":
            drawing = svg2rlg(io.BytesIO(data))
            scale = min(width / drawing.width, height / drawing.height)
            canvas.saveState()
            canvas.translate(x, y)
            canvas.scale(scale, scale)
            renderPDF.draw(drawing, canvas, 0, 0)
            canvas.restoreState()
        else:
            canvas.drawImage(ImageReader(io.BytesIO(data)), x, y, width, height, mask="auto")
    side = 24 * mm
    qr = Drawing(side, side)
    qr.add(QrCodeWidget(url, barLevel="M", barBorder=0, barWidth=side, barHeight=side))
    renderPDF.draw(qr, canvas, A4[0] - 25 * mm - side, 20 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- measuring -----------------------------------------------------------------------------


def timed(build) -> float:
    gc.collect()
    started = time.perf_counter()
    build()
    return time.perf_counter() - started


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def profile(build, runs: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        build()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def run(kind: str, runs: int, always_profile: bool, top: int) -> None:
    print("What: one certificate PDF through certificate_pdf (a), against a bare reportlab page "
          f"with the same strings, fonts, QrCodeWidget and images (b). Goal: (a) within {GOAL}x "
          "of (b).")  # fmt: skip
    print(f"machine             {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before "
          "the start: (a) and (b) take turns; read the ratio")  # fmt: skip
    app = make_app()
    content, look = sample(kind)
    operations = recorded_page(app, content, look)
    title = f"Bewijs van deelname – {content.holder_name} – {content.event_title}"

    def ours():
        return project_pdf(app, content, look)

    def bare():
        return bare_pdf(operations, content.verify_url, title, look.organisation_name)

    ours_pdf, bare_bytes = ours(), bare()  # warm-up, and the outputs
    project, baseline = [], []
    for _ in range(runs):  # in turn, so a busy neighbour slows both alike
        project.append(timed(ours))
        baseline.append(timed(bare))

    ms = 1000
    ratio = statistics.median(project) / statistics.median(baseline)
    paired = statistics.median(a / b for a, b in zip(project, baseline, strict=True))
    texts = sum(1 for operation in operations if operation[0] == "text")
    images = len(operations) - texts
    print(f"page                {texts} strings drawn, {images} image{'' if images == 1 else 's'} "
          f"(--look {kind}), one QR code")  # fmt: skip
    print(f"runs                {runs} of each, in turn, after one warm-up; load average "
          f"{os.getloadavg()[0]:.1f} at the end")  # fmt: skip
    for label, values, body in (
        ("(a) project", project, ours_pdf),
        ("(b) bare", baseline, bare_bytes),
    ):
        print(f"{label:<19} median {statistics.median(values) * ms:6.2f} ms   p90 "
              f"{p90(values) * ms:6.2f} ms   min {min(values) * ms:6.2f} ms   {len(body):,} bytes")  # fmt: skip
    print(f"ratio (a)/(b)       {ratio:.2f}x of the medians (run by run: {paired:.2f}x; fastest "
          f"runs: {min(project) / min(baseline):.2f}x)  goal: within {GOAL}x -> "
          f"{'met' if ratio <= GOAL else 'NOT met'}")  # fmt: skip
    if ratio > GOAL or always_profile:
        print(f"\ncProfile of (a), {min(runs, 20)} runs:")
        print(profile(ours, min(runs, 20), top))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )  # fmt: skip
    parser.add_argument("--look", choices=["none", "png", "svg"], default="none",
                        help="the logo and signature: none (the organisation's name in type), "
                             "a PNG logo and signature, or an SVG logo (none)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=50, help="timed runs of each (50)")
    parser.add_argument(
        "--profile", action="store_true", help="print the profile even when the goal is met"
    )
    parser.add_argument("--top", type=int, default=15, help="profile lines to show (15)")
    args = parser.parse_args()
    run(args.look, args.runs, args.profile, args.top)


if __name__ == "__main__":
    main()
