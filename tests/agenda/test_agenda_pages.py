import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.agenda import choices
from app.agenda.models import Session, SessionChoice
from app.extensions import db
from app.registration.tokens import issue_manage_token
from app.timezones import to_local

LOCAL = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return to_local(moment).strftime(LOCAL)


@pytest.fixture
def app_config(base_config):
    return {**base_config, "WTF_CSRF_ENABLED": True}


def csrf_from(client, url) -> str:
    return re.search(
        r'name="csrf-token" content="([^"]+)"', client.get(url).get_data(as_text=True)
    ).group(1)


def login(client, user):
    token = csrf_from(client, "/beheer/inloggen")
    client.post(
        "/beheer/inloggen",
        data={"email": user.email, "password": "een-lang-wachtwoord", "csrf_token": token},
    )


def test_dragging_a_session_onto_an_occupied_room_is_flagged_then_undone(client, themadag):
    event, s, owner = themadag()
    login(client, owner)
    editor = f"/beheer/activiteiten/{event.id}/programma"
    token = csrf_from(client, editor)
    state = client.get(editor + ".json").get_json()
    assert state["conflicts"] == [] and {x["title"] for x in state["sessions"]} == {
        "Wonen",
        "Geld",
        "Slot",
    }
    geld = next(x for x in state["sessions"] if x["title"] == "Geld")

    body = {
        "starts_at": geld["starts_at"],
        "ends_at": geld["ends_at"],
        "room_id": s["wonen"].room_id,
    }
    refused = client.post(geld["move_url"], json=body)  # no CSRF header: refused
    assert refused.status_code == 400
    moved = client.post(geld["move_url"], json=body, headers={"X-CSRFToken": token})
    assert moved.status_code == 200
    after = moved.get_json()
    assert [c["rule"] for c in after["conflicts"]] == ["room_overlap"]
    assert {x["title"] for x in after["sessions"] if x["conflict"]} == {"Wonen", "Geld"}

    undo = {"starts_at": geld["starts_at"], "ends_at": geld["ends_at"], "room_id": geld["room_id"]}
    assert (
        client.post(geld["move_url"], json=undo, headers={"X-CSRFToken": token}).get_json()[
            "conflicts"
        ]
        == []
    )


def test_bad_json_gets_a_clear_json_400(client, themadag):
    event, s, owner = themadag()
    login(client, owner)
    token = csrf_from(client, f"/beheer/activiteiten/{event.id}/programma")
    url = f"/beheer/activiteiten/{event.id}/programma/{s['geld'].id}/verplaatsen"
    response = client.post(
        url, json={"starts_at": "morgen", "ends_at": "x"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400 and "Ongeldige tijd" in response.get_json()["error"]
    reversed_times = {"starts_at": local(s["geld"].ends_at), "ends_at": local(s["geld"].starts_at)}
    assert client.post(url, json=reversed_times, headers={"X-CSRFToken": token}).status_code == 400


def test_plain_forms_add_and_edit_sessions_without_javascript(client, themadag):
    event, s, owner = themadag(status="draft")
    login(client, owner)
    token = csrf_from(client, f"/beheer/activiteiten/{event.id}/programma/nieuw")
    start = event.starts_at + timedelta(hours=5)
    response = client.post(f"/beheer/activiteiten/{event.id}/programma/nieuw", data={
        "csrf_token": token, "kind": "break", "title": "Koffie", "starts_at": local(start),
        "ends_at": local(start + timedelta(minutes=15)), "room_id": "",
    })  # fmt: skip
    assert response.status_code == 302
    koffie = db.session.scalar(sa.select(Session).where(Session.title == "Koffie"))
    assert koffie.room_id is None
    bad = client.post(f"/beheer/activiteiten/{event.id}/programma/{koffie.id}", data={
        "csrf_token": token, "kind": "break", "title": "Koffie", "starts_at": local(start), "ends_at": local(start),
    })  # fmt: skip
    assert bad.status_code == 400 and "Het einde ligt na het begin." in bad.get_data(as_text=True)
    page = client.get(f"/beheer/activiteiten/{event.id}/programma").get_data(as_text=True)
    assert "Koffie" in page and "Geen conflicten." in page


def test_register_with_a_workshop_and_change_it_through_the_manage_link(client, themadag, mailbox):
    event, s, _owner = themadag(capacity_wonen=1)
    page = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert "Ronde 1" in page and "Wonen" in page and "Nog 1 plaats vrij" in page
    token = csrf_from(client, f"/activiteiten/{event.slug}")
    client.post(f"/activiteiten/{event.slug}/aanmelden", data={
        "csrf_token": token, "name": "Anna", "email": "anna@example.org", "privacy": "y", "ronde_1": str(s["wonen"].id),
    })  # fmt: skip
    [choice] = db.session.scalars(sa.select(SessionChoice)).all()
    assert choice.session_id == s["wonen"].id and choice.status == "confirmed"
    assert "Vol" in client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)

    registration = choice.registration
    link = issue_manage_token(registration)
    db.session.commit()
    manage = client.get(f"/aanmelding/{link}").get_data(as_text=True)
    assert "Uw workshops" in manage and "Wonen" in manage
    token = csrf_from(client, f"/aanmelding/{link}/workshops")
    client.post(
        f"/aanmelding/{link}/workshops", data={"csrf_token": token, "ronde_1": str(s["geld"].id)}
    )
    db.session.expire_all()
    assert [c.session.title for c in choices.choices_of(registration)] == ["Geld"]


def test_required_choice_is_asked_on_the_form(client, themadag):
    event, s, _owner = themadag(workshop_choice_required=True)
    token = csrf_from(client, f"/activiteiten/{event.slug}")
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data={
        "csrf_token": token, "name": "Anna", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    assert response.status_code == 400 and "Kies een workshop in deze ronde." in response.get_data(
        as_text=True
    )


def test_signature_list_for_workshop_leaders_has_only_confirmed_places(client, themadag, register):
    """On screen and as XLSX: who has a place in the workshop signs; its waiting list (Bram)
    and whoever only chose another workshop (Cas) are not on it."""
    import io

    event, s, owner = themadag(capacity_wonen=1)
    for name in ("Anna", "Bram"):
        choices.choose_workshops(register(event, name), [s["wonen"].id])
        db.session.commit()
    choices.choose_workshops(register(event, "Cas"), [s["geld"].id])
    db.session.commit()
    login(client, owner)
    html = client.get(
        f"/beheer/activiteiten/{event.id}/programma/{s['wonen'].id}/deelnemers"
    ).get_data(as_text=True)
    assert "Anna" in html and "Bram" not in html and "Cas" not in html
    xlsx = client.get(f"/beheer/activiteiten/{event.id}/programma/{s['wonen'].id}/deelnemers.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.get_data())).active.values)
    assert rows[0] == ("Naam", "Organisatie", "Functie", "Handtekening")
    assert [r[0] for r in rows[1:]] == ["Anna"]
    plenary = client.get(f"/beheer/activiteiten/{event.id}/programma/{s['slot'].id}/deelnemers")
    everyone = plenary.get_data(as_text=True)
    assert all(name in everyone for name in ("Anna", "Bram", "Cas"))
    rooms = client.get(f"/beheer/activiteiten/{event.id}/zalen").get_data(as_text=True)
    assert "Zaal 1.12" in rooms and "1 aangemeld" in rooms


def test_public_agenda_shows_changes_under_wijzigingen(client, themadag):
    from app.agenda import releases, working

    event, s, owner = themadag()
    working.edit(event, str(s["slot"].id), {"room_id": s["geld"].room_id}, by=owner)
    db.session.commit()
    assert "Wijzigingen" not in client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    releases.publish(event, by=owner)
    db.session.commit()
    html = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert "Wijzigingen" in html and "Slot: Aula → Zaal 1.14" in html
