"""The editor's release pages through HTTP: the working copy's state JSON, the publish page with
its summary, the refusal on the editor itself, discarding."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.agenda import working
from app.agenda.models import AgendaRelease, Session, SessionDraft
from app.extensions import db
from app.timezones import to_local

LOCAL = "%Y-%m-%dT%H:%M"


def local(moment) -> str:
    return to_local(moment).strftime(LOCAL)


def test_the_state_json_shows_the_working_copy_and_its_summary(client, auth, themadag):
    event, s, owner = themadag()
    auth.login(owner.email)
    url = f"/beheer/activiteiten/{event.id}/programma"
    slot = s["slot"]
    for minutes in (5, 10, 15):  # three presses, one net change
        moved = client.post(f"{url}/{slot.id}/verplaatsen", json={
            "starts_at": local(slot.starts_at - timedelta(minutes=minutes)),
            "ends_at": local(slot.ends_at - timedelta(minutes=minutes)), "room_id": slot.room_id})  # fmt: skip
        assert moved.status_code == 200
    state = moved.get_json()
    shown = next(x for x in state["sessions"] if x["id"] == str(slot.id))
    assert shown["changed"] and not shown["new"] and state["event"]["working_copy"]
    assert state["changes"] == 1 and state["summary"][0].startswith("Slot: ")
    assert db.session.get(Session, slot.id).starts_at == slot.starts_at  # the release stands

    new = client.post(f"{url}/nieuw", data={
        "kind": "break", "title": "Koffie", "starts_at": local(event.starts_at),
        "ends_at": local(event.starts_at + timedelta(minutes=15)), "room_id": ""})  # fmt: skip
    assert new.status_code == 302
    state = client.get(f"{url}.json").get_json()
    koffie = next(x for x in state["sessions"] if x["title"] == "Koffie")
    assert koffie["id"].startswith("w") and koffie["new"] and koffie["attendance_url"] is None
    assert client.get(koffie["edit_url"]).status_code == 200
    assert client.post(koffie["remove_url"]).status_code == 302  # never released: deleted
    assert state["changes"] == 2


def test_a_new_session_form_is_prefilled_from_the_grid(client, auth, themadag):
    event, s, owner = themadag()
    auth.login(owner.email)
    start = event.starts_at + timedelta(hours=5)
    page = client.get(f"/beheer/activiteiten/{event.id}/programma/nieuw", query_string={
        "starts_at": local(start), "room_id": s["wonen"].room_id}).get_data(as_text=True)  # fmt: skip
    assert f'value="{local(start)}"' in page
    # The end: start + the length last used on this agenda (an hour, the fixture's).
    assert f'value="{local(start + timedelta(hours=1))}"' in page
    assert f'<option selected value="{s["wonen"].room_id}">' in page
    nonsense = client.get(f"/beheer/activiteiten/{event.id}/programma/nieuw",
                          query_string={"starts_at": "gisteren", "room_id": "x"})  # fmt: skip
    assert nonsense.status_code == 200


def test_publishing_with_a_conflict_is_refused_on_the_editor_with_the_list(client, auth, themadag):
    event, s, owner = themadag()
    working.move(event, str(s["geld"].id), s["geld"].starts_at, s["geld"].ends_at,
                 s["wonen"].room_id, by=owner)  # fmt: skip
    db.session.commit()
    auth.login(owner.email)
    url = f"/beheer/activiteiten/{event.id}/programma/publiceren"

    for answer in (client.get(url), client.post(url, data={"note": "toch maar"})):
        page = answer.get_data(as_text=True)
        assert answer.status_code == 409
        assert 'id="publiceren-geweigerd"' in page and "tegelijk in Zaal 1.12" in page
        assert 'id="timetable"' in page  # the editor itself, not a bare error page
    assert db.session.scalars(sa.select(AgendaRelease)).all() == []


def test_the_publish_page_shows_who_each_line_concerns_then_publishes(
    client, auth, themadag, register
):
    event, s, owner = themadag()
    register(event, "Anna")
    register(event, "Bram")
    working.edit(event, str(s["slot"].id), {"title": "Slot en borrel"}, by=owner)
    db.session.commit()
    auth.login(owner.email)
    url = f"/beheer/activiteiten/{event.id}/programma/publiceren"

    page = client.get(url).get_data(as_text=True)
    assert "Slot en borrel: nieuwe titel (was: Slot)" in page and "2 personen" in page
    done = client.post(url, data={"note": "Met borrel"}, follow_redirects=True)

    assert "Versie 2 gepubliceerd; berichten verstuurd: 2." in done.get_data(as_text=True)
    assert db.session.scalar(sa.select(AgendaRelease.note)) == "Met borrel"
    assert client.post(url).status_code == 409  # nothing left to publish


def test_discarding_asks_then_empties_the_working_copy(client, auth, themadag):
    event, s, owner = themadag()
    working.cancel(event, str(s["geld"].id), by=owner)
    db.session.commit()
    auth.login(owner.email)
    url = f"/beheer/activiteiten/{event.id}/programma/verwerpen"
    assert "Geschrapt: Geld" in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 302
    assert db.session.scalars(sa.select(SessionDraft)).all() == []


def test_a_draft_event_has_no_release_pages(client, auth, themadag):
    event, _s, owner = themadag(status="draft")
    auth.login(owner.email)
    for path in ("publiceren", "verwerpen"):
        assert client.get(f"/beheer/activiteiten/{event.id}/programma/{path}").status_code == 409


def test_unknown_working_copy_keys_are_404(client, auth, themadag):
    event, _s, owner = themadag()
    auth.login(owner.email)
    for key in ("w999", "abc", "99999", "w", "w1x"):
        assert client.get(f"/beheer/activiteiten/{event.id}/programma/{key}").status_code == 404


def test_a_cancellation_in_the_working_copy_can_be_put_back(client, auth, themadag):
    event, s, owner = themadag()
    auth.login(owner.email)
    url = f"/beheer/activiteiten/{event.id}/programma"
    assert client.post(f"{url}/{s['geld'].id}/schrappen").status_code == 302
    geld = next(x for x in client.get(f"{url}.json").get_json()["sessions"] if x["title"] == "Geld")
    assert geld["cancelled"] and geld["remove_label"] == "Terugzetten"
    assert client.post(geld["remove_url"]).status_code == 302
    state = client.get(f"{url}.json").get_json()
    assert state["changes"] == 0 and not any(x["cancelled"] for x in state["sessions"])
