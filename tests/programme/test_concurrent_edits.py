"""Edits made on an old form are refused (409, the stored state shown), never merged; posting
the same new-event form twice makes one draft; slugs carry the local date."""

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.programme import services
from app.programme.models import Event
from app.timezones import AMSTERDAM
from tests.programme.test_manage_events import event_form


def test_a_stale_event_form_gets_409_with_the_stored_state(client, auth, make_event):
    event = make_event(title="Oude titel")
    auth.login(event.organisers[0].email)
    seen = event.version
    first = client.post(
        f"/beheer/activiteiten/{event.id}", data=event_form(title="Eerste", version=seen)
    )
    assert first.status_code == 302
    second = client.post(
        f"/beheer/activiteiten/{event.id}", data=event_form(title="Tweede", version=seen)
    )
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Iemand anders heeft dit intussen gewijzigd" in page and 'value="Eerste"' in page
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Eerste"


def test_the_same_new_event_form_posted_twice_makes_one_draft(client, auth, make_user):
    auth.login(make_user().email)
    form = event_form(creation_key="k" * 32)
    first = client.post("/beheer/activiteiten/nieuw", data=form)
    second = client.post("/beheer/activiteiten/nieuw", data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1


def test_the_slug_carries_the_local_date(make_user):
    late = datetime(2030, 3, 13, 0, 30, tzinfo=AMSTERDAM)  # 23.30 UTC on the 12th
    event = services.create_event(make_user(), {"kind": "kenniscafe", "title": "Nachtcafé",
                                                "starts_at": late, "ends_at": late.replace(hour=2)})  # fmt: skip
    assert event.slug == "nachtcafe-2030-03-13"


def test_two_events_of_the_same_name_and_day_get_different_slugs(make_user):
    start = datetime(2030, 3, 12, 19, 30, tzinfo=AMSTERDAM)
    details = {
        "kind": "kenniscafe",
        "title": "Café",
        "starts_at": start,
        "ends_at": start.replace(hour=21),
    }
    owner = make_user()
    assert services.create_event(owner, details).slug == "cafe-2030-03-12"
    assert services.create_event(owner, details).slug == "cafe-2030-03-12-2"


def test_the_same_duplicate_form_posted_twice_makes_one_copy(client, auth, make_event):
    event = make_event()
    auth.login(event.organisers[0].email)
    form = {"starts_at": "2030-06-02T19:30", "creation_key": "d" * 32}
    first = client.post(f"/beheer/activiteiten/{event.id}/dupliceren", data=form)
    second = client.post(f"/beheer/activiteiten/{event.id}/dupliceren", data=form)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2
