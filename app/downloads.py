"""A list of people as a file to download: CSV or XLSX, never cached (it holds personal data)."""

from __future__ import annotations

from flask import Response

from app.registration.exports import as_csv, as_xlsx

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet(rows: list[list], kind: str, name: str, title: str) -> Response:
    """`kind` is "csv" or "xlsx" (the routes allow only those); `name` without extension."""
    body = as_csv(rows) if kind == "csv" else as_xlsx(rows, title=title)
    return Response(
        body,
        content_type=CONTENT_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{kind}"',
            "Cache-Control": "no-store",
        },
    )
