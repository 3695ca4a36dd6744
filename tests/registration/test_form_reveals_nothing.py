"""A person's data changes only through their own link; the registration form tells nobody
whether an address is registered, and cannot be used to lock someone out or rename them."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.registration.models import Participant, Registration
from app.registration.tokens import issue_manage_token

FORM = {"name": "Anna de Vries", "email": "anna@example.org", "organisation": "Wijkteam Oost",
        "function": "Wijkcoach", "privacy": "y"}  # fmt: skip


def _page_after(client, event, data) -> tuple[int, str]:
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=data)
    page = client.get(response.location).get_data(as_text=True)
    # The CSRF token of the language switch is signed with the time: the only thing that differs.
    return response.status_code, re.sub(
        r'(name="csrf_token" value|name="csrf-token" content)="[^"]+"', "", page
    )


def test_registering_again_never_renames_the_person(client, make_event, mailbox):
    first, second = make_event(), make_event()
    client.post(f"/activiteiten/{first.slug}/aanmelden", data=FORM)
    mailbox.clear()
    stranger = {**FORM, "name": "Iemand Anders", "organisation": "Elders"}
    client.post(f"/activiteiten/{first.slug}/aanmelden", data=stranger)  # the same event again
    client.post(f"/activiteiten/{second.slug}/aanmelden", data=stranger)  # another event
    db.session.expire_all()
    [person] = db.session.scalars(sa.select(Participant)).all()
    assert person.name == "Anna de Vries"
    original = db.session.scalar(sa.select(Registration).where(Registration.event_id == first.id))
    assert (original.name, original.organisation) == ("Anna de Vries", "Wijkteam Oost")
    link_again = [
        m for m in mailbox.wait_for(2) if "al aangemeld" in m.get_body(("plain",)).get_content()
    ]
    assert "Beste Anna de Vries" in link_again[0].get_body(("plain",)).get_content()


def test_registered_and_already_registered_look_the_same(client, make_event):
    event = make_event()
    status_new, page_new = _page_after(client, event, FORM)
    status_again, page_again = _page_after(client, event, {**FORM, "name": "X"})
    assert status_new == status_again == 302
    assert page_new == page_again and "Kijk in uw mail" in page_new


@pytest.fixture
def app_config(base_config):
    return {**base_config, "RATELIMIT_ENABLED": True, "REGISTRATION_EMAIL_RATE_LIMIT": "3 per hour"}


def test_invalid_posts_do_not_use_up_an_addresses_limit(client, make_event):
    event = make_event()
    for _ in range(6):  # no privacy acknowledgement: refused, nothing mailed
        invalid = {k: v for k, v in FORM.items() if k != "privacy"}
        assert client.post(f"/activiteiten/{event.slug}/aanmelden", data=invalid).status_code == 400
    assert client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM).status_code == 302


def test_new_link_stops_every_old_one(client, make_event, register, mailbox):
    registration = register(make_event(), "Anna")
    old, older = issue_manage_token(registration), issue_manage_token(registration)
    db.session.commit()
    mailbox.clear()
    response = client.post(f"/aanmelding/{old}/nieuwe-link")
    assert response.status_code == 200 and "werken niet meer" in response.get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/aanmelding/{old}").status_code == 404
    assert client.get(f"/aanmelding/{older}").status_code == 404
    [mail] = mailbox.wait_for(1)
    new_link = next(
        line for line in mail.get_body(("plain",)).get_content().split() if "/aanmelding/" in line
    )
    fresh = client.get(new_link.replace("http://kennisagenda.test", ""))
    assert fresh.status_code == 200 and fresh.headers["Referrer-Policy"] == "no-referrer"
