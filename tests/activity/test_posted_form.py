"""The registration form a POST is checked against is kept per process (app/activity/
posted_form.py) under the event's form counter: registrations leave it (a rush builds the form
once), every change of what the form is made of is on the very next post, and the clock
closes it as the event page does."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activity.posted_form import posted_form
from app.agenda import choices
from app.calendar.stamps import _SHAPE_THE_FORM, SHOWN
from app.extensions import db
from app.pages import stamps
from app.programme import services as programme
from app.programme.models import Event
from app.registration import questions
from app.registration import services as registration_services
from app.registration.models import Registration
from app.timezones import utcnow

FORM = {"name": "Anna de Vries", "privacy": "y"}


def post(client, event, email: str, **fields):
    return client.post(f"/activiteiten/{event.slug}/aanmelden",
                       data={**FORM, "email": email, **fields})  # fmt: skip


def counters(event) -> tuple[int, int, int]:
    return db.session.execute(
        sa.select(Event.page_version, Event.form_version, Event.places_version)
        .where(Event.id == event.id)
    ).one()  # fmt: skip


def registration_of(email: str) -> Registration | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Registration).where(Registration.participant.has(email=email))
    )


def test_registrations_and_workshop_choices_leave_the_form_counter(client, themadag):
    """They move the places alone: the page's counter and the form's stay."""
    event, sessions, _owner = themadag()
    page_before, form_before, places_before = counters(event)
    assert (
        post(client, event, "anna@example.org", ronde_1=str(sessions["wonen"].id)).status_code
        == 302
    )
    choices.choose_workshops(registration_of("anna@example.org"), [sessions["geld"].id])
    db.session.commit()
    page_after, form_after, places_after = counters(event)
    assert (page_after, form_after) == (page_before, form_before)
    assert places_after > places_before


@pytest.mark.parametrize("change", ["question", "accreditation", "catering"])
def test_a_change_of_the_form_is_on_the_next_post(client, make_event, change):
    event = make_event(title="Kenniscafé Schulden")
    assert post(client, event, "eerste@example.org").status_code == 302  # the form is kept
    _page, form_before, _places = counters(event)
    if change == "question":
        question = questions.add_question(event, "Welke casus neemt u mee?", "text", [], True)
        field, answer = f"question_{question.id}", "Een gezin met schulden"
    elif change == "accreditation":
        accreditation = programme.add_accreditation(event, "SKJ", "SKJ-123", 2)
        field, answer = f"register_{accreditation.id}", "110012345"
    else:
        programme.update_event(event, {"catering": True}, seen_version=event.version)
        field, answer = "dietary_needs", "Geen noten"
    db.session.commit()
    assert counters(event)[1] > form_before

    if change == "question":  # required: the kept form did not know it
        refused = post(client, event, "bram@example.org")
        assert refused.status_code == 400 and "Welke casus neemt u mee?" in refused.get_data(
            as_text=True
        )
        assert registration_of("bram@example.org") is None
    assert post(client, event, "bram@example.org", **{field: answer}).status_code == 302
    bram = registration_of("bram@example.org")
    stored = {"question": bram.answers, "accreditation": bram.register_numbers,
              "catering": {field: bram.dietary_needs}}[change]  # fmt: skip
    assert answer in stored.values()


def test_the_clock_closes_a_kept_form(app, client, make_event, monkeypatch):
    """Kept while open; an hour later (the clock moved, nothing else) the form read for a post
    says why it is closed, without one registration in between."""
    closes = utcnow() + timedelta(hours=1)
    event = make_event(registration_closes_at=closes)
    assert post(client, event, "eerste@example.org").status_code == 302  # the form is kept
    later = closes + timedelta(minutes=1)
    for module in (stamps, registration_services):  # the stamp's clock and the form's
        monkeypatch.setattr(module, "utcnow", lambda: later)
    with app.test_request_context(f"/activiteiten/{event.slug}/aanmelden", method="POST"):
        posted = posted_form(event.slug)
    assert posted.form is None and str(posted.shape.closed_reason) == "Aanmelden is gesloten."


def test_every_model_a_public_page_shows_says_whether_it_shapes_the_form():
    """A model that moves the page's counter either moves the form's too or says here why the
    form does not show it. A new model fails this test until it is placed."""
    not_in_the_form = {
        "Registration": "places are counted under the lock, not read from the form",
        "SessionChoice": "places are counted under the lock",
        "Material": "shown once the event is over", "Speaker": "not on the form",
        "Theme": "not on the form",
    }  # fmt: skip
    shown = {model.__name__ for model in SHOWN}
    shaping = {model.__name__ for model in _SHAPE_THE_FORM}
    assert shaping <= shown
    assert shown - shaping == set(not_in_the_form)
