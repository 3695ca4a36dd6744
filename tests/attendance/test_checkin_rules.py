"""The rules of presence, through the services and the desk's JSON: once per person per event
and per session, undo and redo keep their history, the earliest of two desks wins, waiting
people need a place first, and who may use which desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agenda import services as agenda
from app.attendance import codes, desk, services
from app.attendance.models import CheckIn
from app.errors import StateConflict
from app.extensions import db
from app.registration.services import RegistrationDetails
from app.timezones import utcnow


@pytest.fixture
def today(make_event, make_user):
    """A kenniscafé starting in an hour, with its organiser and a desk volunteer."""
    owner = make_user(name="Organisator")
    event = make_event(owner=owner, starts_in=timedelta(hours=1), capacity=3)
    volunteer = make_user(role="checkin", name="Balie 2")
    services.set_desk_staff(event, {volunteer.id})
    db.session.commit()
    return event, owner, volunteer


def standing_rows(registration_id: int) -> list[CheckIn]:
    return list(db.session.scalars(sa.select(CheckIn).where(
        CheckIn.registration_id == registration_id, CheckIn.undone_at.is_(None))))  # fmt: skip


def all_rows(registration_id: int) -> list[CheckIn]:
    return list(db.session.scalars(
        sa.select(CheckIn).where(CheckIn.registration_id == registration_id).order_by(CheckIn.id)))  # fmt: skip


def test_a_second_check_in_changes_nothing_undo_and_redo_keep_the_history(today, register):
    event, _owner, volunteer = today
    anna = register(event, "Anna de Vries")
    first = services.check_in(anna.id, volunteer)
    db.session.commit()
    again = services.check_in(anna.id, volunteer)
    db.session.commit()
    assert first.stored and not again.stored and again.check_in.id == first.check_in.id

    [undone] = services.undo(anna.id, volunteer)
    db.session.commit()
    assert undone.undone_by_id == volunteer.id and undone.undone_reason == "undone"
    assert standing_rows(anna.id) == []
    redo = services.check_in(anna.id, volunteer)
    db.session.commit()
    assert redo.stored and [r.id for r in standing_rows(anna.id)] == [redo.check_in.id]
    assert len(all_rows(anna.id)) == 2  # the undone one is kept


def test_the_earliest_of_two_desks_is_kept_and_retries_never_double(today, register):
    event, owner, volunteer = today
    anna = register(event, "Anna")
    now = utcnow()
    services.check_in(anna.id, volunteer, client_id="desk-1-aaaa", at=now)
    db.session.commit()
    # The other desk was offline: its check-in, made ten minutes earlier, arrives now.
    late = services.check_in(
        anna.id, owner, client_id="desk-2-bbbb", at=now - timedelta(minutes=10)
    )
    db.session.commit()
    assert late.stored
    [kept] = standing_rows(anna.id)
    assert kept.client_id == "desk-2-bbbb" and kept.checked_in_by_id == owner.id
    superseded = next(r for r in all_rows(anna.id) if r.client_id == "desk-1-aaaa")
    assert superseded.undone_reason == "earlier-elsewhere"
    for client_id in ("desk-1-aaaa", "desk-2-bbbb"):  # both desks retry their upload
        assert not services.check_in(anna.id, volunteer, client_id=client_id, at=now).stored
        db.session.commit()
    assert len(all_rows(anna.id)) == 2 and len(standing_rows(anna.id)) == 1


def test_an_offline_undo_leaves_a_later_check_in_alone(today, register):
    event, _owner, volunteer = today
    anna = register(event, "Anna")
    services.check_in(anna.id, volunteer)
    db.session.commit()
    assert services.undo(anna.id, volunteer, at=utcnow() - timedelta(minutes=5)) == []
    assert len(standing_rows(anna.id)) == 1


def test_a_waiting_person_needs_a_place_first(today, register, make_user):
    event, owner, volunteer = today
    for name in ("A", "B", "C"):
        register(event, name)
    waiting = register(event, "Wachtende")
    assert waiting.is_waitlisted
    with pytest.raises(StateConflict):
        services.check_in(waiting.id, volunteer)
    db.session.rollback()
    with pytest.raises(StateConflict):  # full: no place to give, and a volunteer may not
        services.give_place(waiting.id, owner)
    db.session.rollback()
    # On the day the room turns out bigger: once the event has started nobody is promoted by
    # itself any more; the desk offers the free place, and only an organiser may give it.
    event.starts_at, event.capacity = utcnow() - timedelta(minutes=5), 4
    db.session.commit()
    assert desk.desk_list(event).places_left == 1
    with pytest.raises(StateConflict):
        services.give_place(waiting.id, volunteer)
    db.session.rollback()
    assert services.give_place(waiting.id, owner).is_confirmed
    db.session.commit()
    assert services.check_in(waiting.id, volunteer).stored


def test_a_cancelled_event_or_session_and_a_break_take_no_check_in(make_event, make_user, register):
    owner = make_user()
    event = make_event(
        owner=owner, kind="themadag", status="draft", starts_in=timedelta(hours=2), hours=6
    )
    talk = agenda.add_session(
        event,
        {
            "kind": "plenary",
            "title": "Opening",
            "starts_at": event.starts_at,
            "ends_at": event.starts_at + timedelta(hours=1),
        },
    )
    lunch = agenda.add_session(
        event,
        {
            "kind": "break",
            "title": "Lunch",
            "starts_at": event.starts_at + timedelta(hours=2),
            "ends_at": event.starts_at + timedelta(hours=3),
        },
    )
    from app.programme import services as programme

    programme.publish_event(event)
    db.session.commit()
    anna = register(event, "Anna")
    with pytest.raises(Exception) as refused:
        services.check_in(anna.id, owner, session_id=lunch.id)
    assert refused.value.code == 400
    db.session.rollback()
    assert services.check_in(anna.id, owner, session_id=talk.id).stored
    db.session.commit()
    listing = desk.desk_list(event)
    assert listing.counts["present"] == 1  # a session check-in means present at the event
    # Undone at the event itself (a wrong tap at the door): not present anywhere any more.
    [undone] = services.undo(anna.id, owner)
    db.session.commit()
    assert undone.session_id == talk.id and desk.desk_list(event).counts["present"] == 0
    programme.cancel_event(event)
    db.session.commit()
    with pytest.raises(StateConflict):
        services.check_in(anna.id, owner)
    db.session.rollback()


def test_who_may_use_which_desk(make_event, make_user):
    owner, other_organiser, admin = make_user(), make_user(), make_user(role="admin")
    volunteer = make_user(role="checkin")
    soon = make_event(owner=owner, starts_in=timedelta(hours=20))
    later = make_event(owner=owner, starts_in=timedelta(days=3))
    past = make_event(owner=owner, starts_in=timedelta(hours=-30), hours=2)
    draft = make_event(owner=owner, status="draft", starts_in=timedelta(hours=2))
    for event in (soon, later, past, draft):
        services.set_desk_staff(event, {volunteer.id, owner.id})  # an organiser is no desk account
    unassigned = make_user(role="checkin")
    db.session.commit()
    assert services.staff_ids(soon) == {volunteer.id}
    assert not services.may_use_desk(unassigned, soon)
    assert services.may_use_desk(volunteer, soon)
    assert not services.may_use_desk(volunteer, later)
    assert not services.may_use_desk(volunteer, past)  # ended 28 h ago
    assert services.may_use_desk(owner, later) and services.may_use_desk(admin, past)
    assert not services.may_use_desk(other_organiser, soon)
    assert not any(services.may_use_desk(u, draft) for u in (owner, admin, volunteer))
    assert [e.id for e in services.desk_events(volunteer)] == [soon.id]


def test_a_walk_in_gets_a_free_place_is_checked_in_and_mailed_with_a_qr(today, mailbox):
    import io

    import zxingcpp
    from PIL import Image

    event, _owner, volunteer = today
    outcome = services.walk_in(
        event,
        RegistrationDetails(
            name="Şükrü Çelik", email="sukru@example.org", organisation="Wijkteam Oost"
        ),
        [],
        volunteer,
    )
    db.session.commit()
    assert outcome.stored and outcome.check_in.method == "walk-in"
    assert outcome.check_in.registration.is_confirmed
    [message] = mailbox.wait_for(1)
    png = next(p for p in message.walk() if p.get_content_type() == "image/png")
    assert png["Content-ID"] == "<checkin-qr@kennisagenda>"
    assert "cid:checkin-qr@kennisagenda" in message.get_body(("html",)).get_content()
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_payload(decode=True))))
    assert "Noem dan uw naam" in message.get_body(("plain",)).get_content()  # the text fallback
    code = found.text.rsplit("/balie/c/", 1)[1]
    assert codes.registration_for_code(code).id == outcome.check_in.registration_id


def test_walk_ins_stop_at_capacity_and_never_join_the_waiting_list(today, register):
    event, _owner, volunteer = today
    for name in ("A", "B"):
        register(event, name)
    services.walk_in(event, RegistrationDetails(name="C", email="c@example.org"), [], volunteer)
    db.session.commit()
    with pytest.raises(StateConflict):
        services.walk_in(event, RegistrationDetails(name="D", email="d@example.org"), [], volunteer)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


def test_someone_registered_already_is_simply_checked_in(today, register, mailbox):
    event, _owner, volunteer = today
    anna = register(event, "Anna")
    mailbox.wait_for(1)
    mailbox.clear()
    outcome = services.walk_in(
        event, RegistrationDetails(name="Anna", email="anna@example.org"), [], volunteer
    )
    db.session.commit()
    assert outcome.check_in.registration_id == anna.id
    assert mailbox.wait_for(1, timeout=1) == []  # no second "your link again" mail


def test_a_walk_in_after_the_end_is_refused(make_event, make_user):
    owner = make_user()
    event = make_event(owner=owner, starts_in=timedelta(hours=-3), hours=2)
    with pytest.raises(StateConflict):
        services.walk_in(
            event, RegistrationDetails(name="Laat", email="laat@example.org"), [], owner
        )


def test_someone_registered_already_who_comes_through_the_walk_in_form_is_no_walk_in(
    today, register
):
    event, _owner, volunteer = today
    anna = register(event, "Anna")
    outcome = services.walk_in(event, RegistrationDetails(name="Anna Anders", email="anna@example.org"),
                               [], volunteer)  # fmt: skip
    db.session.commit()
    assert outcome.check_in.registration_id == anna.id and outcome.check_in.method == "list"
    assert desk.desk_list(event).counts["walk_ins"] == 0
