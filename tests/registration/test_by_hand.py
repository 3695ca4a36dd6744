"""An organiser adds a phone or e-mail sign-up by hand: the public form's fields and rules under
the event's lock, an explicit choice to give a place beyond capacity (recorded), a choice
whether to mail, and clear refusals when the event is in no state to take anyone."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agenda import services as agenda
from app.agenda.choices import choices_of
from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import by_hand, services
from app.registration.models import Registration
from app.registration.services import RegistrationDetails
from app.timezones import utcnow


def details(name: str = "Anna", **more) -> RegistrationDetails:
    return RegistrationDetails(name=name, email=f"{name.lower()}@example.org", **more)


def mails_to(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == email))
    )


@pytest.fixture
def organiser(make_user):
    return make_user(name="Olga Organisator")


def test_by_hand_gives_a_place_records_who_added_it_and_mails_a_confirmation(make_event, organiser):
    event = make_event(owner=organiser, capacity=2)
    outcome = by_hand.add_by_hand(event.id, details(), [], by=organiser)
    db.session.commit()
    registration = outcome.registration
    assert registration.is_confirmed and not outcome.beyond_capacity
    assert registration.entered_by_id == organiser.id and registration.beyond_capacity is False
    assert [m.kind for m in mails_to("anna@example.org")] == ["registration_confirmed"]


def test_a_full_event_puts_them_on_the_waiting_list_as_for_anyone(make_event, organiser, register):
    event = make_event(owner=organiser, capacity=1)
    register(event, "Bram")
    outcome = by_hand.add_by_hand(event.id, details(), [], by=organiser)
    db.session.commit()
    assert outcome.registration.is_waitlisted and outcome.registration.waitlist_position == 1
    assert outcome.registration.beyond_capacity is False
    assert [m.kind for m in mails_to("anna@example.org")] == ["registration_waitlisted"]


def test_the_organisers_choice_gives_a_place_beyond_capacity_and_records_it(
    make_event, organiser, register
):
    event = make_event(owner=organiser, capacity=1)
    register(event, "Bram")
    waiting = register(event, "Cas")
    outcome = by_hand.add_by_hand(event.id, details(), [], by=organiser, beyond_capacity=True)
    db.session.commit()
    anna = outcome.registration
    assert outcome.beyond_capacity and anna.is_confirmed and anna.beyond_capacity is True
    assert anna.entered_by_id == organiser.id and anna.waitlist_position is None
    db.session.refresh(waiting)
    assert waiting.is_waitlisted and waiting.waitlist_position == 1  # nobody ahead lost a place
    assert services.status_counts(event)["confirmed"] == 2
    assert [m.kind for m in mails_to("anna@example.org")] == ["registration_confirmed"]


def test_the_choice_changes_nothing_while_places_are_left(make_event, organiser):
    event = make_event(owner=organiser, capacity=5)
    outcome = by_hand.add_by_hand(event.id, details(), [], by=organiser, beyond_capacity=True)
    assert outcome.registration.is_confirmed and outcome.registration.beyond_capacity is False


def test_no_mail_when_the_organiser_says_so(make_event, organiser):
    event = make_event(owner=organiser)
    outcome = by_hand.add_by_hand(event.id, details(), [], by=organiser, tell=False)
    db.session.commit()
    assert outcome.registration.is_confirmed and not outcome.mailed
    assert mails_to("anna@example.org") == []


def test_an_address_registered_already_changes_nothing_and_mails_nobody(
    make_event, organiser, register
):
    event = make_event(owner=organiser, capacity=1)
    first = register(event, "Anna")
    before = len(mails_to("anna@example.org"))
    outcome = by_hand.add_by_hand(
        event.id, RegistrationDetails(name="Iemand", email=" ANNA@example.org "), [], by=organiser
    )
    db.session.commit()
    assert outcome.already_registered and outcome.registration.id == first.id
    assert outcome.registration.name == "Anna" and outcome.registration.entered_by_id is None
    assert len(mails_to("anna@example.org")) == before


def test_someone_who_cancelled_can_be_added_again(make_event, organiser, register):
    event = make_event(owner=organiser)
    anna = register(event, "Anna")
    services.cancel(anna.id, by="attendee")
    db.session.commit()
    outcome = by_hand.add_by_hand(event.id, details(), [], by=organiser)
    db.session.commit()
    assert outcome.registration.id == anna.id and outcome.registration.is_confirmed
    assert outcome.registration.entered_by_id == organiser.id


@pytest.mark.parametrize(
    "state, words",
    [
        ({"status": "draft"}, "nog een concept"),
        ({"status": "cancelled"}, "geannuleerd"),
        ({"starts_in": timedelta(minutes=-30), "hours": 2}, "balie"),
        ({"starts_in": timedelta(days=-2)}, "voorbij"),
    ],
)
def test_lifecycle_edges_are_refused_with_a_clear_message(
    make_event, organiser, client, auth, state, words
):
    event = make_event(owner=organiser, **state)
    with pytest.raises(by_hand.AddingRefused) as refused:
        by_hand.add_by_hand(event.id, details(), [], by=organiser)
    assert words in str(refused.value.description)
    db.session.rollback()

    auth.login(organiser.email)
    page = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen/nieuw")
    assert page.status_code == 200 and words in page.get_data(as_text=True)
    assert 'name="email"' not in page.get_data(as_text=True)  # no form to fill in for nothing
    posted = client.post(
        f"/beheer/activiteiten/{event.id}/aanmeldingen/nieuw",
        data={"name": "Anna", "email": "anna@example.org", "privacy": "y", "language": "nl"},
    )
    assert posted.status_code == 409 and words in posted.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_an_organiser_adds_a_late_sign_up_after_the_form_has_closed(make_event, organiser):
    event = make_event(owner=organiser, registration_closes_at=utcnow() - timedelta(hours=1))
    outcome = by_hand.add_by_hand(event.id, details(), [], by=organiser)
    assert outcome.registration.is_confirmed and outcome.registration.entered_by_id == organiser.id


# --- through the organiser's form ----------------------------------------------------------


@pytest.fixture
def themadag(make_event, organiser):
    event = make_event(owner=organiser, kind="themadag", status="draft", hours=8, capacity=1,
                       catering=True)  # fmt: skip
    room = agenda.add_room(event, {"name": "Zaal 1.12", "capacity": 1})
    start = event.starts_at + timedelta(hours=1)
    wonen = agenda.add_session(event, {"kind": "workshop", "title": "Wonen", "room_id": room.id,
                                       "starts_at": start, "ends_at": start + timedelta(hours=1)})  # fmt: skip
    agenda.add_session(event, {"kind": "workshop", "title": "Geld", "starts_at": start,
                               "ends_at": start + timedelta(hours=1)})  # fmt: skip
    from app.programme import services as programme
    from app.registration import questions

    programme.add_accreditation(event, "Registerplein", "RP-1", 2)
    question = questions.add_question(event, "Wat is uw vraag?", "text", [], True)
    programme.publish_event(event)
    db.session.commit()
    return event, wonen, question


def test_the_form_asks_what_the_public_form_asks_and_refuses_what_it_refuses(
    client, auth, organiser, themadag
):
    event, wonen, question = themadag
    auth.login(organiser.email)
    url = f"/beheer/activiteiten/{event.id}/aanmeldingen/nieuw"
    page = client.get(url).get_data(as_text=True)
    for asked in ("Wat is uw vraag?", "Registratienummer Registerplein", "Dieetwensen",
                  "Wonen", "Plaats geven, ook als de activiteit vol is",
                  "Stuur een bevestiging per e-mail"):  # fmt: skip
        assert asked in page, asked
    assert "checked" in re.search(r"<input[^>]*send_mail[^>]*>", page).group(0)  # mail: on
    assert "checked" not in re.search(r"<input[^>]*beyond_capacity[^>]*>", page).group(0)
    refused = client.post(url, data={"name": "Anna", "email": "anna@example.org", "language": "nl"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Wat is uw vraag?" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_the_form_adds_with_workshop_answers_and_details_and_shows_the_record(
    client, auth, organiser, themadag
):
    event, wonen, question = themadag
    auth.login(organiser.email)
    response = client.post(
        f"/beheer/activiteiten/{event.id}/aanmeldingen/nieuw",
        data={"name": "Anna de Vries", "email": "anna@example.org", "organisation": "Wijkteam",
              "privacy": "y", "language": "en", f"question_{question.id}": "Over wonen",
              "dietary_needs": "vegetarisch", "ronde_1": str(wonen.id), "send_mail": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration))
    assert response.location.endswith(f"/beheer/aanmeldingen/{registration.id}")
    assert registration.language == "en" and registration.dietary_needs == "vegetarisch"
    assert registration.answers == {str(question.id): "Over wonen"}
    assert [c.session.title for c in choices_of(registration)] == ["Wonen"]
    assert registration.entered_by_id == organiser.id
    page = client.get(response.location).get_data(as_text=True)
    assert "Anna de Vries heeft een plaats." in page and "Er gaat een bevestiging" in page
    assert [m.kind for m in mails_to("anna@example.org")] == ["registration_confirmed"]


def test_the_form_without_mail_and_with_a_place_beyond_capacity(
    client, auth, organiser, themadag, register
):
    event, _wonen, question = themadag
    register(event, "Bram", answers={str(question.id): "x"})
    auth.login(organiser.email)
    response = client.post(
        f"/beheer/activiteiten/{event.id}/aanmeldingen/nieuw",
        data={"name": "Anna", "email": "anna@example.org", "privacy": "y", "language": "nl",
              f"question_{question.id}": "x", "beyond_capacity": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    anna = db.session.scalar(sa.select(Registration).where(Registration.name == "Anna"))
    assert anna.is_confirmed and anna.beyond_capacity
    page = client.get(response.location).get_data(as_text=True)
    assert "boven de capaciteit" in page and "Er is geen e-mail verstuurd." in page
    assert mails_to("anna@example.org") == []


# --- under a rush ----------------------------------------------------------------------------


def _slow_count(monkeypatch):
    """Widen the window between counting the places and taking one: without the event's lock,
    both would see the last place free."""
    counted = services.seats_left

    def slow(event):
        left = counted(event)
        time.sleep(0.3)
        return left

    monkeypatch.setattr(services, "seats_left", slow)


def _two_at_once(app, event_id: int, organiser_id: int, beyond: list[bool]) -> list[str]:
    from app.accounts.models import User

    barrier = threading.Barrier(len(beyond))
    errors: list[BaseException] = []

    def add(i: int, beyond_capacity: bool) -> None:
        try:
            with app.app_context():
                organiser = db.session.get(User, organiser_id)
                barrier.wait(timeout=10)
                by_hand.add_by_hand(event_id, details(f"Rush{i}"), [], by=organiser,
                                    beyond_capacity=beyond_capacity, tell=False)  # fmt: skip
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(i, b)) for i, b in enumerate(beyond)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    return sorted(
        db.session.scalars(sa.select(Registration.status).where(Registration.event_id == event_id))
    )


def test_two_organisers_at_once_for_the_last_place_give_one_place_and_one_waiting(
    app, make_event, organiser, monkeypatch
):
    event = make_event(owner=organiser, capacity=1)
    _slow_count(monkeypatch)
    assert _two_at_once(app, event.id, organiser.id, [False, False]) == ["confirmed", "waitlisted"]


def test_at_once_with_the_organisers_choice_both_get_a_place_one_beyond_capacity(
    app, make_event, organiser, monkeypatch
):
    event = make_event(owner=organiser, capacity=1)
    _slow_count(monkeypatch)
    assert _two_at_once(app, event.id, organiser.id, [True, True]) == ["confirmed", "confirmed"]
    beyond = db.session.scalars(sa.select(Registration.beyond_capacity)).all()
    assert sorted(beyond) == [False, True]  # the one that took the last place is not beyond it


def test_a_place_given_to_a_waiting_person_over_capacity_is_recorded(make_event, register):
    event = make_event(capacity=1)
    register(event, "Bram")
    cas = register(event, "Cas")
    services.promote_by_hand(cas.id)
    db.session.commit()
    assert cas.is_confirmed and cas.beyond_capacity is True


def test_a_cancelled_registration_taken_up_again_starts_afresh(make_event, organiser):
    event = make_event(owner=organiser, capacity=1)
    first = by_hand.add_by_hand(event.id, details(), [], by=organiser, beyond_capacity=True)
    db.session.commit()
    services.cancel(first.registration.id, by="participant")
    db.session.commit()
    again = services.register(event.id, details()).registration  # through the public form
    db.session.commit()
    assert again.id == first.registration.id
    assert again.entered_by_id is None and again.beyond_capacity is False
