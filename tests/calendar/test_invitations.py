"""Invitations in mails (iMIP): one entry per person and event, updated by every change to
what they will attend and withdrawn by a CANCEL, read back from the real SMTP server by
vobject and ical.js."""

import time

from app.activity import services as activity
from app.agenda import releases, working
from app.extensions import db
from app.programme import services as programme
from app.registration.services import RegistrationDetails
from tests.conftest import NEXT_YEAR, local
from tests.icalcheck import assert_wire_format, icaljs, props, vobject_events

HOST = "kennisagenda.test"


def invitation(mail) -> tuple[str, dict]:
    """The calendar of a mail (its text/calendar alternative), checked on the wire and by
    both parsers; returns the text and its one entry as ical.js reads it."""
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    data = part.get_payload(decode=True)
    assert_wire_format(data)
    text = data.decode()
    parsed = icaljs(text)
    assert parsed["method"] == part.get_param("method")
    [entry] = parsed["events"]  # exactly one UID per message
    [by_vobject] = vobject_events(text)
    assert by_vobject["uid"] == entry["uid"] and by_vobject["sequence"] == entry["sequence"]
    assert by_vobject["start_utc"].strftime("%Y-%m-%dT%H:%M:%SZ") == entry["start_utc"]
    return text, entry


def _register(event, name, session_ids=()):
    details = RegistrationDetails(name=name, email=f"{name.lower()}@example.org")
    outcome, _workshops = activity.register(event.id, details, list(session_ids))
    db.session.commit()
    return outcome.registration


def _one_mail(mailbox, address, subject_start=""):
    """The one mail to `address` (whose subject starts so), taken out of the mailbox."""
    deadline = time.monotonic() + 10
    while True:
        with mailbox._lock:
            mails = [
                m
                for m in mailbox.messages
                if m["To"] == address and m["Subject"].startswith(subject_start)
            ]
            if mails or time.monotonic() > deadline:
                assert len(mails) == 1, [m["Subject"] for m in mailbox.messages]
                mailbox.messages.remove(mails[0])
                return mails[0]
        time.sleep(0.02)


def test_a_confirmation_carries_one_entry_with_organizer_attendee_and_workshops(
    app, mailbox, themadag
):
    event, sessions, _owner = themadag(
        starts_at=local(NEXT_YEAR, 6, 10, 9, 30), contact_email="jeugd@werkplaats.test"
    )
    anna = _register(event, "Anna", [sessions["wonen"].id])
    mail = _one_mail(mailbox, "anna@example.org")
    text, entry = invitation(mail)
    assert entry["uid"] == f"registration-{anna.id}@{HOST}"
    assert entry["start_utc"] == f"{NEXT_YEAR}-06-10T07:30:00Z"  # summer: UTC+2
    assert entry["status"] == "CONFIRMED"
    [organizer] = props(text, "ORGANIZER")
    assert organizer.endswith(":mailto:jeugd@werkplaats.test") and "CN=" in organizer
    [attendee] = props(text, "ATTENDEE")
    assert attendee.endswith(":mailto:anna@example.org")
    assert "RSVP=FALSE" in attendee and "PARTSTAT=ACCEPTED" in attendee
    assert "10.30–11.30 Wonen (Zaal 1.12)" in entry["description"]
    assert "meldt u niet af" in entry["description"]  # a decline is no cancellation
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Wonen" in body and "meldt u niet af" in body
    assert "/kalender/mijn/" in body  # their personal feed


def test_every_change_to_their_workshops_sends_a_request_with_a_higher_sequence(
    app, mailbox, themadag
):
    event, sessions, _owner = themadag(capacity_wonen=1)
    anna = _register(event, "Anna", [sessions["wonen"].id])
    bram = _register(event, "Bram", [sessions["geld"].id])
    _text, annas_first = invitation(_one_mail(mailbox, "anna@example.org"))
    mailbox.clear()

    # Bram wants the full Wonen: he is told he waits, and his entry says so.
    activity.change_workshops(bram, [sessions["wonen"].id])
    db.session.commit()
    mail = _one_mail(mailbox, "bram@example.org", "Uw workshops")
    assert (
        "Wonen is vol: u staat op de wachtlijst"
        in mail.get_body(preferencelist=("plain",)).get_content()
    )
    _text, brams_waiting = invitation(mail)
    assert "Wonen (Zaal 1.12) – wachtlijst, plaats 1" in brams_waiting["description"]

    # Anna swaps to Geld: one REQUEST, same UID, SEQUENCE + 1, naming the new workshop; her
    # place in Wonen goes to Bram, whose entry is updated too.
    activity.change_workshops(anna, [sessions["geld"].id])
    db.session.commit()
    _text, annas_new = invitation(_one_mail(mailbox, "anna@example.org", "Uw workshops"))
    assert annas_new["uid"] == annas_first["uid"]
    assert annas_new["sequence"] == annas_first["sequence"] + 1
    assert (
        "Geld (Zaal 1.14)" in annas_new["description"] and "Wonen" not in annas_new["description"]
    )
    _text, brams_place = invitation(_one_mail(mailbox, "bram@example.org", "Er is een plaats"))
    assert (
        brams_place["uid"] == brams_waiting["uid"]
        and brams_place["sequence"] > brams_waiting["sequence"]
    )
    assert (
        "Wonen (Zaal 1.12)" in brams_place["description"]
        and "wachtlijst" not in brams_place["description"]
    )

    # Choosing what they already have changes nothing and sends nothing.
    activity.change_workshops(anna, [sessions["geld"].id])
    db.session.commit()
    assert mailbox.wait_for(1, timeout=0.5) == []


def test_a_moved_or_cancelled_workshop_updates_the_entry(app, mailbox, themadag):
    event, sessions, owner = themadag()
    anna = _register(event, "Anna", [sessions["wonen"].id])
    _text, first = invitation(_one_mail(mailbox, "anna@example.org"))
    wonen = sessions["wonen"]
    length = wonen.ends_at - wonen.starts_at
    working.move(event, str(wonen.id), wonen.starts_at + length, wonen.ends_at + length,
                 wonen.room_id, by=owner)  # fmt: skip
    releases.publish(event, by=owner)
    db.session.commit()
    _text, moved = invitation(_one_mail(mailbox, "anna@example.org", "Programma gewijzigd"))
    assert moved["uid"] == first["uid"] and moved["sequence"] > first["sequence"]
    working.cancel(event, str(wonen.id), by=owner)
    releases.publish(event, by=owner)
    db.session.commit()
    mail = _one_mail(mailbox, "anna@example.org", "Programma gewijzigd")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Geschrapt: Wonen" in body and "andere workshop" in body
    _text, cancelled = invitation(mail)
    assert cancelled["uid"] == first["uid"] and cancelled["sequence"] > moved["sequence"]
    assert cancelled["status"] == "CONFIRMED"  # the day itself still stands
    assert "Wonen" not in cancelled["description"]
    assert cancelled["uid"] == f"registration-{anna.id}@{HOST}"


def test_their_cancellation_and_the_events_send_a_cancel_with_the_same_uid(
    app, mailbox, make_event
):
    event = make_event(starts_at=local(NEXT_YEAR, 1, 14, 19, 30))
    anna, bram = _register(event, "Anna"), _register(event, "Bram")
    _text, first = invitation(_one_mail(mailbox, "anna@example.org"))
    assert first["start_utc"] == f"{NEXT_YEAR}-01-14T18:30:00Z"  # winter: UTC+1
    mailbox.clear()

    activity.cancel_registration(anna.id, by="participant")
    db.session.commit()
    text, cancel = invitation(_one_mail(mailbox, "anna@example.org"))
    assert "METHOD:CANCEL" in text and cancel["status"] == "CANCELLED"
    assert cancel["uid"] == first["uid"] and cancel["sequence"] == first["sequence"] + 1
    assert props(text, "ORGANIZER") and props(text, "ATTENDEE")

    mailbox.clear()
    activity.cancel_event(programme.managed_event(event.organisers[0], event.id))
    db.session.commit()
    text, cancel = invitation(_one_mail(mailbox, "bram@example.org"))
    assert "METHOD:CANCEL" in text and cancel["uid"] == f"registration-{bram.id}@{HOST}"
    assert props(text, "ORGANIZER") and props(text, "ATTENDEE")


def test_the_organizer_address_is_a_setting(app, mailbox, make_event):
    app.config["CALENDAR_ORGANIZER_EMAIL"] = "agenda@werkplaats.test"
    event = make_event(contact_email="jeugd@werkplaats.test")
    _register(event, "Anna")
    text, _entry = invitation(_one_mail(mailbox, "anna@example.org"))
    [organizer] = props(text, "ORGANIZER")
    assert organizer.endswith(":mailto:agenda@werkplaats.test")


def test_a_new_time_sends_a_request_with_the_new_time_and_a_higher_sequence(app, mailbox, themadag):
    event, sessions, _owner = themadag(starts_at=local(NEXT_YEAR, 3, 20, 9, 30))
    anna = _register(event, "Anna", [sessions["wonen"].id])
    _text, first = invitation(_one_mail(mailbox, "anna@example.org"))
    assert first["start_utc"] == f"{NEXT_YEAR}-03-20T08:30:00Z"  # still winter time
    # A week later it is summer time: the same wall clock is an hour earlier in UTC.
    activity.update_event(
        event,
        {"starts_at": local(NEXT_YEAR, 4, 1, 9, 30), "ends_at": local(NEXT_YEAR, 4, 1, 17, 30)},
    )
    db.session.commit()
    _text, moved = invitation(_one_mail(mailbox, "anna@example.org", "Gewijzigd"))
    assert moved["uid"] == first["uid"] == f"registration-{anna.id}@{HOST}"
    assert moved["sequence"] == first["sequence"] + 1
    assert moved["start_utc"] == f"{NEXT_YEAR}-04-01T07:30:00Z"
    assert "Wonen" in moved["description"]  # the workshop moved along with the day
