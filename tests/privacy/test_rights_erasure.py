"""Erasure through the confirmed link: in one transaction a place that may still move goes to
the first waiting (who is told), every registration is anonymised, certificates are kept
verifiable or revoked as the person chooses, and nothing else of the person is left."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agenda import choices as agenda_choices
from app.agenda import services as agenda
from app.agenda.models import SessionChoice
from app.certificates import services as certificates
from app.certificates.models import Certificate
from app.extensions import db
from app.privacy.audit import Action
from app.privacy.models import AuditEntry, Consent
from app.privacy.retention import ANONYMOUS_DOMAIN
from app.privacy.rights import ERASED_REASON, THEMSELVES
from app.programme import services as programme
from app.programme.models import EventKind, EventStatus
from app.registration.models import Participant, Registration
from app.registration.tokens import issue_manage_token
from app.timezones import utcnow
from tests.privacy.test_person_data import ANNA_EMAIL, _rows_naming, world  # noqa: F401
from tests.privacy.test_rights_link import rights_token


def erase(client, participant, choice: str | None = None):
    token = rights_token(participant)
    data = {"certificates": choice} if choice else {}
    response = client.post(f"/mijn-gegevens/{token}/wissen", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/mijn-gegevens/gewist" in response.location
    db.session.expire_all()
    return response


def test_the_first_waiting_gets_the_place_and_is_told(client, mailbox, make_event, register):
    event = make_event(capacity=1)
    anna = register(event, "Anna de Vries")
    bob = register(event, "Bob Bakker")
    assert bob.is_waitlisted
    mailbox.clear()
    erase(client, anna.participant)
    bob = db.session.get(Registration, bob.id)
    assert bob.is_confirmed and bob.waitlist_position is None
    messages = mailbox.wait_for(1)
    assert [m["To"] for m in messages] == ["bob.bakker@example.org"]
    assert messages[0]["Subject"].startswith("Er is een plaats voor u")
    anna = db.session.get(Registration, anna.id)
    assert anna.is_cancelled and anna.participant.email.endswith("@" + ANONYMOUS_DOMAIN)
    assert anna.name == "" and anna.cancelled_by == "attendee"


def test_a_workshop_place_goes_to_the_first_waiting_for_it(client, make_event, register):
    event = make_event(kind=EventKind.THEMADAG, capacity=None)
    workshop = agenda.add_session(event, {"kind": "workshop", "title": "W", "capacity": 1,
                                          "starts_at": event.starts_at, "ends_at": event.ends_at})  # fmt: skip
    db.session.commit()
    anna, carol = register(event, "Anna de Vries"), register(event, "Carol Smit")
    for person in (anna, carol):
        agenda_choices.choose_workshops(person, [workshop.id])
        db.session.commit()
    erase(client, anna.participant)
    [choice] = db.session.scalars(sa.select(SessionChoice)).all()
    assert (choice.registration_id, choice.status) == (carol.id, "confirmed")


def _in_phase(event, phase: str) -> None:
    now = utcnow()
    if phase == "draft":
        event.status = EventStatus.DRAFT  # no service makes this (a draft holds no one)
    elif phase == "started":
        event.starts_at, event.ends_at = now - timedelta(hours=1), now + timedelta(hours=1)
    elif phase == "over":
        event.starts_at, event.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    elif phase == "cancelled":
        programme.cancel_event(event)
    db.session.commit()


@pytest.mark.parametrize(("phase", "anna_after", "bob_after"), [
    ("published", "cancelled", "confirmed"),  # places move: the first waiting gets Anna's
    ("draft", "confirmed", "waitlisted"),  # places never move in a draft
    ("started", "confirmed", "waitlisted"),  # nor once it has begun: the day's record stands
    ("over", "confirmed", "waitlisted"),
    ("cancelled", "confirmed", "waitlisted"),
])  # fmt: skip
def test_each_phase_of_the_event_decides_whether_places_move(
    client, mailbox, make_event, register, phase, anna_after, bob_after
):
    event = make_event(capacity=1)
    anna, bob = register(event, "Anna de Vries"), register(event, "Bob Bakker")
    _in_phase(event, phase)
    mailbox.clear()
    erase(client, anna.participant)
    anna, bob = db.session.get(Registration, anna.id), db.session.get(Registration, bob.id)
    assert (anna.status, bob.status) == (anna_after, bob_after)
    # Anonymised in every phase: the counts stay, the person goes.
    assert anna.participant.email == f"{anna.id}@{ANONYMOUS_DOMAIN}" and anna.name == ""
    told = [m["To"] for m in mailbox.wait_for(1 if bob_after == "confirmed" else 0, timeout=2)]
    assert told == (["bob.bakker@example.org"] if phase == "published" else [])


def test_the_confirmation_page_says_what_happens_per_event(client, make_event, register):
    coming, over = make_event(title="Komt nog"), make_event(title="Was al")
    anna = register(coming, "Anna de Vries")
    register(over, "Anna de Vries", email=anna.participant.email, newsletter=True)
    _in_phase(over, "over")
    page = client.get(f"/mijn-gegevens/{rights_token(anna.participant)}/wissen").get_data(
        as_text=True
    )
    assert "de plaats gaat naar de eerste op de wachtlijst" in page
    assert "aan de plaatsen verandert niets meer" in page
    assert "1 toestemming wordt ingetrokken en verwijderd." in page
    assert "Wissen kan niet ongedaan worden gemaakt." in page
    assert 'name="certificates"' not in page  # no certificate: no choice to make


@pytest.fixture
def certified(evening):
    """Anna attended an evening that is over and has her certificate (and an older one that
    a name correction replaced)."""
    day = evening()
    anna = day.people["Anna"]
    first = certificates.issue(anna.id, day.owner)
    db.session.commit()
    anna.name = "Anna de Vries-Bos"
    db.session.commit()
    current = certificates.follow_name(anna)
    db.session.commit()
    return anna, first.number, current.number


def test_a_certificate_kept_stays_verifiable_with_the_name(client, certified):
    anna, old, number = certified
    page = client.get(f"/mijn-gegevens/{rights_token(anna.participant)}/wissen").get_data(
        as_text=True
    )
    assert number in page and 'name="certificates"' in page
    erase(client, anna.participant, "keep")
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.number == number))
    assert certificate.is_valid and certificate.holder_name == "Anna de Vries-Bos"
    assert certificate.register_numbers == {"Registerplein": "461012345"}
    verified = client.get(f"/certificaat/{number}").get_data(as_text=True)
    assert "Geldig" in verified and "Anna de Vries-Bos" in verified
    # The replaced one verifies nothing of hers: its holder's data goes either way.
    replaced = db.session.scalar(sa.select(Certificate).where(Certificate.number == old))
    assert replaced.holder_name == "" and replaced.register_numbers == {}


def test_a_certificate_revoked_says_so_without_the_name(client, certified):
    anna, _old, number = certified
    erase(client, anna.participant, "revoke")
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.number == number))
    assert not certificate.is_valid and certificate.revoked_reason == ERASED_REASON
    assert certificate.holder_name == "" and certificate.register_numbers == {}
    verified = client.get(f"/certificaat/{number}")
    text = verified.get_data(as_text=True)
    assert "Ingetrokken" in text and "Anna de Vries" not in text
    assert client.get(f"/certificaat/{number}", headers={"Accept": "application/json"}).json[
        "status"] == "revoked"  # fmt: skip


def test_with_certificates_the_choice_must_be_made(client, certified):
    anna, _old, _number = certified
    token = rights_token(anna.participant)
    response = client.post(f"/mijn-gegevens/{token}/wissen", data={})
    assert response.status_code == 400
    assert "Kies wat er met de bewijzen van deelname gebeurt." in response.get_data(as_text=True)
    assert db.session.get(Participant, anna.participant_id) is not None


def test_nothing_of_the_person_is_left_but_what_a_role_keeps(client, world):  # noqa: F811
    participant = world.anna.participant
    person_id, registration_ids = participant.id, {r.id for r in participant.registrations}
    manage = issue_manage_token(world.anna_later)
    db.session.commit()
    token = rights_token(participant)
    client.post(f"/mijn-gegevens/{token}/wissen", data={"certificates": "revoke"})
    db.session.expire_all()
    assert db.session.get(Participant, person_id) is None
    # What still names her: only what is kept for a role (a speaker, an organiser's account,
    # a theme's contact, a work team's lead), which an organiser changes or removes.
    naming = _rows_naming(-1, set(), [ANNA_EMAIL, "anna de vries"])
    assert set(naming) == {"speakers", "speaker_edits", "users", "themes", "work_teams"}
    # Her registrations stay for the counts, each with an anonymous participant of its own.
    for registration_id in registration_ids:
        registration = db.session.get(Registration, registration_id)
        assert registration.participant.email == f"{registration_id}@{ANONYMOUS_DOMAIN}"
    # Nothing points at her record any more, except the log's bare ids.
    pointing = _rows_naming(person_id, set(), [])
    assert set(pointing) <= {"audit_entries"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent).where(
        Consent.participant_id == person_id)) == 0  # fmt: skip
    assert client.get(f"/aanmelding/{manage}").status_code == 404
    assert client.get(f"/mijn-gegevens/{token}").status_code == 404
    # Bob, at the same events, keeps everything.
    bob = db.session.get(Registration, world.bob.id)
    assert bob.name == "Bob Bakker" and bob.participant.email == "bob.bakker@example.org"


def test_erasure_is_logged_as_the_persons_own_and_ends_on_a_page_without_data(client, make_event,
                                                                              register):  # fmt: skip
    anna = register(make_event(), "Anna de Vries", language="en")
    person_id = anna.participant_id
    response = erase(client, anna.participant)
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.action, entry.user_id, entry.on_request_of) == (Action.ERASED, None, THEMSELVES)
    assert entry.participant_id == person_id and "1 aanmelding " in entry.detail
    page = client.get(response.location).get_data(as_text=True)
    assert "Your data has been erased" in page  # in the language of her pages
    assert client.get("/mijn-gegevens/gewist").status_code == 200
