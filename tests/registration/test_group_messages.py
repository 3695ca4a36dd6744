"""An organiser's message to one audience of an event: no greeting of our own (only where the
organiser writes {naam}), audiences with their counts — those who stopped the messages counted
apart —, a preview of one recipient's mail, a test to the organiser alone, a history with each
recipient's delivery, exactly one message under a double click, and which events may be
messaged at all."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agenda import choices
from app.agenda import services as agenda
from app.attendance import services as attendance
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme import services as programme
from app.registration import messages
from app.registration.messages import Audience, Target
from app.registration.models import GroupMessage, ManageToken, Registration
from app.timezones import utcnow
from tests.conftest import row_count

ORGANISER = "organisator@example.org"


@pytest.fixture
def owner(make_user):
    return make_user(email=ORGANISER, name="Olga Organisator")


@pytest.fixture
def themadag(app, owner, make_event, register):
    """Three places, two waiting. Workshop Wonen (one place): Anna in it, Bram on its waiting
    list; Cas in Geld. Anna is checked in; Bram was, but that was undone. Cas stopped the
    group messages."""
    event = make_event(owner=owner, kind="themadag", title="Themadag Wonen", hours=6,
                       capacity=3, starts_in=timedelta(hours=2))  # fmt: skip
    start = event.starts_at + timedelta(hours=1)
    sessions = {}
    for title, capacity in (("Wonen", 1), ("Geld", 10)):
        room = agenda.add_room(event, {"name": f"Zaal {title}", "capacity": 20})
        sessions[title] = agenda.add_session(event, {
            "kind": "workshop", "title": title, "room_id": room.id, "capacity": capacity,
            "starts_at": start, "ends_at": start + timedelta(hours=1)})  # fmt: skip
    db.session.commit()
    people = {name: register(event, name) for name in ("Anna", "Bram", "Cas", "Dirk", "Eva")}
    for name, workshop in (("Anna", "Wonen"), ("Bram", "Wonen"), ("Cas", "Geld")):
        choices.choose_workshops(people[name], [sessions[workshop].id])
        db.session.commit()
    for name in ("Anna", "Bram"):
        attendance.check_in(people[name].id, owner)
        db.session.commit()
    attendance.undo(people["Bram"].id, owner)
    messages.stop_group_messages(people["Cas"])
    db.session.commit()
    return event, sessions, people


@pytest.fixture
def logged_in(client, auth, owner):
    auth.login(owner.email)
    return client


def form(**values) -> dict:
    return {"audience": "confirmed", "subject": "Parkeren", "body": "Parkeer achter het gebouw.",
            **values}  # fmt: skip


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def outbox(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


# --- the mail itself -----------------------------------------------------------------------


def test_no_greeting_is_put_before_the_organisers_own_words(logged_in, mailbox, themadag):
    event, _sessions, _people = themadag
    mailbox.clear()
    response = logged_in.post(f"/beheer/activiteiten/{event.id}/bericht",
                              data=form(body="Goedemorgen allemaal,\n\nParkeer achter."))  # fmt: skip
    assert response.status_code == 302
    received = mailbox.wait_for(2)
    assert sorted(m["To"] for m in received) == ["anna@example.org", "bram@example.org"]
    for message in received:
        text = text_of(message)
        assert text.lstrip().startswith("Goedemorgen allemaal,\n\nParkeer achter.")
        assert "Beste" not in text and "Beste" not in html_of(message)
        assert "berichten-stoppen" in text  # the footer, with its own stop link, stays
        assert message["List-Unsubscribe-Post"] is None or message["List-Unsubscribe"]


def test_naam_is_each_recipients_own_name(logged_in, mailbox, themadag):
    event, _sessions, _people = themadag
    mailbox.clear()
    logged_in.post(f"/beheer/activiteiten/{event.id}/bericht",
                   data=form(subject="Voor {naam}", body="Beste {naam},\n\nTot morgen."))  # fmt: skip
    received = {m["To"]: m for m in mailbox.wait_for(2)}
    assert text_of(received["anna@example.org"]).lstrip().startswith("Beste Anna,\n\nTot morgen.")
    assert text_of(received["bram@example.org"]).lstrip().startswith("Beste Bram,")
    assert "Beste Anna," in html_of(received["anna@example.org"])
    assert received["bram@example.org"]["Subject"] == "Voor Bram"
    [sent] = db.session.scalars(sa.select(GroupMessage)).all()
    assert sent.body == "Beste {naam},\n\nTot morgen."  # the history keeps what was written


# --- audiences ---------------------------------------------------------------------------------


def test_each_audience_is_counted_with_those_who_stopped_apart(app, themadag):
    event, sessions, _people = themadag
    counted = messages.reach(event, messages.every_target(messages.workshops(event)))
    assert {
        (t.audience.value, t.session_id): (r.reachable, r.stopped) for t, r in counted.items()
    } == {  # fmt: skip
        ("confirmed", None): (2, 1),
        ("waitlisted", None): (2, 0),
        ("workshop", sessions["Wonen"].id): (1, 0),  # Bram waits for it: not a participant
        ("workshop", sessions["Geld"].id): (0, 1),
        ("checked_in", None): (1, 0),  # Bram's check-in was undone
        ("not_checked_in", None): (1, 1),
        ("all", None): (4, 1),
    }


def test_the_page_offers_each_audience_with_its_count_and_the_place_holders_by_default(
    logged_in, themadag
):
    event, sessions, _people = themadag
    page = logged_in.get(f"/beheer/activiteiten/{event.id}/bericht")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'value="confirmed"\s+checked', html), "with a place is the default"
    assert (
        'Iedereen met een plaats <span class="audience-count">2 personen (1 heeft berichten uitgezet)'
        in html
    )
    assert 'Wachtlijst <span class="audience-count">2 personen</span>' in html
    assert 'Ingecheckt <span class="audience-count">1 persoon</span>' in html
    assert (
        'Niet ingecheckt <span class="audience-count">1 persoon (1 heeft berichten uitgezet)'
        in html
    )
    assert f'<option value="{sessions["Wonen"].id}">Wonen, ' in html
    assert "Geld, " in html and "0 personen (1 heeft berichten uitgezet)" in html
    assert "{naam}" in html and "geen aanhef" in html


@pytest.mark.parametrize(
    "audience, expected",
    [
        ("waitlisted", ["dirk@example.org", "eva@example.org"]),
        ("checked_in", ["anna@example.org"]),
        ("not_checked_in", ["bram@example.org"]),
        ("all", ["anna@example.org", "bram@example.org", "dirk@example.org", "eva@example.org"]),
    ],
)
def test_each_audience_reaches_exactly_its_people(logged_in, mailbox, themadag, audience, expected):
    event, _sessions, _people = themadag
    mailbox.clear()
    response = logged_in.post(
        f"/beheer/activiteiten/{event.id}/bericht", data=form(audience=audience)
    )
    assert response.status_code == 302
    assert sorted(m["To"] for m in mailbox.wait_for(len(expected))) == expected
    [sent] = db.session.scalars(sa.select(GroupMessage)).all()
    assert (sent.audience, sent.recipients) == (audience, len(expected))


def test_a_workshops_audience_is_its_confirmed_participants(logged_in, mailbox, themadag):
    event, sessions, _people = themadag
    mailbox.clear()
    wonen = sessions["Wonen"].id
    response = logged_in.post(f"/beheer/activiteiten/{event.id}/bericht",
                              data=form(audience="workshop", workshop=str(wonen)))  # fmt: skip
    assert response.status_code == 302
    assert [m["To"] for m in mailbox.wait_for(1)] == ["anna@example.org"]
    [sent] = db.session.scalars(sa.select(GroupMessage)).all()
    assert (sent.audience, sent.session_id) == ("workshop", wonen)


def test_a_workshop_audience_needs_one_of_this_events_workshops(
    logged_in, themadag, make_event, owner
):
    event, _sessions, _people = themadag
    other = make_event(owner=owner)
    room = agenda.add_room(other, {"name": "Elders", "capacity": 5})
    foreign = agenda.add_session(other, {"kind": "workshop", "title": "Elders", "room_id": room.id,
                                         "starts_at": other.starts_at, "ends_at": other.ends_at})  # fmt: skip
    db.session.commit()
    page = f"/beheer/activiteiten/{event.id}/bericht"
    missing = logged_in.post(page, data=form(audience="workshop"))
    assert missing.status_code == 400 and "Kies de workshop." in missing.get_data(as_text=True)
    wrong = logged_in.post(page, data=form(audience="workshop", workshop=str(foreign.id)))
    assert wrong.status_code == 400
    unknown = logged_in.post(page, data=form(audience="iedereen-ooit"))
    assert unknown.status_code == 400
    assert row_count(GroupMessage) == 0


def test_an_audience_nobody_in_it_receives_is_refused_and_nothing_kept(logged_in, themadag):
    event, sessions, _people = themadag
    response = logged_in.post(f"/beheer/activiteiten/{event.id}/bericht",
                              data=form(audience="workshop", workshop=str(sessions["Geld"].id)))  # fmt: skip
    assert response.status_code == 400
    assert "Niemand in deze groep ontvangt berichten" in response.get_data(as_text=True)
    assert row_count(GroupMessage) == 0 and outbox("organiser_message") == []


# --- preview and test -------------------------------------------------------------------------


def test_the_preview_shows_one_recipients_mail_and_sends_nothing(logged_in, themadag):
    event, _sessions, people = themadag
    tokens_before = row_count(ManageToken)
    outbox_before = row_count(OutboxMessage)
    page = f"/beheer/activiteiten/{event.id}/bericht/voorbeeld"
    data = form(body="Beste {naam},\n\nNeem een pen mee.")
    response = logged_in.post(page, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anna &lt;anna@example.org&gt;" in html  # the first, by default
    assert "Beste Anna," in html and "Neem een pen mee." in html  # text and HTML versions
    assert "Versturen aan 2 personen" in html and "1 heeft berichten uitgezet" in html
    assert 'name="shown_at" value="20' in html
    assert "<iframe" in html and "srcdoc=" in html
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-hashes'" in policy and "script-src 'self'" in policy

    chosen = logged_in.post(page, data={**data, "recipient": str(people["Bram"].id)})
    assert "Beste Bram," in chosen.get_data(as_text=True)
    stranger = logged_in.post(page, data={**data, "recipient": str(people["Dirk"].id)})
    assert "Beste Anna," in stranger.get_data(as_text=True), "not in the audience: the first"
    assert row_count(ManageToken) == tokens_before, "a preview issues no personal link"
    assert row_count(OutboxMessage) == outbox_before and row_count(GroupMessage) == 0


def test_edit_goes_back_to_the_text_as_written(logged_in, themadag):
    event, _sessions, _people = themadag
    response = logged_in.post(f"/beheer/activiteiten/{event.id}/bericht/voorbeeld",
                              data={**form(audience="waitlisted"), "action": "edit"})  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'value="waitlisted"\s+checked', html)
    assert "Parkeer achter het gebouw.</textarea>" in html


def test_a_test_mail_goes_to_the_organiser_alone_and_is_no_group_message(
    logged_in, mailbox, themadag
):
    event, _sessions, _people = themadag
    mailbox.clear()
    tokens_before = row_count(ManageToken)
    response = logged_in.post(f"/beheer/activiteiten/{event.id}/bericht/test",
                              data=form(body="Beste {naam},\n\nTot morgen."))  # fmt: skip
    assert response.status_code == 200
    assert f"Testbericht verstuurd aan {ORGANISER}" in response.get_data(as_text=True)
    [message] = mailbox.wait_for(1)
    assert message["To"] == ORGANISER and message["Subject"] == "[Test] Parkeren"
    assert text_of(message).lstrip().startswith("Beste Anna,")  # what the preview showed
    assert message["List-Unsubscribe"] is None
    assert [(m.recipient, m.registration_id) for m in outbox("group_message_test")] == [
        (ORGANISER, None)
    ]
    assert outbox("organiser_message") == [] and row_count(GroupMessage) == 0
    assert row_count(ManageToken) == tokens_before, "the test carries no registrant's link"


# --- history ------------------------------------------------------------------------------------


def test_the_history_lists_each_message_with_its_delivery(logged_in, mailbox, themadag, owner):
    event, _sessions, people = themadag
    mailbox.clear()
    logged_in.post(f"/beheer/activiteiten/{event.id}/bericht", data=form(audience="all"))
    mailbox.wait_for(4)
    # The background sender marks a row sent just after the sink took it: wait for that too,
    # or its mark could land on the states set below.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        m.status != "sent" for m in outbox("organiser_message")
    ):
        time.sleep(0.02)
    [sent] = db.session.scalars(sa.select(GroupMessage)).all()
    assert sent.sent_by_id == owner.id and sent.recipients == 4
    mails = {m.registration_id: m for m in outbox("organiser_message")}
    assert {m.group_message_id for m in mails.values()} == {sent.id}
    mails[people["Dirk"].id].status, mails[people["Dirk"].id].last_error = "failed", "550 Onbekend"
    mails[people["Eva"].id].status = "pending"
    db.session.commit()

    history = logged_in.get(f"/beheer/activiteiten/{event.id}/berichten").get_data(as_text=True)
    assert "Parkeren" in history and "door Olga Organisator" in history
    assert "Iedereen met een plaats en de wachtlijst: 4 personen" in history
    assert re.search(r">2</span> verstuurd.*>1</span> wachten op verzending.*>1</span> mislukt",
                     history, re.S)  # fmt: skip

    detail = logged_in.get(f"/beheer/activiteiten/{event.id}/berichten/{sent.id}")
    html = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert (
        html.index("dirk@example.org")
        < html.index("eva@example.org")
        < html.index("anna@example.org")
    ), "failed first, then waiting, then delivered"
    assert "550 Onbekend" in html and "Parkeer achter het gebouw." in html
    assert "/mail" in html  # where a failed one is sent again


def test_another_events_message_is_not_found_under_this_event(
    logged_in, themadag, make_event, owner
):
    event, _sessions, _people = themadag
    other = make_event(owner=owner)
    sent = GroupMessage(event_id=other.id, audience="all", subject="x", body="y", recipients=0)
    db.session.add(sent)
    db.session.commit()
    assert logged_in.get(f"/beheer/activiteiten/{event.id}/berichten/{sent.id}").status_code == 404


# --- exactly once -------------------------------------------------------------------------------


def test_the_same_form_posted_twice_sends_one_message(logged_in, mailbox, themadag):
    event, _sessions, _people = themadag
    mailbox.clear()
    shown = logged_in.post(f"/beheer/activiteiten/{event.id}/bericht/voorbeeld", data=form())
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', shown.get_data(as_text=True))[1]
    page = f"/beheer/activiteiten/{event.id}/bericht"
    first = logged_in.post(page, data=form(shown_at=shown_at))
    second = logged_in.post(page, data=form(shown_at=shown_at), follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "Dit bericht was al verstuurd" in second.get_data(as_text=True)
    assert row_count(GroupMessage) == 1
    assert len(outbox("organiser_message")) == 2
    assert sorted(m["To"] for m in mailbox.wait_for(3, timeout=2)) == [
        "anna@example.org", "bram@example.org"]  # fmt: skip


def test_two_clicks_at_the_same_moment_send_one_message(app, client, auth, owner, themadag):
    event, _sessions, _people = themadag
    auth.login(owner.email)
    other = app.test_client()
    other.post("/beheer/inloggen", data={"email": owner.email, "password": "een-lang-wachtwoord"})
    data, page = form(shown_at=utcnow().isoformat()), f"/beheer/activiteiten/{event.id}/bericht"
    start = threading.Barrier(2)

    def click(browser):
        start.wait()
        return browser.post(page, data=data).status_code

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(click, [client, other]))
    assert answers == [302, 302]
    assert row_count(GroupMessage) == 1 and len(outbox("organiser_message")) == 2


def test_after_a_new_preview_the_same_text_may_be_sent_again(logged_in, themadag):
    event, _sessions, _people = themadag
    page = f"/beheer/activiteiten/{event.id}/bericht"
    logged_in.post(page, data=form(shown_at=utcnow().isoformat()))
    logged_in.post(page, data=form(shown_at=utcnow().isoformat()))
    assert row_count(GroupMessage) == 2 and len(outbox("organiser_message")) == 4


def test_a_post_without_a_preview_time_is_a_repeat_within_a_minute(logged_in, themadag):
    event, _sessions, _people = themadag
    page = f"/beheer/activiteiten/{event.id}/bericht"
    logged_in.post(page, data=form())
    logged_in.post(page, data=form())
    logged_in.post(page, data=form(subject="Iets anders"))
    assert row_count(GroupMessage) == 2
    db.session.execute(sa.update(GroupMessage).values(sent_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    logged_in.post(page, data=form())
    assert row_count(GroupMessage) == 3


# --- which events ------------------------------------------------------------------------------


def test_a_cancelled_event_can_still_be_messaged(logged_in, mailbox, themadag):
    event, _sessions, _people = themadag
    programme.cancel_event(db.session.get(type(event), event.id))
    db.session.commit()
    mailbox.clear()
    response = logged_in.post(f"/beheer/activiteiten/{event.id}/bericht",
                              data=form(subject="Nieuwe datum", body="We zoeken een nieuwe datum."))  # fmt: skip
    assert response.status_code == 302
    assert sorted(m["To"] for m in mailbox.wait_for(2)) == ["anna@example.org", "bram@example.org"]


def test_a_draft_cannot_be_messaged(logged_in, make_event, owner):
    draft = make_event(owner=owner, status="draft")
    page = logged_in.get(f"/beheer/activiteiten/{draft.id}/bericht")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "nog een concept" in html and "Voorbeeld</button>" not in html
    base = f"/beheer/activiteiten/{draft.id}/bericht"
    for path in (base, base + "/voorbeeld", base + "/test"):
        assert logged_in.post(path, data=form()).status_code == 409, path
    assert row_count(GroupMessage) == 0 and row_count(OutboxMessage) == 0


def test_the_scripted_send_still_counts_and_skips_the_stopped(app, mailbox, themadag):
    event, _sessions, _people = themadag
    assert messages.message_registrants(event, "confirmed", "Kort", "Tekst.") == 2
    assert messages.group_messages_stopped(event, "confirmed") == 1
    db.session.commit()
    [sent] = db.session.scalars(sa.select(GroupMessage)).all()
    assert sent.sent_by_id is None and Target(Audience.CONFIRMED) == ("confirmed", None)
    assert db.session.get(Registration, _people["Cas"].id).group_messages_stopped_at is not None


def test_the_preview_is_the_mail_that_is_sent_but_for_the_personal_links(
    logged_in, mailbox, themadag
):
    event, _sessions, _people = themadag
    people = messages.recipients(event, Target(Audience.CONFIRMED))
    rendered = messages.preview(event, "Voor {naam}", "Beste {naam},\n\nTot in Themadag Wonen.",
                                people)  # fmt: skip
    mailbox.clear()
    messages.send_group_message(event, Target(Audience.CONFIRMED), "Voor {naam}",
                                "Beste {naam},\n\nTot in Themadag Wonen.")  # fmt: skip
    db.session.commit()
    to_anna = next(m for m in mailbox.wait_for(2) if m["To"] == "anna@example.org")
    links = re.compile(r"http://kennisagenda\.test/(aanmelding|berichten-stoppen)/[\w-]+")
    assert to_anna["Subject"] == rendered.subject == "Voor Anna"
    assert links.sub("LINK", text_of(to_anna)) == links.sub(
        "LINK", rendered.text.replace("\r\n", "\n")
    )


def test_the_page_speaks_english_after_the_language_switch(logged_in, themadag):
    event, _sessions, _people = themadag
    logged_in.post("/taal", data={"taal": "en"})
    html = logged_in.get(f"/beheer/activiteiten/{event.id}/bericht").get_data(as_text=True)
    assert "Everyone with a place" in html and "2 people (1 has stopped messages)" in html
    assert "No greeting is added above your text" in html
