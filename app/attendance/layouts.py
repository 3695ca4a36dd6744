"""Sheets of self-adhesive labels for name badges, as data: A4, sizes in millimetres.

Positions count from the page's top-left corner, the way label makers publish them. The
figures are Avery's published template dimensions; each sheet's margins and pitches add up
to exactly 210 × 297 mm.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelLayout:
    key: str
    label: str
    columns: int
    rows: int
    width: float  # one label
    height: float
    left: float  # page margin to the first label
    top: float
    column_pitch: float  # from one label's left (top) edge to the next one's
    row_pitch: float
    page_width: float = 210.0
    page_height: float = 297.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """(x, y) of label `index` (0-based, row by row) from the page's top-left, in mm."""
        if not 0 <= index < self.per_page:
            raise ValueError(f"{self.key} has labels 0…{self.per_page - 1}, not {index}")
        row, column = divmod(index, self.columns)
        return self.left + column * self.column_pitch, self.top + row * self.row_pitch


LAYOUTS: dict[str, LabelLayout] = {
    layout.key: layout
    for layout in (
        LabelLayout(
            key="L7163",
            label="Avery L7163 (2 × 7, 99,1 × 38,1 mm)",
            columns=2,
            rows=7,
            width=99.1,
            height=38.1,
            left=4.65,
            top=15.15,
            column_pitch=101.6,
            row_pitch=38.1,
        ),
        LabelLayout(
            key="L7165",
            label="Avery L7165 (2 × 4, 99,1 × 67,7 mm)",
            columns=2,
            rows=4,
            width=99.1,
            height=67.7,
            left=4.65,
            top=13.07,
            column_pitch=101.6,
            row_pitch=67.7,
        ),
        # Avery L7173 and its look-alikes (J8173, L7173B): 10 per sheet, no gap between rows.
        LabelLayout(
            key="2x5",
            label="Avery L7173 (2 × 5, 99,1 × 57 mm)",
            columns=2,
            rows=5,
            width=99.1,
            height=57.0,
            left=4.65,
            top=6.0,
            column_pitch=101.6,
            row_pitch=57.0,
        ),
    )
}
