"""Mail as it arrives at a real SMTP server on loopback: headers, text and HTML, the
iCalendar part parsed back, and the manage link in it, followed."""

import re
from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar

from app.activity import services as activity
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme import services as programme

register_form = {
    "name": "Anna de Vries",
    "email": "anna@example.org",
    "organisation": "Wijkteam Oost",
    "function": "Wijkcoach",
    "privacy": "y",
}


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return text, html, calendars


def manage_link(text: str) -> str:
    return re.search(r"http://kennisagenda\.test(/aanmelding/[\w-]+)", text).group(1)


def test_confirmation_mail_has_both_parts_an_invitation_and_a_working_link(
    client, mailbox, make_event
):
    event = make_event(title="Wat gaat er goed tussen generaties?", capacity=10)
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=register_form)
    assert response.status_code == 302

    [message] = mailbox.wait_for(1)
    assert message["To"] == "anna@example.org"
    assert message["From"] == "Kennisagenda <noreply@kennisagenda.test>"
    assert message["Subject"] == "Aanmelding bevestigd: Wat gaat er goed tussen generaties?"
    assert message["Message-ID"]
    text, html, [calendar_part] = parts(message)
    assert "Beste Anna de Vries," in text and "uur" in text
    assert '<a href="http://kennisagenda.test/aanmelding/' in html

    assert calendar_part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(calendar_part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]).startswith("registration-")  # one entry per person and event
    assert vevent.decoded("DTSTART") == event.starts_at
    assert str(vevent["DTSTART"].params["TZID"]) == "Europe/Amsterdam"
    assert calendar.walk("VTIMEZONE"), "the time zone is described in the file"
    assert "anna@example.org" in str(vevent["ATTENDEE"])

    page = client.get(manage_link(text))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "U heeft een plaats" in body and "anna@example.org" in body
    assert page.headers["Cache-Control"] == "no-store"


def test_cancelling_sends_cancel_with_the_same_uid_and_a_higher_sequence(
    client, mailbox, make_event
):
    event = make_event(capacity=10)
    client.post(f"/activiteiten/{event.slug}/aanmelden", data=register_form)
    [confirmation] = mailbox.wait_for(1)
    link = manage_link(parts(confirmation)[0])
    first = Calendar.from_ical(parts(confirmation)[2][0].get_content()).walk("VEVENT")[0]

    assert "Weet u zeker" in client.get(link + "/afmelden").get_data(as_text=True)
    client.post(link + "/afmelden")
    messages = mailbox.wait_for(2)
    cancellation = messages[1]
    assert cancellation["Subject"].startswith("Afmelding:")
    [calendar_part] = parts(cancellation)[2]
    assert calendar_part.get_param("method") == "CANCEL"
    cancel = Calendar.from_ical(calendar_part.get_content())
    assert cancel["METHOD"] == "CANCEL"
    vevent = cancel.walk("VEVENT")[0]
    assert vevent["UID"] == first["UID"]
    assert vevent["SEQUENCE"] > first["SEQUENCE"]
    assert "Afgemeld" in client.get(link).get_data(as_text=True)


def test_waitlisted_then_promoted_mail(client, mailbox, make_event, register):
    event = make_event(capacity=1)
    anna = register(event, "Anna")
    client.post(
        f"/activiteiten/{event.slug}/aanmelden",
        data={**register_form, "email": "bram@example.org", "name": "Bram"},
    )
    waiting = mailbox.wait_for(2)[-1]
    assert waiting["Subject"].startswith("U staat op de wachtlijst")
    assert "plaats 1 van de wachtlijst" in parts(waiting)[0]
    assert parts(waiting)[2] == []  # no calendar entry without a place

    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    promoted = [m for m in mailbox.wait_for(4) if m["To"] == "bram@example.org"][-1]
    assert promoted["Subject"].startswith("Er is een plaats voor u")
    assert parts(promoted)[2][0].get_param("method") == "REQUEST"


def test_same_address_again_mails_the_link_again_and_both_links_work(client, mailbox, make_event):
    event = make_event()
    client.post(f"/activiteiten/{event.slug}/aanmelden", data=register_form)
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=register_form)
    assert "Kijk in uw mail" in client.get(response.location).get_data(as_text=True)
    first, second = mailbox.wait_for(2)
    assert second["Subject"].startswith("Uw aanmelding voor")
    assert "U was al aangemeld" in parts(second)[0]
    assert client.get(manage_link(parts(first)[0])).status_code == 200
    assert client.get(manage_link(parts(second)[0])).status_code == 200


def test_mail_goes_out_in_the_language_of_the_registration(client, mailbox, make_event):
    event = make_event(title="Kenniscafé")
    client.post("/taal", data={"taal": "en"})
    client.post(f"/activiteiten/{event.slug}/aanmelden", data=register_form)
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Registration confirmed: Kenniscafé"
    assert "Dear Anna de Vries," in parts(message)[0]


def test_event_cancelled_and_changed_reach_registrants_with_the_right_calendar(
    client, auth, mailbox, make_user, make_event, register
):
    owner = make_user()
    event = make_event(owner=owner, capacity=1)
    register(event, "Anna")
    register(event, "Bram")  # waiting
    mailbox.clear()
    locked = programme.managed_event(owner, event.id, lock=True)
    activity.update_event(locked, {"starts_at": event.starts_at + timedelta(hours=1)})
    db.session.commit()
    changed = mailbox.wait_for(2)
    assert {m["Subject"] for m in changed} == {f"Gewijzigd: {event.title}"}
    anna = next(m for m in changed if m["To"] == "anna.example.org".replace(".example", "@example"))
    vevent = Calendar.from_ical(parts(anna)[2][0].get_content()).walk("VEVENT")[0]
    assert vevent["SEQUENCE"] >= 1

    mailbox.clear()
    activity.cancel_event(programme.managed_event(owner, event.id, lock=True))
    db.session.commit()
    cancelled = mailbox.wait_for(2)
    assert {m["Subject"] for m in cancelled} == {f"Geannuleerd: {event.title}"}
    anna_cancel = next(m for m in cancelled if m["To"] == "anna@example.org")
    assert parts(anna_cancel)[2][0].get_param("method") == "CANCEL"
    cancel_vevent = Calendar.from_ical(parts(anna_cancel)[2][0].get_content()).walk("VEVENT")[0]
    assert cancel_vevent["SEQUENCE"] > vevent["SEQUENCE"] and cancel_vevent["STATUS"] == "CANCELLED"


def test_reminders_go_once_to_everyone_with_a_place_two_days_before(
    runner, mailbox, make_event, register
):
    soon = make_event(starts_in=timedelta(hours=30), capacity=1)
    later = make_event(starts_in=timedelta(days=5))
    register(soon, "Anna"), register(soon, "Bram"), register(later, "Cas")  # Bram waits
    mailbox.clear()
    assert "queued 1 reminders" in runner.invoke(args=["reminders", "send"]).output
    assert "queued 0 reminders" in runner.invoke(args=["reminders", "send"]).output
    [reminder] = mailbox.wait_for(1)
    assert reminder["To"] == "anna@example.org" and reminder["Subject"].startswith("Herinnering")


def test_messages_are_delivered_once_even_when_sent_twice(app, mailbox, make_event, register):
    from app.mail.services import deliver, deliver_pending

    register(make_event(), "Anna")
    mailbox.wait_for(1)
    ids = list(db.session.scalars(sa.select(OutboxMessage.id)))
    deliver(ids)
    deliver_pending()
    assert len(mailbox.wait_for(2, timeout=0.5)) == 1
