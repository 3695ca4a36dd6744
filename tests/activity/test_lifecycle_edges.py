"""Every edge of an event's life, for every action that moves places: nothing moves in a
draft, a cancelled, a started or a past event, nor into a cancelled session."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activity import services as activity
from app.agenda import choices
from app.agenda import services as agenda
from app.agenda.models import SessionChoice
from app.errors import StateConflict
from app.extensions import db
from app.programme import lifecycle
from app.programme.models import Event
from app.registration import services as registration
from app.timezones import utcnow
from tests.activity.conftest import mails
from tests.conftest import local


def _full_event_with_one_waiting(make_event, register):
    event = make_event(capacity=1)
    anna, bram = register(event, "Anna"), register(event, "Bram")
    assert anna.is_confirmed and bram.is_waitlisted
    return event, anna, bram


def _move_start(event, delta: timedelta) -> None:
    """Put the event's start `delta` from now, straight in the database (time passing)."""
    length = event.ends_at - event.starts_at
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(
        starts_at=utcnow() + delta, ends_at=utcnow() + delta + length))  # fmt: skip
    db.session.commit()
    db.session.expire_all()


def test_cancel_on_cancelled_event_promotes_nobody(make_event, register):
    event, anna, bram = _full_event_with_one_waiting(make_event, register)
    activity.cancel_event(db.session.get(Event, event.id))
    db.session.commit()
    with pytest.raises(StateConflict, match="geannuleerd"):
        activity.cancel_registration(anna.id, by="attendee")
    db.session.rollback()
    assert db.session.get(type(bram), bram.id).is_waitlisted
    assert mails("registration_promoted") == []


def test_nobody_is_promoted_into_a_cancelled_event_even_when_asked(make_event, register):
    event, _anna, bram = _full_event_with_one_waiting(make_event, register)
    activity.cancel_event(db.session.get(Event, event.id))
    db.session.commit()
    event = db.session.get(Event, event.id)
    event.capacity = 10
    assert registration.promote_from_waitlist(event) == []
    with pytest.raises(StateConflict):
        registration.promote_by_hand(bram.id)


@pytest.mark.parametrize("action", ["cancel", "promote", "move"])
def test_organiser_actions_move_no_place_once_the_event_is_cancelled(make_event, register, action):
    event, anna, bram = _full_event_with_one_waiting(make_event, register)
    activity.cancel_event(db.session.get(Event, event.id))
    db.session.commit()
    calls = {
        "cancel": lambda: activity.cancel_registration(anna.id, by="organiser"),
        "promote": lambda: registration.promote_by_hand(bram.id),
        "move": lambda: registration.move_on_waitlist(bram.id, 1),
    }
    with pytest.raises(StateConflict):
        calls[action]()


@pytest.mark.parametrize(
    "start", [timedelta(hours=-1), timedelta(days=-2)], ids=["started", "over"]
)
def test_places_do_not_move_once_the_event_has_started_or_is_over(make_event, register, start):
    event, anna, bram = _full_event_with_one_waiting(make_event, register)
    _move_start(event, start)
    assert not lifecycle.places_may_move(db.session.get(Event, event.id))
    with pytest.raises(StateConflict):
        activity.cancel_registration(anna.id, by="attendee")
    db.session.rollback()
    assert db.session.get(type(bram), bram.id).is_waitlisted


def test_lifecycle_names_every_phase(make_event):
    assert lifecycle.phase(make_event(status="draft")) == lifecycle.Phase.DRAFT
    assert lifecycle.phase(make_event()) == lifecycle.Phase.OPEN
    assert lifecycle.phase(make_event(status="cancelled")) == lifecycle.Phase.CANCELLED
    event = make_event()
    assert lifecycle.phase(event, event.starts_at) == lifecycle.Phase.STARTED
    assert lifecycle.phase(event, event.ends_at) == lifecycle.Phase.OVER


def test_manage_page_explains_a_cancelled_event_and_offers_no_cancel(client, make_event, register):
    from app.registration.tokens import issue_manage_token

    event, anna, _bram = _full_event_with_one_waiting(make_event, register)
    token = issue_manage_token(anna)
    activity.cancel_event(db.session.get(Event, event.id))
    db.session.commit()
    page = client.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert "u hoeft niets te doen" in page
    assert f"/aanmelding/{token}/afmelden" not in page
    response = client.post(f"/aanmelding/{token}/afmelden")
    assert response.status_code == 409 and "u hoeft niets te doen" in response.get_data(
        as_text=True
    )


# --- workshops -----------------------------------------------------------------------------


def _workshop_full_with_one_waiting(themadag, register):
    event, s, owner = themadag(capacity_wonen=1)
    anna, bram = register(event, "Anna"), register(event, "Bram")
    choices.choose_workshops(anna, [s["wonen"].id])
    choices.choose_workshops(bram, [s["wonen"].id])
    db.session.commit()
    return event, s, anna, bram


def _choice(registration, session):
    return db.session.scalar(sa.select(SessionChoice).where(
        SessionChoice.registration_id == registration.id, SessionChoice.session_id == session.id))  # fmt: skip


def test_changing_workshops_on_a_cancelled_event_is_refused(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    activity.cancel_event(db.session.get(Event, event.id))
    db.session.commit()
    with pytest.raises(StateConflict):
        choices.choose_workshops(anna, [s["geld"].id])
    db.session.rollback()
    assert _choice(bram, s["wonen"]).status == "waitlisted"
    assert mails("workshop_place") == []


def test_cancelled_workshop_ends_choices_and_waitlist(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    agenda.cancel_session(s["wonen"])
    db.session.commit()
    assert _choice(anna, s["wonen"]) is None and _choice(bram, s["wonen"]) is None
    told = sorted(m.recipient for m in mails("workshop_cancelled"))
    assert told == ["anna@example.org", "bram@example.org"]  # each once
    assert mails("workshop_place") == []
    # ... and they may choose another workshop of that ronde.
    assert choices.choose_workshops(anna, [s["geld"].id]).confirmed == [s["geld"]]


def test_nobody_is_promoted_into_a_cancelled_workshop(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    agenda.cancel_session(s["wonen"])
    s["wonen"].capacity = 50
    assert choices.promote_workshop_waitlist(s["wonen"]) == []


def test_raising_room_capacity_promotes_first_waiting(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    agenda.update_room(s["wonen"].room, {"capacity": 2})
    db.session.commit()
    assert _choice(bram, s["wonen"]).status == "confirmed"
    assert [m.recipient for m in mails("workshop_place")] == ["bram@example.org"]


def test_raising_session_capacity_promotes_first_waiting(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    agenda.update_session(s["wonen"], {"capacity": 2})
    db.session.commit()
    assert _choice(bram, s["wonen"]).status == "confirmed"


def test_a_newcomer_never_takes_a_workshop_place_someone_waits_for(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    # A place appears without the service (as a capacity raised by hand in the database).
    db.session.execute(sa.update(type(s["wonen"].room)).where(type(s["wonen"].room).id == s["wonen"].room_id)
                       .values(capacity=2))  # fmt: skip
    db.session.commit()
    carla = register(event, "Carla")
    outcome = choices.choose_workshops(carla, [s["wonen"].id])
    assert outcome.waitlisted == [s["wonen"]]


def test_a_workshop_that_becomes_a_plenary_session_ends_its_choices(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    agenda.update_session(s["wonen"], {"kind": "plenary"})
    db.session.commit()
    assert _choice(anna, s["wonen"]) is None and _choice(bram, s["wonen"]) is None


def test_cancelling_a_registration_frees_its_workshop_place_for_the_first_waiting(
    themadag, register
):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    assert _choice(bram, s["wonen"]).status == "confirmed"


# --- rescheduling, drafts ------------------------------------------------------------------


def test_rescheduling_moves_the_agenda(themadag, register):
    event, s, _owner = themadag()
    register(event, "Anna")
    before = {name: (x.starts_at, x.ends_at) for name, x in s.items()}
    event = registration.locked(register(event, "Bram").id)[1]
    week = timedelta(days=7)
    activity.update_event(
        event, {"starts_at": event.starts_at + week, "ends_at": event.ends_at + week}
    )
    db.session.commit()
    for name, session in s.items():
        db.session.refresh(session)
        assert (session.starts_at, session.ends_at) == (
            before[name][0] + week,
            before[name][1] + week,
        )
    assert [c for c in agenda.conflicts(event) if c.rule == "outside_event"] == []
    assert sorted(m.recipient for m in mails("event_changed")) == [
        "anna@example.org",
        "bram@example.org",
    ]
    from app.agenda.changes import pending_changes

    assert pending_changes(event) == []  # recorded, and not announced a second time


def test_cancelling_a_draft_is_refused_it_is_deleted_instead(make_event, client, auth):
    draft = make_event(status="draft")
    draft_id = draft.id
    with pytest.raises(StateConflict):
        activity.cancel_event(draft)
    db.session.rollback()
    assert db.session.get(Event, draft.id).is_draft
    auth.login(draft.organisers[0].email)
    assert client.get(f"/beheer/activiteiten/{draft.id}/verwijderen").status_code == 200
    assert client.post(f"/beheer/activiteiten/{draft.id}/verwijderen").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Event.id).where(Event.id == draft_id)) is None


def test_a_published_event_is_not_deleted(make_event):
    event = make_event()
    from app.programme import services as programme

    with pytest.raises(StateConflict):
        programme.delete_draft(event)


def test_unpublishing_returns_an_event_without_registrations_to_draft(make_event, client):
    event = make_event()
    activity.unpublish_event(event)
    db.session.commit()
    assert event.is_draft
    assert client.get(f"/activiteiten/{event.slug}").status_code == 404


def test_an_event_with_registrations_cannot_be_unpublished(make_event, register):
    event = make_event()
    registration.cancel(register(event, "Anna").id, by="attendee")  # even a cancelled one
    db.session.commit()
    with pytest.raises(StateConflict):
        activity.unpublish_event(event)


# --- found in review -----------------------------------------------------------------------


def test_deleting_a_draft_takes_its_agenda_and_questions_along(themadag, client, auth):
    from app.agenda.models import AgendaChange, Room, Session
    from app.registration import questions
    from app.registration.models import Question

    event, s, owner = themadag(status="draft")
    questions.add_question(event, "Komt u met de fiets?", "yes_no", [], False)
    db.session.commit()
    auth.login(owner.email)
    assert client.post(f"/beheer/activiteiten/{event.id}/verwijderen").status_code == 302
    db.session.expire_all()
    for model in (Session, Room, Question, AgendaChange):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model


def test_the_confirmation_names_the_chosen_workshops(themadag, mailbox):
    from app.registration.services import RegistrationDetails

    event, s, _owner = themadag(capacity_wonen=1)
    activity.register(
        event.id, RegistrationDetails(name="Anna", email="anna@example.org"), [s["wonen"].id]
    )
    activity.register(
        event.id, RegistrationDetails(name="Bram", email="bram@example.org"), [s["wonen"].id]
    )
    db.session.commit()
    [anna] = [m for m in mails("registration_confirmed") if m.recipient == "anna@example.org"]
    [bram] = [m for m in mails("registration_confirmed") if m.recipient == "bram@example.org"]
    assert "Uw workshops:" in anna.text_body and "Wonen (Zaal 1.12)" in anna.text_body
    assert "Wonen – wachtlijst" in bram.text_body


def test_a_required_workshop_choice_is_a_service_rule_whoever_registers(themadag):
    from app.errors import DomainError
    from app.registration.services import RegistrationDetails

    event, s, _owner = themadag()
    event.workshop_choice_required = True
    db.session.commit()
    anna = RegistrationDetails(name="Anna", email="anna@example.org")
    with pytest.raises(DomainError):
        activity.register(event.id, anna, [])
    db.session.rollback()
    activity.register(event.id, anna, [s["geld"].id])
    db.session.commit()
    with pytest.raises(DomainError):  # the same refusal for a known address: it reveals nothing
        activity.register(event.id, anna, [])


def test_cancelling_a_workshop_after_the_start_keeps_who_was_in_it(themadag, register):
    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    _move_start(event, timedelta(minutes=-30))
    agenda.cancel_session(s["wonen"])
    db.session.commit()
    assert _choice(anna, s["wonen"]).status == "confirmed"
    assert mails("workshop_cancelled") == []


def test_an_event_that_has_started_cannot_be_cancelled(make_event):
    event = make_event()
    _move_start(event, timedelta(minutes=-5))
    with pytest.raises(StateConflict):
        activity.cancel_event(db.session.get(Event, event.id))


def test_a_longer_day_does_not_move_the_agenda(themadag):
    # A fixed morning start: an hour earlier stays the same day whatever the clock says now.
    event, s, _owner = themadag(starts_at=local(2027, 3, 10, 9, 30))
    before = s["wonen"].starts_at
    activity.update_event(event, {"starts_at": event.starts_at - timedelta(hours=1)})
    db.session.commit()
    db.session.refresh(s["wonen"])
    assert s["wonen"].starts_at == before


def test_a_workshop_that_becomes_plenary_is_released_and_told_as_such(themadag, register):
    from app.agenda import releases, working

    event, s, anna, bram = _workshop_full_with_one_waiting(themadag, register)
    working.edit(event, str(s["wonen"].id), {"kind": "plenary"})
    release = releases.publish(event)
    db.session.commit()
    assert [c.what for c in release.lines] == ["changed"]
    assert mails("workshop_cancelled") == []  # the release's one mail says it instead
    told = mails("agenda_changed")
    assert len(told) == release.mailed and all("Wonen: nu plenair" in m.text_body for m in told)
    assert db.session.scalars(sa.select(SessionChoice)).all() == []


def test_links_to_cancel_or_choose_on_a_cancelled_event_explain_instead_of_offering(
    themadag, register, client
):
    from app.registration.tokens import issue_manage_token

    event, s, anna, _bram = _workshop_full_with_one_waiting(themadag, register)
    token = issue_manage_token(anna)
    activity.cancel_event(db.session.get(Event, event.id))
    db.session.commit()
    for path in (f"/aanmelding/{token}/afmelden", f"/aanmelding/{token}/workshops"):
        page = client.get(path).get_data(as_text=True)
        assert "u hoeft niets te doen" in page and "<form" not in page.split("<main")[1], path
    manage = client.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert "U heeft een plaats" not in manage


def test_back_to_draft_is_offered_only_without_registrations(make_event, register, client, auth):
    event = make_event()
    auth.login(event.organisers[0].email)
    assert "terug-naar-concept" in client.get(f"/beheer/activiteiten/{event.id}").get_data(
        as_text=True
    )
    register(event, "Anna")
    assert "terug-naar-concept" not in client.get(f"/beheer/activiteiten/{event.id}").get_data(
        as_text=True
    )
