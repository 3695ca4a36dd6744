"""Capacity and the waiting list as one rule: places while they last, then the end of the
list; a freed place goes to the first waiting, automatically; positions stay 1…n."""

from datetime import timedelta

import pytest

from app.activity import services as activity
from app.errors import StateConflict
from app.extensions import db
from app.programme import services as programme
from app.registration import consents, services
from app.registration.services import RegistrationClosed, RegistrationDetails
from app.timezones import utcnow
from tests.registration.conftest import waitlist


def test_places_first_then_the_waiting_list_in_order(make_event, register):
    event = make_event(capacity=2)
    anna, bram, cas, dirk = (register(event, n) for n in ("Anna", "Bram", "Cas", "Dirk"))
    assert anna.is_confirmed and bram.is_confirmed
    assert cas.is_waitlisted and dirk.is_waitlisted
    assert waitlist(event) == [("Cas", 1), ("Dirk", 2)]
    assert services.seats_left(event) == 0


def test_a_free_place_goes_to_nobody_new_while_someone_waits_for_it(make_event, register):
    """A place can stand free with people waiting (a capacity raised behind the services'
    back, say, before the next promotion): a newcomer still joins the end of the list."""
    event = make_event(capacity=1)
    register(event, "Anna")
    register(event, "Bram")
    event.capacity = 2  # directly: no promotion runs
    db.session.commit()
    assert services.seats_left(event) == 1
    assert services.newcomer_position(event) == 2
    assert register(event, "Cas").waitlist_position == 2
    assert waitlist(event) == [("Bram", 1), ("Cas", 2)]


def test_cancelling_a_place_promotes_the_first_on_the_waiting_list(make_event, register):
    event = make_event(capacity=1)
    anna = register(event, "Anna")
    bram, _cas = register(event, "Bram"), register(event, "Cas")
    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    assert bram.is_confirmed and bram.waitlist_position is None
    assert waitlist(event) == [("Cas", 1)]
    assert services.status_counts(event) == {"confirmed": 1, "waitlisted": 1, "cancelled": 1}


def test_leaving_the_waiting_list_closes_the_gap(make_event, register):
    event = make_event(capacity=0)
    people = [register(event, n) for n in ("Anna", "Bram", "Cas", "Dirk")]
    activity.cancel_registration(people[1].id, by="attendee")
    db.session.commit()
    assert waitlist(event) == [("Anna", 1), ("Cas", 2), ("Dirk", 3)]


def test_raising_the_capacity_promotes_as_many_as_fit(make_event, register):
    event = make_event(capacity=1)
    for name in ("Anna", "Bram", "Cas", "Dirk"):
        register(event, name)
    locked = programme.managed_event(event.organisers[0], event.id, lock=True)
    activity.update_event(locked, {"capacity": 3})
    db.session.commit()
    assert services.status_counts(event)["confirmed"] == 3
    assert waitlist(event) == [("Dirk", 1)]


def test_removing_the_limit_promotes_everyone(make_event, register):
    event = make_event(capacity=1)
    for name in ("Anna", "Bram", "Cas"):
        register(event, name)
    activity.update_event(
        programme.managed_event(event.organisers[0], event.id, lock=True), {"capacity": None}
    )
    db.session.commit()
    assert waitlist(event) == []


def test_lowering_the_capacity_takes_no_place_away(make_event, register):
    event = make_event(capacity=2)
    register(event, "Anna"), register(event, "Bram")
    activity.update_event(
        programme.managed_event(event.organisers[0], event.id, lock=True), {"capacity": 1}
    )
    db.session.commit()
    assert services.status_counts(event)["confirmed"] == 2
    assert register(event, "Cas").is_waitlisted


def test_organiser_moves_someone_on_the_waiting_list(make_event, register):
    event = make_event(capacity=0)
    people = {n: register(event, n) for n in ("Anna", "Bram", "Cas", "Dirk")}
    services.move_on_waitlist(people["Dirk"].id, 1)
    db.session.commit()
    assert waitlist(event) == [("Dirk", 1), ("Anna", 2), ("Bram", 3), ("Cas", 4)]
    services.move_on_waitlist(people["Anna"].id, 99)  # past the end: the end
    db.session.commit()
    assert waitlist(event) == [("Dirk", 1), ("Bram", 2), ("Cas", 3), ("Anna", 4)]


def test_organiser_gives_a_place_by_hand_even_over_capacity(make_event, register):
    event = make_event(capacity=1)
    register(event, "Anna")
    _bram, cas = register(event, "Bram"), register(event, "Cas")
    services.promote_by_hand(cas.id)
    db.session.commit()
    assert cas.is_confirmed and services.status_counts(event)["confirmed"] == 2
    assert waitlist(event) == [("Bram", 1)]
    with pytest.raises(StateConflict):
        services.promote_by_hand(cas.id)


def test_same_address_twice_gets_no_second_place(make_event, register):
    event = make_event(capacity=5)
    first = register(event, "Anna", email="anna@example.org")
    again = services.register(event.id, RegistrationDetails(name="Anna", email="ANNA@example.org"))
    db.session.commit()
    assert again.already_registered and again.registration.id == first.id
    assert services.status_counts(event)["confirmed"] == 1


def test_cancelled_person_can_register_again_and_queues_fairly(make_event, register):
    event = make_event(capacity=1)
    anna = register(event, "Anna")
    register(event, "Bram")
    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    again = register(event, "Anna")
    assert again.id == anna.id and again.is_waitlisted and again.waitlist_position == 1


def test_cancelling_twice_is_refused(make_event, register):
    anna = register(make_event(), "Anna")
    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    with pytest.raises(StateConflict):
        activity.cancel_registration(anna.id, by="attendee")


@pytest.mark.parametrize(
    "event_kwargs, message",
    [
        ({"status": "cancelled"}, "geannuleerd"),
        ({"starts_in": timedelta(hours=-1)}, "al begonnen"),
        ({"registration_opens_at": utcnow() + timedelta(days=1)}, "Aanmelden kan vanaf"),
        (
            {
                "registration_closes_at": utcnow() - timedelta(minutes=1),
                "registration_opens_at": utcnow() - timedelta(days=3),
            },
            "gesloten",
        ),  # fmt: skip
        ({"status": "draft"}, "nog niet mogelijk"),
    ],
)
def test_registration_is_closed_with_a_reason(make_event, event_kwargs, message):
    event = make_event(**event_kwargs)
    with pytest.raises(RegistrationClosed) as closed:
        services.register(event.id, RegistrationDetails(name="Anna", email="anna@example.org"))
    assert message in str(closed.value.description)
    assert closed.value.code == 400


def test_consent_is_recorded_with_its_moment(make_event, register):
    event = make_event()
    with_photos = register(event, "Anna", photos=True)
    without = register(event, "Bram")
    held = consents.held(with_photos)
    assert held["newsletter"] is None
    assert held["photos"].given_at is not None and held["photos"].given_how == "registration_form"
    assert held["photos"].event_id == event.id and held["photos"].registration_id == with_photos.id
    assert "herkenbaar op foto's" in held["photos"].text and held["photos"].text_version
    assert consents.held(without) == {"newsletter": None, "photos": None}
    assert without.privacy_acknowledged_at is not None


def test_positions_are_unique_in_the_schema(make_event, register):
    from sqlalchemy.exc import IntegrityError

    event = make_event(capacity=0)
    anna, bram = register(event, "Anna"), register(event, "Bram")
    bram.waitlist_position = anna.waitlist_position
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
