from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activity import services as activity
from app.agenda import choices, reading, speakers, working
from app.agenda import services as agenda
from app.agenda.models import SessionChoice
from app.errors import DomainError, StateConflict
from app.extensions import db
from app.registration import questions


def names(sessions) -> list[str]:
    return [s.title for s in sessions]


def test_workshop_places_then_its_own_waiting_list(themadag, register):
    event, s, _owner = themadag(capacity_wonen=2)
    people = [register(event, n) for n in ("Anna", "Bram", "Cas")]
    outcomes = [choices.choose_workshops(p, [s["wonen"].id]) for p in people]
    db.session.commit()
    assert [names(o.confirmed) for o in outcomes] == [["Wonen"], ["Wonen"], []]
    assert names(outcomes[2].waitlisted) == ["Wonen"]
    assert agenda.workshop_counts(event)[s["wonen"].id] == {"confirmed": 2, "waitlisted": 1}
    assert agenda.seats_left(s["wonen"], agenda.workshop_counts(event)) == 0


def test_changing_a_choice_frees_the_place_for_the_first_waiting(themadag, register, mailbox):
    event, s, _owner = themadag(capacity_wonen=1)
    anna, bram = register(event, "Anna"), register(event, "Bram")
    choices.choose_workshops(anna, [s["wonen"].id])
    choices.choose_workshops(bram, [s["wonen"].id])
    db.session.commit()
    mailbox.clear()
    choices.choose_workshops(anna, [s["geld"].id])
    db.session.commit()
    statuses = {c.registration.participant.name: (c.session.title, c.status) for c in
                db.session.scalars(sa.select(SessionChoice))}  # fmt: skip
    assert statuses == {"Anna": ("Geld", "confirmed"), "Bram": ("Wonen", "confirmed")}
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "bram@example.org" and "Wonen" in mail["Subject"]


def test_cancelling_a_registration_frees_its_workshop_places(themadag, register):
    event, s, _owner = themadag(capacity_wonen=1)
    anna, bram = register(event, "Anna"), register(event, "Bram")
    choices.choose_workshops(anna, [s["wonen"].id])
    choices.choose_workshops(bram, [s["wonen"].id])
    db.session.commit()
    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    [choice] = choices.choices_of(bram)
    assert choice.status == "confirmed" and choice.position is None
    assert choices.choices_of(anna) == []


def test_one_workshop_per_ronde_and_never_overlapping(themadag, register):
    event, s, _owner = themadag()
    anna = register(event, "Anna")
    with pytest.raises(DomainError):
        choices.choose_workshops(anna, [s["wonen"].id, s["geld"].id])
    db.session.rollback()
    with pytest.raises(DomainError):
        choices.choose_workshops(anna, [s["slot"].id])  # not a workshop


def test_a_required_choice_must_cover_every_ronde(themadag, register):
    event, s, _owner = themadag(workshop_choice_required=True)
    anna = register(event, "Anna")
    with pytest.raises(DomainError):
        choices.choose_workshops(anna, [])
    db.session.rollback()
    assert names(choices.choose_workshops(anna, [s["geld"].id]).confirmed) == ["Geld"]


def test_someone_waiting_for_the_event_chooses_later(themadag, register):
    event, s, _owner = themadag()
    event.capacity = 0
    db.session.commit()
    waiting = register(event, "Anna")
    with pytest.raises(StateConflict):
        choices.choose_workshops(waiting, [s["geld"].id])


def test_an_event_with_a_room_conflict_cannot_be_published(themadag):
    event, s, _owner = themadag(status="draft")
    agenda.update_session(s["geld"], {"room_id": s["wonen"].room_id})
    db.session.commit()
    with pytest.raises(StateConflict) as refused:
        activity.publish_event(event)
    assert "tegelijk in Zaal 1.12" in str(refused.value.description)
    agenda.update_session(
        s["geld"],
        {"starts_at": s["wonen"].ends_at, "ends_at": s["wonen"].ends_at + timedelta(hours=1)},
    )
    activity.publish_event(event)
    assert event.is_published


def test_a_session_outside_its_event_is_a_conflict(themadag):
    event, s, _owner = themadag(status="draft")
    agenda.update_session(s["slot"], {"ends_at": event.ends_at + timedelta(minutes=5)})
    assert [c.rule for c in agenda.conflicts(event)] == ["outside_event"]


def test_rondes_of_the_event(themadag):
    event, s, _owner = themadag()
    [ronde] = agenda.event_rondes(event)
    assert {w.id for w in ronde.workshops} == {s["wonen"].id, s["geld"].id}


def test_editor_warns_when_a_move_makes_someones_workshops_overlap(themadag, register):
    event, s, owner = themadag()
    anna = register(event, "Anna")
    agenda.add_session(event, {"kind": "workshop", "title": "Later", "starts_at": s["slot"].ends_at,
                               "ends_at": s["slot"].ends_at + timedelta(hours=1)}, by=owner)  # fmt: skip
    later = next(x for x in agenda.event_sessions(event) if x.title == "Later")
    choices.choose_workshops(anna, [s["geld"].id, later.id])
    working.move(event, str(later.id), s["geld"].starts_at, s["geld"].ends_at, None, by=owner)
    db.session.commit()
    assert [c.rule for c in agenda.conflicts(event, working.items(event))] == ["choices_overlap"]
    programme_event = event
    assert programme_event.is_published  # a warning does not unpublish or block


def test_duplicating_a_themadag_copies_its_agenda_and_questions_to_the_new_date(themadag, register):

    event, s, owner = themadag()
    speaker = speakers.save_speaker({"name": "Hanneke Smit"})
    agenda.update_session(s["slot"], {}, speakers=[speaker])
    agenda.cancel_session(s["geld"], by=owner)
    questions.add_question(event, "Komt u met de fiets?", "yes_no", [], False)
    choices.choose_workshops(register(event, "Anna"), [s["wonen"].id])
    db.session.commit()

    copy = activity.duplicate_event(event, event.starts_at + timedelta(days=7), by=owner)
    db.session.commit()

    sessions = agenda.event_sessions(copy)
    assert [x.title for x in sessions] == ["Wonen", "Slot"]  # not what was cancelled
    assert sessions[0].starts_at == s["wonen"].starts_at + timedelta(days=7)
    assert sessions[0].room.name == "Zaal 1.12" and sessions[0].room.event_id == copy.id
    assert [sp.name for sp in sessions[1].speakers] == ["Hanneke Smit"]
    assert [r.name for r in agenda.event_rooms(copy)] == ["Zaal 1.12", "Zaal 1.14", "Aula"]
    assert [q.text for q in questions.questions_for(copy)] == ["Komt u met de fiets?"]
    assert agenda.workshop_counts(copy) == {} and reading.changes_for(copy) == []
    assert agenda.conflicts(copy) == []
