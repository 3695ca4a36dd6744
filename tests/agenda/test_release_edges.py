"""The edges of releasing: two organisers at once, versions that never come back, waiting lists
that move up in a release, events that have started or are over, and input from far off."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agenda import choices, releases, working
from app.agenda.models import AgendaRelease, Session
from app.agenda.notifications import difference_text
from app.errors import DomainError, StaleEdit
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme.models import Event
from app.timezones import utcnow
from tests.agenda.test_releases import FIVE, press

LOCAL = "%Y-%m-%dT%H:%M"


def test_a_release_includes_an_edit_saved_while_the_publisher_was_reading(app, themadag):
    event, s, owner = themadag()
    press(event, s["slot"], 1, by=owner)
    shown = working.items(event)  # the publisher's view, still held when they confirm
    assert shown
    with app.app_context():  # another organiser, their own session, saves a drag meanwhile
        other = db.session.get(Event, event.id)
        item = working.item_of(other, str(s["slot"].id))
        working.move(other, item.key, item.starts_at - 5 * FIVE, item.ends_at - 5 * FIVE,
                     item.room_id)  # fmt: skip
        db.session.commit()
        theirs = working.item_of(other, str(s["slot"].id)).starts_at

    releases.publish(event, by=owner)
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(Session, s["slot"].id).starts_at == theirs  # published, not lost


def test_a_version_seen_before_a_release_or_a_discard_never_matches_again(themadag):
    event, s, owner = themadag()
    key = str(s["slot"].id)
    press(event, s["slot"], 1, by=owner)
    seen_early = working.item_of(event, key).version
    press(event, s["slot"], 2, by=owner)
    releases.publish(event, by=owner)
    db.session.commit()
    press(event, s["slot"], 1, by=owner)
    working.discard(event)
    db.session.commit()
    press(event, s["slot"], 1, by=owner)
    seen = {seen_early}
    for _ in range(3):
        item = working.item_of(event, key)
        assert item.version not in seen
        seen.add(item.version)
        press(event, s["slot"], 1, by=owner)

    item = working.item_of(event, key)
    with pytest.raises(StaleEdit):
        working.move(
            event, key, item.starts_at, item.ends_at, item.room_id, seen_version=seen_early
        )


def test_a_release_that_moves_someone_up_tells_them_in_its_one_mail(themadag, register):
    event, s, owner = themadag(capacity_wonen=1)
    anna, bram = register(event, "Anna"), register(event, "Bram")
    choices.choose_workshops(anna, [s["wonen"].id])
    choices.choose_workshops(bram, [s["wonen"].id])  # waiting
    db.session.commit()
    before = {m.id for m in db.session.scalars(sa.select(OutboxMessage))}
    working.edit(event, str(s["wonen"].id), {"capacity": 2}, by=owner)

    releases.publish(event, by=owner)
    db.session.commit()

    new = [m for m in db.session.scalars(sa.select(OutboxMessage)) if m.id not in before]
    assert sorted((m.registration_id, m.kind) for m in new) == sorted(
        [(anna.id, "agenda_changed"), (bram.id, "agenda_changed")]
    )
    [to_bram] = [m for m in new if m.registration_id == bram.id]
    assert "plaats voor u vrijgekomen in de workshop Wonen" in to_bram.text_body


def _shift_event(event, by: timedelta) -> None:
    """Put the event (and its agenda) `by` earlier or later, as time passing would."""
    event.starts_at, event.ends_at = event.starts_at + by, event.ends_at + by
    for session in db.session.scalars(sa.select(Session).where(Session.event_id == event.id)):
        session.starts_at, session.ends_at = session.starts_at + by, session.ends_at + by
    db.session.commit()


def test_a_release_after_the_event_corrects_the_record_and_mails_nobody(themadag, register):
    event, s, owner = themadag()
    register(event, "Anna")
    _shift_event(event, utcnow() - timedelta(days=30) - event.starts_at)
    working.edit(event, str(s["slot"].id), {"title": "Slot (verschoven)"}, by=owner)
    release = releases.publish(event, by=owner)
    db.session.commit()
    assert release.mailed == 0
    assert (
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "agenda_changed")
        ).all()
        == []
    )


def test_once_started_a_cancelled_workshop_does_not_invite_another_choice(themadag, register):
    event, s, owner = themadag()
    anna = register(event, "Anna")
    choices.choose_workshops(anna, [s["wonen"].id])
    db.session.commit()
    _shift_event(event, utcnow() - timedelta(hours=1) - event.starts_at)  # under way
    working.cancel(event, str(s["wonen"].id), by=owner)
    releases.publish(event, by=owner)
    db.session.commit()
    [mail] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "agenda_changed")
    )
    assert "Geschrapt: Wonen" in mail.text_body and "andere workshop" not in mail.text_body


def test_confirming_acts_on_what_was_shown_not_on_what_came_since(client, auth, themadag):
    event, s, owner = themadag()
    working.edit(event, str(s["slot"].id), {"title": "Slot en borrel"}, by=owner)
    db.session.commit()
    auth.login(owner.email)
    url = f"/beheer/activiteiten/{event.id}/programma"
    page = client.get(f"{url}/publiceren").get_data(as_text=True)
    seen = page.split('name="seen" type="hidden" value="')[1].split('"')[0]
    working.cancel(event, str(s["geld"].id), by=owner)  # someone else, meanwhile
    db.session.commit()

    for path in ("publiceren", "verwerpen"):
        answer = client.post(f"{url}/{path}", data={"seen": seen})
        assert answer.status_code == 409
        page = answer.get_data(as_text=True)
        assert "Intussen is de werkversie gewijzigd" in page and "Geschrapt: Geld" in page
    assert db.session.scalars(sa.select(AgendaRelease)).all() == []
    assert len(releases.differences(event)) == 2

    fresh = page.split('name="seen" type="hidden" value="')[1].split('"')[0]
    assert client.post(f"{url}/verwerpen", data={"seen": fresh}).status_code == 302
    assert releases.differences(event) == []


def test_a_session_cannot_be_put_years_away(client, auth, themadag):
    event, s, owner = themadag()
    key = str(s["slot"].id)
    far = s["slot"].starts_at.replace(year=2062)
    with pytest.raises(DomainError):
        working.move(event, key, far, far + timedelta(hours=1), None)
    db.session.rollback()
    auth.login(owner.email)
    answer = client.post(f"/beheer/activiteiten/{event.id}/programma/{key}/verplaatsen",
                         json={"starts_at": "9999-01-01T10:00", "ends_at": "9999-01-01T11:00"})  # fmt: skip
    assert answer.status_code == 400 and answer.get_json()["error"]


def test_a_version_field_of_odd_digits_is_no_server_error(client, auth, themadag):
    event, s, owner = themadag()
    auth.login(owner.email)
    answer = client.post(f"/beheer/activiteiten/{event.id}/programma/{s['slot'].id}", data={
        "kind": "plenary", "title": "Slot", "version": "²",
        "starts_at": s["slot"].starts_at.strftime(LOCAL), "ends_at": s["slot"].ends_at.strftime(LOCAL)})  # fmt: skip
    assert answer.status_code < 500


def test_a_cancelled_session_is_not_offered_for_editing(client, auth, themadag):
    event, s, owner = themadag()
    working.cancel(event, str(s["geld"].id), by=owner)
    db.session.commit()
    auth.login(owner.email)
    answer = client.get(
        f"/beheer/activiteiten/{event.id}/programma/{s['geld'].id}", follow_redirects=True
    )
    assert "zet het eerst terug" in answer.get_data(as_text=True)


def test_a_move_past_midnight_in_amsterdam_names_the_day():
    before = {
        "title": "Laat",
        "starts_at": "2027-03-10T22:00:00+00:00",
        "ends_at": "2027-03-10T22:30:00+00:00",
    }
    after = {
        **before,
        "starts_at": "2027-03-10T23:15:00+00:00",
        "ends_at": "2027-03-10T23:45:00+00:00",
    }
    # 23.00 → 00.15 Amsterdam time: the same UTC date, another day for the people reading it.
    line = difference_text("moved", before, after, "nl")
    assert "woensdag 10 maart 2027 23.00" in line and "donderdag 11 maart 2027 00.15" in line
