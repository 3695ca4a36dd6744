"""The registrations export: a column per ronde with the workshop chosen ("wachtlijst: …"
while waiting for it) and the status; an XLSX with a bold, frozen header, a filter, sensible
widths and real dates, read back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.agenda import choices
from app.agenda import services as agenda
from app.extensions import db
from app.programme import services as programme
from app.registration import exports, services
from app.timezones import to_local


@pytest.fixture
def themadag(make_event, make_user, register):
    """Two rondes; Wonen has one place, so the second to choose it waits."""
    owner = make_user()
    event = make_event(owner=owner, kind="themadag", status="draft", hours=8, capacity=10)
    first, second = (event.starts_at + timedelta(hours=h) for h in (1, 3))
    small = agenda.add_room(event, {"name": "Zaal 1.12", "capacity": 1})

    def workshop(title, start, room=None):
        return agenda.add_session(event, {"kind": "workshop", "title": title, "starts_at": start,
                                          "ends_at": start + timedelta(hours=1),
                                          "room_id": room.id if room else None})  # fmt: skip

    s = {"wonen": workshop("Wonen", first, small), "geld": workshop("Geld", first),
         "zorg": workshop("Zorg", second), "werk": workshop("Werk", second)}  # fmt: skip
    programme.publish_event(event)
    db.session.commit()
    anna, bram, cas = register(event, "Anna"), register(event, "Bram"), register(event, "Cas")
    choices.choose_workshops(anna, [s["wonen"].id, s["zorg"].id])
    db.session.commit()
    choices.choose_workshops(bram, [s["wonen"].id])
    db.session.commit()
    services.cancel(cas.id, by="attendee")
    db.session.commit()
    return event, owner


def test_a_column_per_ronde_with_the_workshop_or_its_waiting_list(themadag):
    event, _owner = themadag
    header, *rows = exports.registration_rows(event)
    rondes = [h for h in header if str(h).startswith("Ronde")]
    assert len(rondes) == 2 and "–" in rondes[0]
    first, second = header.index(rondes[0]), header.index(rondes[1])
    by_name = {row[0]: row for row in rows}
    assert (by_name["Anna"][first], by_name["Anna"][second]) == ("Wonen", "Zorg")
    assert (by_name["Bram"][first], by_name["Bram"][second]) == ("wachtlijst: Wonen", "")
    assert by_name["Cas"][header.index("Status")] == "afgemeld"
    assert by_name["Anna"][header.index("Status")] == "aangemeld"


def test_the_xlsx_has_a_bold_frozen_filtered_header_widths_and_real_dates(client, auth, themadag):
    event, owner = themadag
    auth.login(owner.email)
    response = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header = [c.value for c in sheet[1]]
    assert all(c.font.bold for c in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}"
    widths = {c: sheet.column_dimensions[c].width for c in ("A", "B")}
    assert 8 <= widths["A"] <= 60 and widths["B"] >= len("bram@example.org")
    registered = sheet.cell(2, header.index("Aangemeld op") + 1)
    assert isinstance(registered.value, datetime) and registered.is_date
    assert registered.number_format == exports.DATE_TIME_FORMAT
    anna = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Anna")
    stored = to_local(
        next(r for r in services.active_registrations(event) if r.name == "Anna").created_at
    )
    assert anna[header.index("Aangemeld op")].value == stored.replace(
        tzinfo=None, second=0, microsecond=0
    )
    assert [c.value for c in anna if c.value in ("Wonen", "Zorg")] == ["Wonen", "Zorg"]


def test_the_csv_has_the_same_columns_with_dates_as_text(client, auth, themadag):
    event, owner = themadag
    auth.login(owner.email)
    text = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen.csv").get_data(as_text=True)
    header, *lines = [line.split(";") for line in text.lstrip("\ufeff").splitlines()]
    assert sum(h.startswith("Ronde") for h in header) == 2
    anna = next(line for line in lines if line[0] == "Anna")
    registered = anna[header.index("Aangemeld op")]
    assert datetime.strptime(registered, "%Y-%m-%d %H:%M")
    assert "wachtlijst: Wonen" in text
