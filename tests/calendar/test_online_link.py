"""An online meeting's link goes to people with a place — their mail, their personal feed,
their manage page — and never into a public page or feed."""

import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboxMessage

LINK = "https://meet.example.org/werkplaats-geheim-42"


def test_the_online_link_is_only_for_people_with_a_place(client, make_event, register, feed_token):
    event = make_event(online_url=LINK, capacity=1, title="Online kenniscafé")
    anna, bram = register(event, "Anna"), register(event, "Bram")  # Bram waits
    assert anna.is_confirmed and bram.is_waitlisted

    public = [
        client.get(f"/activiteiten/{event.slug}").get_data(as_text=True),
        client.get(f"/kalender/activiteit/{event.slug}.ics").get_data(as_text=True),
        client.get("/kalender/programma.ics").get_data(as_text=True),
    ]
    assert all(LINK not in body.replace("\r\n ", "") for body in public)
    assert LINK not in client.get(f"/kalender/mijn/{feed_token(bram)}.ics").get_data(
        as_text=True
    ).replace("\r\n ", "")
    assert LINK in client.get(f"/kalender/mijn/{feed_token(anna)}.ics").get_data(
        as_text=True
    ).replace("\r\n ", "")

    mails = {m.registration_id: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert LINK in mails[anna.id].text_body and LINK not in mails[bram.id].text_body
