"""What organisers see afterwards: who was present, absent or walked in, per event and per
workshop, on the page and in the exports (with real date-times)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import openpyxl

from app.agenda import services as agenda
from app.attendance import services
from app.extensions import db
from app.programme import services as programme
from app.registration.services import RegistrationDetails


def test_presence_per_event_and_workshop_in_the_page_and_exports(make_event, make_user, register,
                                                                 client, auth):  # fmt: skip
    owner = make_user(name="Organisator")
    event = make_event(
        owner=owner, kind="themadag", status="draft", starts_in=timedelta(hours=1), hours=6
    )
    workshop = agenda.add_session(
        event,
        {
            "kind": "workshop",
            "title": "Geld",
            "starts_at": event.starts_at,
            "ends_at": event.starts_at + timedelta(hours=1),
        },
    )
    programme.publish_event(event)
    db.session.commit()
    anna, _bob = register(event, "Anna"), register(event, "Bob")
    from app.agenda import choices

    choices.choose_workshops(anna, [workshop.id])
    db.session.commit()
    services.check_in(anna.id, owner, session_id=workshop.id)
    services.walk_in(event, RegistrationDetails(name="Cem", email="cem@example.org"), [], owner)
    db.session.commit()

    auth.login(owner.email)
    page = client.get(f"/beheer/activiteiten/{event.id}/aanwezigheid").get_data(as_text=True)
    assert "2 van 3 aanwezig" in page and "1 binnenloper" in page
    assert "Geld</a>: 1 van 1" in page  # per session: present / with a place in it
    workshop_page = client.get(f"/beheer/activiteiten/{event.id}/aanwezigheid?sessie={workshop.id}")
    assert "1 van 1 aanwezig" in workshop_page.get_data(as_text=True)

    xlsx = client.get(f"/beheer/activiteiten/{event.id}/aanwezigheid.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Naam", "Organisatie", "E-mailadres", "Aanwezig")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Anna"][3] == "ja" and isinstance(by_name["Anna"][4], datetime)
    assert by_name["Bob"][3] == "nee" and by_name["Bob"][4] is None
    assert by_name["Cem"][7] == "ja"  # walked in
    assert rows[0][8].endswith("Geld") and isinstance(by_name["Anna"][8], datetime)
    assert by_name["Bob"][8] is None
    csv = client.get(f"/beheer/activiteiten/{event.id}/aanwezigheid.csv?sessie={workshop.id}")
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Anna;")
    assert client.get(f"/beheer/activiteiten/{event.id}/aanwezigheid?sessie=abc").status_code == 404


def test_organisers_choose_who_staffs_the_desk(make_event, make_user, client, auth):
    owner, desk_account = make_user(), make_user(role="checkin", name="Balie 1")
    stranger = make_user(role="organiser")
    event = make_event(owner=owner, starts_in=timedelta(hours=3))
    auth.login(owner.email)
    client.post(f"/beheer/activiteiten/{event.id}/balie",
                data={"staff": [str(desk_account.id), str(stranger.id), "x", "999999"]})  # fmt: skip
    assert services.staff_ids(event) == {desk_account.id}  # only desk accounts, only real ones
