"""An organiser sets an event's own retention period on the event form; empty is the default."""

from app.extensions import db
from app.programme.models import Event
from tests.programme.test_manage_events import event_form


def test_organiser_sets_and_clears_the_events_retention_period(client, auth, make_user, make_event):
    owner = make_user()
    event = make_event(owner=owner)
    auth.login(owner.email)
    page = client.get(f"/beheer/activiteiten/{event.id}").get_data(as_text=True)
    assert "Bewaartermijn persoonsgegevens (maanden)" in page
    assert "Leeg: 12 maanden na de activiteit" in page

    url = f"/beheer/activiteiten/{event.id}"
    assert client.post(url, data=event_form(retention_months="24")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).retention_months == 24

    assert client.post(url, data=event_form(retention_months="")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).retention_months is None

    refused = client.post(url, data=event_form(retention_months="0"))
    assert refused.status_code == 400 or "retention_months" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).retention_months is None
