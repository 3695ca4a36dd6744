"""The organiser's record of one registration: everything held, the mails sent, and the
actions (resend the link, cancel after a confirmation step that says who moves up, give a
place, move on the waiting list), each behind the same rules as before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agenda import choices
from app.agenda import services as agenda
from app.attendance.models import CheckIn
from app.certificates.models import Certificate
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.programme import services as programme
from app.registration import by_hand, person, questions, services
from app.registration.models import ManageToken, Registration
from app.registration.services import RegistrationDetails
from app.timezones import utcnow


def reread(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def mails(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
        )
    )  # fmt: skip


@pytest.fixture
def owner(make_user, auth):
    user = make_user(name="Olga Organisator")
    auth.login(user.email)
    return user


@pytest.fixture
def themadag(make_event, owner):
    """Capacity 1 at the event; one ronde with Wonen (1 place) and Geld."""
    event = make_event(owner=owner, kind="themadag", status="draft", hours=8, capacity=1,
                       catering=True)  # fmt: skip
    start = event.starts_at + timedelta(hours=1)
    room = agenda.add_room(event, {"name": "Zaal 1.12", "capacity": 1})
    sessions = {
        title: agenda.add_session(event, {"kind": "workshop", "title": title, "room_id": room.id if title == "Wonen" else None,
                                          "starts_at": start, "ends_at": start + timedelta(hours=1)})
        for title in ("Wonen", "Geld")
    }  # fmt: skip
    programme.add_accreditation(event, "SKJ", "SKJ-1", 2)
    question = questions.add_question(event, "Wat wilt u leren?", "text", [], False)
    programme.publish_event(event)
    db.session.commit()
    return event, sessions, question


def test_the_record_shows_everything_held_about_the_person(client, owner, themadag):
    event, sessions, question = themadag
    outcome = by_hand.add_by_hand(
        event.id,
        RegistrationDetails(name="Anna de Vries", email="anna.de.vries@example.org",
                            organisation="Wijkteam Oost", function="wijkverpleegkundige",
                            dietary_needs="geen noten", register_numbers={"SKJ": "123456789"},
                            answers={str(question.id): "Gespreksvoering"}, newsletter=True),
        [sessions["Wonen"].id], by=owner,
    )  # fmt: skip
    anna = outcome.registration
    db.session.add(CheckIn(registration_id=anna.id, method="qr", checked_in_by_id=owner.id))
    db.session.add(Certificate(registration_id=anna.id, event_id=event.id, number="KA-1111-1111-1",
                               holder_name="Anna de Vries", event_title=event.title,
                               event_kind=event.kind, event_starts_at=event.starts_at,
                               event_ends_at=event.ends_at, hours=1, points=[]))  # fmt: skip
    db.session.commit()
    failed = mails("anna.de.vries@example.org")[0]
    failed.status, failed.last_error = OutboxStatus.FAILED, "550 mailbox unavailable"
    db.session.commit()

    html = client.get(f"/beheer/aanmeldingen/{anna.id}").get_data(as_text=True)
    for held in ("Anna de Vries", "anna.de.vries@example.org", "Wijkteam Oost",
                 "wijkverpleegkundige", "geen noten", "Registratienummer SKJ", "123456789",
                 "Wat wilt u leren?", "Gespreksvoering", "Wonen", "Zaal 1.12",
                 "met de hand, door Olga Organisator", "Nieuwsbrief", "gevraagd op", "nog niet bevestigd",
                 "QR-code", "KA-1111-1111-1", "Aanmelding bevestigd", "Bevestiging van de aanmelding",
                 "mislukt", "550 mailbox unavailable"):  # fmt: skip
        assert held in html, held


def test_the_record_shows_waiting_list_places_of_event_and_workshop(
    client, owner, themadag, register
):
    event, sessions, _question = themadag
    first = register(event, "Bram")
    choices.choose_workshops(first, [sessions["Wonen"].id])
    db.session.commit()
    second = by_hand.add_by_hand(event.id, RegistrationDetails(name="Cas", email="cas@example.org"),
                                 [sessions["Wonen"].id], by=owner, beyond_capacity=True).registration  # fmt: skip
    db.session.commit()
    waiting = register(event, "Dirk")
    cas = client.get(f"/beheer/aanmeldingen/{second.id}").get_data(as_text=True)
    assert "wachtlijst, plaats 1" in cas and "boven de capaciteit" in cas
    dirk = client.get(f"/beheer/aanmeldingen/{waiting.id}").get_data(as_text=True)
    assert "op de wachtlijst, plaats 1" in dirk and "via het aanmeldformulier" in dirk


def test_breadcrumbs_lead_from_beheer_to_the_person(client, owner, make_event, register):
    event = make_event(owner=owner)
    anna = register(event, "Anna")
    html = client.get(f"/beheer/aanmeldingen/{anna.id}").get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Kruimelpad">(.*?)</nav>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", crumbs.group(1), re.S)
    texts = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
    assert texts == ["Beheer", "Activiteiten", event.title, "Aanmeldingen", "Anna"]
    assert 'aria-current="page"' in items[-1] and all("aria-current" not in i for i in items[:-1])


def test_a_person_from_someone_elses_event_is_not_shown(client, owner, make_event, register):
    other = make_event()
    stranger = register(other, "Zoë")
    assert client.get(f"/beheer/aanmeldingen/{stranger.id}").status_code == 403
    assert client.get("/beheer/aanmeldingen/999999").status_code == 404


# --- resending the link ----------------------------------------------------------------------


def test_resending_mails_a_new_link_and_keeps_the_old_ones_unless_asked(
    client, owner, make_event, register
):
    event = make_event(owner=owner)
    anna = register(event, "Anna")
    old = db.session.scalars(sa.select(ManageToken).where(ManageToken.registration_id == anna.id)).all()  # fmt: skip
    response = client.post(f"/beheer/aanmeldingen/{anna.id}/link-opnieuw")
    assert response.status_code == 302 and response.location.endswith(
        f"/beheer/aanmeldingen/{anna.id}"
    )
    sent = mails("anna@example.org")[-1]
    assert sent.kind == "manage_link" and "opnieuw uw persoonlijke link" in sent.text_body
    assert "/aanmelding/" in sent.text_body
    db.session.expire_all()
    assert all(t.revoked_at is None for t in old)

    client.post(f"/beheer/aanmeldingen/{anna.id}/link-opnieuw", data={"stop_earlier": "y"})
    db.session.expire_all()
    tokens = db.session.scalars(sa.select(ManageToken).where(ManageToken.registration_id == anna.id)).all()  # fmt: skip
    standing = [t for t in tokens if t.revoked_at is None]
    assert standing and all(t.created_at >= old[-1].created_at for t in standing)
    assert all(t.revoked_at is not None for t in tokens if t.id in {o.id for o in old})
    assert "Eerdere links" in mails("anna@example.org")[-1].text_body
    page = client.get(f"/beheer/aanmeldingen/{anna.id}").get_data(as_text=True)
    assert "Persoonlijke link" in page


def test_a_cancelled_registration_gets_no_link(client, owner, make_event, register):
    event = make_event(owner=owner)
    anna = register(event, "Anna")
    services.cancel(anna.id, by="attendee")
    db.session.commit()
    assert client.post(f"/beheer/aanmeldingen/{anna.id}/link-opnieuw").status_code == 409


# --- cancelling, after a confirmation step -----------------------------------------------------


def test_cancel_asks_first_and_says_who_moves_up(client, owner, make_event, register):
    event = make_event(owner=owner, capacity=1)
    anna, bram, cas = register(event, "Anna"), register(event, "Bram"), register(event, "Cas")
    page = client.get(f"/beheer/aanmeldingen/{anna.id}/annuleren")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and reread(anna).is_confirmed  # asking changes nothing
    assert "Bram, nu plaats 1 op de wachtlijst, krijgt de plaats en een e-mail." in html
    assert "Cas" not in html and "anna@example.org" in html
    assert mails("bram@example.org")[-1].kind == "registration_waitlisted"

    done = client.post(f"/beheer/aanmeldingen/{anna.id}/annuleren", data={"terug": "persoon"})
    assert done.location.endswith(f"/beheer/aanmeldingen/{anna.id}")
    assert reread(anna).is_cancelled and reread(bram).is_confirmed and reread(cas).waitlist_position == 1  # fmt: skip
    assert mails("bram@example.org")[-1].kind == "registration_promoted"
    assert mails("anna@example.org")[-1].kind == "registration_cancelled"


def test_the_preview_is_what_cancelling_does_for_the_event_and_its_workshops(
    owner, themadag, register
):
    event, sessions, _question = themadag
    anna = register(event, "Anna")
    choices.choose_workshops(anna, [sessions["Wonen"].id])
    db.session.commit()  # (each step its own transaction, as each request is)
    bram = by_hand.add_by_hand(event.id, RegistrationDetails(name="Bram", email="bram@example.org"),
                               [sessions["Wonen"].id], by=owner, beyond_capacity=True).registration  # fmt: skip
    db.session.commit()
    cas = register(event, "Cas")

    # Over capacity (2 places taken of 1): Anna leaving frees no place at the event, but her
    # place in Wonen goes to Bram, first on its waiting list.
    preview = person.cancel_preview(anna)
    assert preview.moves_up == [] and preview.stays_full
    assert [(s.title, r.name) for s, r in preview.workshop_moves] == [("Wonen", "Bram")]
    from app.activity import services as activity

    activity.cancel_registration(anna.id, by="organiser")
    db.session.commit()
    assert reread(cas).is_waitlisted
    assert [c.status for c in choices.choices_of(reread(bram))] == ["confirmed"]

    # Now Bram leaves: the event is at capacity minus one, so Cas moves up.
    preview = person.cancel_preview(reread(bram))
    assert [r.name for r in preview.moves_up] == ["Cas"] and not preview.stays_full
    activity.cancel_registration(bram.id, by="organiser")
    db.session.commit()
    assert reread(cas).is_confirmed


def test_cancelling_someone_waiting_says_who_moves_one_place_up(
    client, owner, make_event, register
):
    event = make_event(owner=owner, capacity=1)
    register(event, "Anna")
    bram = register(event, "Bram")
    register(event, "Cas")
    register(event, "Dirk")
    html = client.get(f"/beheer/aanmeldingen/{bram.id}/annuleren").get_data(as_text=True)
    assert "De 2 personen achter Bram op de wachtlijst schuiven een plaats op." in html


def test_no_confirmation_button_when_places_no_longer_move(client, owner, make_event, register):
    event = make_event(owner=owner)
    anna = register(event, "Anna")
    programme.cancel_event(event)
    db.session.commit()
    html = client.get(f"/beheer/aanmeldingen/{anna.id}/annuleren").get_data(as_text=True)
    assert "geannuleerd: plaatsen veranderen niet meer" in html and "Ja, annuleren" not in html
    assert client.post(f"/beheer/aanmeldingen/{anna.id}/annuleren").status_code == 409
    assert reread(anna).is_confirmed


def test_the_list_links_to_the_confirmation_instead_of_cancelling_at_once(
    client, owner, make_event, register
):
    event = make_event(owner=owner)
    anna = register(event, "Anna")
    html = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen").get_data(as_text=True)
    assert f'href="/beheer/aanmeldingen/{anna.id}/annuleren"' in html
    assert f'action="/beheer/aanmeldingen/{anna.id}/annuleren"' not in html
    assert f'href="/beheer/aanmeldingen/{anna.id}"' in html  # the name opens the record


# --- giving a place and moving, from the record ------------------------------------------------


def test_give_a_place_and_move_from_the_record_return_to_it(client, owner, make_event, register):
    event = make_event(owner=owner, capacity=1)
    register(event, "Anna")
    bram, cas = register(event, "Bram"), register(event, "Cas")
    moved = client.post(f"/beheer/aanmeldingen/{cas.id}/verplaatsen",
                        data={"position": "1", "terug": "persoon"})  # fmt: skip
    assert moved.location.endswith(f"/beheer/aanmeldingen/{cas.id}")
    assert reread(cas).waitlist_position == 1 and reread(bram).waitlist_position == 2
    bad = client.post(f"/beheer/aanmeldingen/{cas.id}/verplaatsen",
                      data={"position": "nul", "terug": "persoon"})  # fmt: skip
    assert bad.status_code == 400 and "<h1>Cas</h1>" in bad.get_data(as_text=True)
    given = client.post(f"/beheer/aanmeldingen/{cas.id}/plaats-geven", data={"terug": "persoon"})
    assert given.location.endswith(f"/beheer/aanmeldingen/{cas.id}")
    assert reread(cas).is_confirmed


def test_the_record_offers_no_place_moving_once_the_event_is_over(
    client, owner, make_event, register
):
    event = make_event(owner=owner, capacity=1, starts_at=utcnow() + timedelta(minutes=1))
    register(event, "Anna")
    bram = register(event, "Bram")
    event.starts_at, event.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=1)
    db.session.commit()
    html = client.get(f"/beheer/aanmeldingen/{bram.id}").get_data(as_text=True)
    assert "voorbij: plaatsen veranderen niet meer" in html
    assert "Plaats geven" not in html and "/annuleren" not in html
    assert client.post(f"/beheer/aanmeldingen/{bram.id}/plaats-geven").status_code == 409
