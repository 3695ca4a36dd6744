"""Organisers create, edit, publish, cancel and duplicate events through the organiser pages."""

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.programme.models import Event
from app.timezones import utcnow


def event_form(**overrides) -> dict:
    data = {
        "kind": "kenniscafe",
        "title": "Wat gaat er goed tussen generaties?",
        "summary": "Een avond over jong en oud.",
        "description": "Lector en praktijk in gesprek.",
        "starts_at": "2030-03-12T19:30",
        "ends_at": "2030-03-12T21:30",
        "venue_name": "Wijkcentrum De Schakel",
        "address": "Thijmstraat 40",
        "city": "Nijmegen",
        "capacity": "40",
        "contact_email": "werkplaats@example.org",
    }
    data.update(overrides)
    return data


def test_organiser_creates_publishes_and_sees_event_on_programme(
    client, auth, make_user, make_theme
):
    theme = make_theme("Intergenerationele overdracht")
    organiser = make_user()
    auth.login(organiser.email)
    response = client.post("/beheer/activiteiten/nieuw", data=event_form(themes=[str(theme.id)]))
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert event.is_draft and event.themes == [theme]
    assert event.starts_at.isoformat() == "2030-03-12T18:30:00+00:00"  # 19.30 Amsterdam, stored UTC
    assert event.title not in client.get("/").get_data(as_text=True)

    client.post(f"/beheer/activiteiten/{event.id}/publiceren")
    html = client.get("/").get_data(as_text=True)
    assert event.title in html and "dinsdag 12 maart 2030, 19.30–21.30 uur" in html


def test_invalid_event_form_keeps_the_input_and_says_what_is_wrong(client, auth, make_user):
    auth.login(make_user().email)
    response = client.post(
        "/beheer/activiteiten/nieuw",
        data=event_form(ends_at="2030-03-12T18:00", capacity="-5", online_url="geen url"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Het einde ligt na het begin." in html
    assert 'value="Wat gaat er goed tussen generaties?"' in html  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_time_that_does_not_exist_in_amsterdam_is_refused(client, auth, make_user):
    auth.login(make_user().email)
    response = client.post(
        "/beheer/activiteiten/nieuw",
        data=event_form(starts_at="2030-03-31T02:30", ends_at="2030-03-31T04:00"),
    )
    assert response.status_code == 400
    assert "Dit tijdstip bestaat niet" in response.get_data(as_text=True)


def test_organiser_edits_own_event(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner)
    auth.login(owner.email)
    form = client.get(f"/beheer/activiteiten/{event.id}").get_data(as_text=True)
    assert event.title in form
    response = client.post(
        f"/beheer/activiteiten/{event.id}", data=event_form(title="Nieuwe titel")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Nieuwe titel"


def test_cancel_asks_for_confirmation_then_cancels(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner)
    auth.login(owner.email)
    page = client.get(f"/beheer/activiteiten/{event.id}/annuleren").get_data(as_text=True)
    assert "Weet u zeker" in page
    db.session.expire_all()
    assert db.session.get(Event, event.id).is_published  # asking changed nothing
    client.post(f"/beheer/activiteiten/{event.id}/annuleren")
    db.session.expire_all()
    assert db.session.get(Event, event.id).is_cancelled
    again = client.post(f"/beheer/activiteiten/{event.id}/annuleren")
    assert again.status_code == 409
    assert "al geannuleerd" in again.get_data(as_text=True)


def test_duplicate_makes_a_draft_on_the_new_date(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner, title="Maandelijks kenniscafé")
    auth.login(owner.email)
    new_start = (utcnow() + timedelta(days=60)).astimezone().strftime("%Y-%m-%dT19:30")
    response = client.post(
        f"/beheer/activiteiten/{event.id}/dupliceren", data={"starts_at": new_start}
    )
    assert response.status_code == 302
    copies = db.session.scalars(sa.select(Event).where(Event.id != event.id)).all()
    assert len(copies) == 1 and copies[0].is_draft and copies[0].title == "Maandelijks kenniscafé"


def test_accreditation_is_added_and_removed(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner)
    auth.login(owner.email)
    client.post(f"/beheer/activiteiten/{event.id}/accreditaties",
                data={"register": "SKJ", "accreditation_id": "SKJ-1", "points": "2.5"})  # fmt: skip
    assert "SKJ: 2,5 punten" in client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    bad = client.post(f"/beheer/activiteiten/{event.id}/accreditaties",
                      data={"register": "SKJ", "accreditation_id": "", "points": "x"})  # fmt: skip
    assert bad.status_code == 400
    db.session.expire_all()
    accreditation = db.session.get(Event, event.id).accreditations[0]
    client.post(f"/beheer/activiteiten/{event.id}/accreditaties/{accreditation.id}/verwijderen")
    assert "SKJ-1" not in client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)


def test_admin_assigns_organisers_but_never_none(client, auth, make_user, make_event):
    admin, owner, colleague = make_user("admin"), make_user(), make_user()
    event = make_event(owner=owner)
    auth.login(admin.email)
    response = client.post(
        f"/beheer/activiteiten/{event.id}", data=event_form(organisers=[str(colleague.id)])
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [u.id for u in db.session.get(Event, event.id).organisers] == [colleague.id]
    response = client.post(f"/beheer/activiteiten/{event.id}", data=event_form())
    assert response.status_code == 400
    assert "minstens één organisator" in response.get_data(as_text=True)


def test_admin_manages_themes_and_users(client, auth, make_user):
    auth.login(make_user("admin").email)
    client.post("/beheer/themas/nieuw", data={"name": "Jeugd en gezin", "description": "Opvoeden."})
    assert "Jeugd en gezin" in client.get("/themas").get_data(as_text=True)
    client.post(
        "/beheer/themas/jeugd-en-gezin", data={"name": "Jeugd en gezin", "description": "Nieuw."}
    )
    assert "Nieuw." in client.get("/themas/jeugd-en-gezin").get_data(as_text=True)

    response = client.post("/beheer/gebruikers/nieuw", data={
        "name": "Joost", "email": "joost@example.org", "role": "checkin", "password": "lang-genoeg-1",
    })  # fmt: skip
    assert response.status_code == 302
    duplicate = client.post("/beheer/gebruikers/nieuw", data={
        "name": "Joost", "email": "JOOST@example.org", "role": "checkin", "password": "lang-genoeg-1",
    })  # fmt: skip
    assert duplicate.status_code == 400 and "bestaat al" in duplicate.get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(client, auth, make_user):
    admin = make_user("admin")
    auth.login(admin.email)
    response = client.post(
        f"/beheer/gebruikers/{admin.id}", data={"name": "X", "role": "organiser"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(type(admin), admin.id).is_admin
