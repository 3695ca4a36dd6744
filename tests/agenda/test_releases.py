"""A published agenda's working copy and its releases: edits are the organisers' alone until a
release, which switches the public page, feeds, API and mails at once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.agenda import choices, releases, working
from app.agenda.models import AgendaChange, ChoiceStatus, Session, SessionChoice, SessionDraft
from app.calendar.tokens import issue_feed_token
from app.errors import StateConflict
from app.extensions import db
from app.mail.models import OutboxMessage
from app.timezones import format_clock

FIVE = timedelta(minutes=5)
CSRF = re.compile(
    r'(?<=csrf-token" content=")[^"]+|(?<=name="csrf_token" value=")[^"]+'
)  # per second


def public_views(client, event, token) -> dict:
    """Everything outside the organisation that shows the agenda."""
    return {
        "page": CSRF.sub("", client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)),
        "feed": _without_stamp(client.get(f"/kalender/activiteit/{event.slug}.ics").get_data(as_text=True)),
        "mine": _without_stamp(client.get(f"/kalender/mijn/{token}.ics").get_data(as_text=True)),
        "api": client.get(f"/api/v1/events/{event.slug}").get_json(),
    }  # fmt: skip


def _without_stamp(ics: str) -> str:
    return "\n".join(line for line in ics.splitlines() if not line.startswith("DTSTAMP"))


def press(event, session, times: int, step=-FIVE, by=None):
    """An arrow key pressed `times` times on the session's block."""
    for _ in range(times):
        item = working.item_of(event, str(session.id))
        working.move(event, item.key, item.starts_at + step, item.ends_at + step, item.room_id,
                     by=by, seen_version=item.version)  # fmt: skip
        db.session.commit()


def mails(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def test_edits_after_publishing_change_only_the_working_copy(client, themadag, register):
    event, s, owner = themadag()
    anna = register(event, "Anna")
    choices.choose_workshops(anna, [s["wonen"].id])
    db.session.commit()
    token = issue_feed_token(anna.participant)
    db.session.commit()
    before = public_views(client, event, token)
    sent = len(mails())

    press(event, s["slot"], 13, by=owner)
    working.move(event, str(s["geld"].id), s["geld"].starts_at, s["geld"].ends_at,
                 s["wonen"].room_id, by=owner)  # a room clash, in the working copy only  # fmt: skip
    new = working.add(event, {"kind": "plenary", "title": "Extra", "starts_at": event.starts_at,
                              "ends_at": event.starts_at + timedelta(minutes=30)}, by=owner)  # fmt: skip
    working.cancel(event, str(s["wonen"].id), by=owner)
    working.edit(event, str(s["slot"].id), {"title": "Slot en borrel", "capacity": 50}, by=owner)
    db.session.commit()

    assert public_views(client, event, token) == before
    assert len(mails()) == sent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaChange)) == 0
    [choice] = db.session.scalars(
        sa.select(SessionChoice).where(SessionChoice.registration_id == anna.id)
    )
    assert choice.status == ChoiceStatus.CONFIRMED  # Wonen stands
    shown = {i.key: i for i in working.items(event)}
    assert shown[str(s["slot"].id)].starts_at == s["slot"].starts_at - 13 * FIVE
    assert shown[new.key].title == "Extra" and shown[str(s["wonen"].id)].is_cancelled
    assert "Extra" not in before["page"] and "Slot en borrel" not in before["page"]


def test_the_summary_is_the_net_change_not_the_keystrokes(themadag):
    event, s, owner = themadag()
    slot = s["slot"]
    press(event, slot, 13, by=owner)
    press(event, s["wonen"], 3, by=owner)
    press(event, s["wonen"], 3, step=FIVE, by=owner)  # and back: no change at all

    [difference] = releases.differences(event)

    assert difference.item.id == slot.id and difference.what == "moved"
    assert difference.before["starts_at"] == slot.starts_at.isoformat()
    assert difference.after["starts_at"] == (slot.starts_at - 13 * FIVE).isoformat()
    from app.agenda.notifications import difference_text

    def clock(moment):
        return format_clock(moment, "nl")

    was, now = (
        (slot.starts_at, slot.ends_at),
        (slot.starts_at - 13 * FIVE, slot.ends_at - 13 * FIVE),
    )
    assert difference_text(difference.what, difference.before, difference.after, "nl") == (
        f"Slot: {clock(was[0])}–{clock(was[1])} → {clock(now[0])}–{clock(now[1])}"
    )


def test_publishing_switches_everything_at_once_and_mails_each_affected_person_once(
    client, themadag, register
):
    event, s, owner = themadag()
    anna, bram, cas = (register(event, name) for name in ("Anna", "Bram", "Cas"))
    choices.choose_workshops(anna, [s["wonen"].id])
    choices.choose_workshops(bram, [s["geld"].id])
    db.session.commit()
    token = issue_feed_token(anna.participant)
    db.session.commit()
    wonen_was = s["wonen"].starts_at
    press(event, s["wonen"], 3, step=FIVE, by=owner)  # Anna's workshop: three presses
    working.cancel(event, str(s["geld"].id), by=owner)  # Bram's workshop goes
    sent = {m.id for m in mails()}
    found = {d.item.id: d for d in releases.differences(event)}
    assert (found[s["wonen"].id].affected, found[s["geld"].id].affected) == (1, 1)

    release = releases.publish(event, "Zaalwissel", by=owner)
    db.session.commit()

    assert release.number == 2 and release.note == "Zaalwissel" and release.mailed == 2
    assert sorted(c.what for c in release.lines) == ["cancelled", "moved"]
    new = [m for m in mails() if m.id not in sent]
    assert sorted(m.registration_id for m in new) == sorted([anna.id, bram.id])  # Cas: nothing
    assert {m.kind for m in new} == {"agenda_changed"}  # no separate "workshop cancelled" mail
    assert all("Zaalwissel" in m.text_body for m in new)  # the release's note is in the mail
    [to_bram] = [m for m in new if m.registration_id == bram.id]
    assert "Geschrapt: Geld" in to_bram.text_body and "andere workshop" in to_bram.text_body
    assert db.session.scalars(sa.select(SessionDraft)).all() == []
    wonen = db.session.get(Session, s["wonen"].id)
    assert wonen.starts_at == wonen_was + 3 * FIVE and wonen.ical_sequence == 1
    assert db.session.get(Session, s["geld"].id).is_cancelled
    page = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert "Versie 2" in page and "Zaalwissel" in page and "Geschrapt: Geld" in page
    mine = client.get(f"/kalender/mijn/{token}.ics").get_data(as_text=True).replace("\r\n ", "")
    assert f"{format_clock(wonen.starts_at)}–{format_clock(wonen.ends_at)} Wonen" in mine
    api = client.get(f"/api/v1/events/{event.slug}").get_json()
    # The API gives Amsterdam time with its offset: compare the moment, not UTC's date (late
    # in the evening Amsterdam's is the next day).
    assert any(x["title"] == "Wonen" and datetime.fromisoformat(x["starts_at"]) == wonen.starts_at
               for x in api["sessions"])  # fmt: skip

    # Nothing left: a second press publishes nothing and mails nobody.
    with pytest.raises(StateConflict):
        releases.publish(event, by=owner)


def test_releases_count_on_and_show_newest_first_with_their_lines(client, themadag):
    event, s, owner = themadag()
    press(event, s["slot"], 1, by=owner)
    releases.publish(event, "Eerste ronde", by=owner)
    db.session.commit()
    working.edit(event, str(s["geld"].id), {"title": "Geld en schulden"}, by=owner)
    releases.publish(event, by=owner)
    db.session.commit()

    numbers = [r.number for r in releases.releases_of(event)]
    page = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)

    assert numbers == [3, 2]
    assert page.index("Versie 3") < page.index("Versie 2")
    assert "Geld en schulden: nieuwe titel (was: Geld)" in page


def test_discarding_restores_the_release(themadag):
    event, s, owner = themadag()
    before = [(i.key, i.starts_at, i.room_id, i.status) for i in working.items(event)]
    press(event, s["slot"], 4, by=owner)
    working.add(event, {"kind": "break", "title": "Thee", "starts_at": event.starts_at,
                        "ends_at": event.starts_at + timedelta(minutes=15)}, by=owner)  # fmt: skip
    working.cancel(event, str(s["geld"].id), by=owner)
    db.session.commit()

    assert working.discard(event) == 3
    db.session.commit()

    assert [(i.key, i.starts_at, i.room_id, i.status) for i in working.items(event)] == before
    assert releases.differences(event) == []


def test_a_release_with_conflicts_is_refused_with_the_list(themadag):
    event, s, owner = themadag()
    working.move(event, str(s["geld"].id), s["geld"].starts_at, s["geld"].ends_at,
                 s["wonen"].room_id, by=owner)  # fmt: skip
    db.session.commit()

    with pytest.raises(releases.ReleaseRefused) as refused:
        releases.publish(event, by=owner)

    assert [c.rule for c in refused.value.conflicts] == ["room_overlap"]
    db.session.rollback()
    assert db.session.get(Session, s["geld"].id).room_id != s["wonen"].room_id


def test_workshop_capacities_follow_the_release(themadag, register):
    event, s, owner = themadag(capacity_wonen=1)
    anna, bram, cas = (register(event, name) for name in ("Anna", "Bram", "Cas"))
    for person in (anna, bram, cas):
        choices.choose_workshops(person, [s["wonen"].id])
    db.session.commit()

    def statuses():
        db.session.expire_all()
        return [c.status for c in db.session.scalars(
            sa.select(SessionChoice).where(SessionChoice.session_id == s["wonen"].id)
            .order_by(SessionChoice.registration_id))]  # fmt: skip

    assert statuses() == ["confirmed", "waitlisted", "waitlisted"]
    working.edit(event, str(s["wonen"].id), {"capacity": 2}, by=owner)
    db.session.commit()
    assert statuses() == ["confirmed", "waitlisted", "waitlisted"]  # not before the release

    releases.publish(event, by=owner)
    db.session.commit()
    assert statuses() == ["confirmed", "confirmed", "waitlisted"]  # Bram moved up

    working.edit(event, str(s["wonen"].id), {"capacity": 1}, by=owner)  # shrinking
    releases.publish(event, by=owner)
    db.session.commit()
    assert statuses() == ["confirmed", "confirmed", "waitlisted"]  # nobody loses a place

    working.cancel(event, str(s["wonen"].id), by=owner)
    releases.publish(event, by=owner)
    db.session.commit()
    assert statuses() == []  # a cancelled workshop's choices and waiting list end


def test_new_sessions_wait_for_the_release_and_only_they_can_be_deleted(client, themadag):
    event, s, owner = themadag()
    new = working.add(event, {"kind": "workshop", "title": "Nieuw", "starts_at": s["slot"].ends_at,
                              "ends_at": s["slot"].ends_at + timedelta(hours=1)}, by=owner)  # fmt: skip
    db.session.commit()
    with pytest.raises(StateConflict):
        working.delete(event, str(s["geld"].id))
    working.delete(event, new.key)
    db.session.commit()
    assert releases.differences(event) == []

    again = working.add(event, {"kind": "workshop", "title": "Nieuw", "starts_at": s["slot"].ends_at,
                                "ends_at": s["slot"].ends_at + timedelta(hours=1)}, by=owner)  # fmt: skip
    [difference] = releases.differences(event)
    assert difference.what == "added" and difference.affected == 0 and again.is_new
    releases.publish(event, by=owner)
    db.session.commit()
    assert "Nieuw" in client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)


def test_a_draft_event_is_edited_in_place_and_has_no_releases(themadag):
    event, s, owner = themadag(status="draft")
    was = s["slot"].starts_at
    press(event, s["slot"], 2, by=owner)
    db.session.expire_all()
    assert db.session.get(Session, s["slot"].id).starts_at == was - 2 * FIVE
    assert db.session.scalars(sa.select(SessionDraft)).all() == []
    with pytest.raises(StateConflict):
        releases.publish(event, by=owner)


def test_a_rescheduled_event_takes_its_working_copy_along(themadag):
    from app.activity import services as activity

    event, s, owner = themadag()
    press(event, s["slot"], 1, by=owner)
    moved = working.item_of(event, str(s["slot"].id)).starts_at
    activity.update_event(event, {"starts_at": event.starts_at + timedelta(days=7),
                                  "ends_at": event.ends_at + timedelta(days=7)})  # fmt: skip
    db.session.commit()
    assert working.item_of(event, str(s["slot"].id)).starts_at == moved + timedelta(days=7)
    [difference] = releases.differences(event)
    assert difference.what == "moved"


def test_a_cancelled_event_has_no_working_copy_to_edit_or_release(themadag):
    from app.activity import services as activity

    event, s, owner = themadag()
    press(event, s["slot"], 1, by=owner)
    activity.cancel_event(event)
    db.session.commit()
    assert event.is_cancelled
    with pytest.raises(StateConflict):
        press(event, s["slot"], 1, by=owner)
    with pytest.raises(StateConflict):
        releases.publish(event, by=owner)


def test_back_to_draft_the_working_copy_becomes_the_agenda(themadag):
    from app.activity import services as activity

    event, s, owner = themadag()
    was = s["slot"].starts_at
    press(event, s["slot"], 2, by=owner)
    working.add(event, {"kind": "break", "title": "Thee", "starts_at": event.starts_at,
                        "ends_at": event.starts_at + timedelta(minutes=15)}, by=owner)  # fmt: skip
    activity.unpublish_event(event)
    db.session.commit()

    db.session.expire_all()
    assert event.is_draft and db.session.scalars(sa.select(SessionDraft)).all() == []
    assert db.session.get(Session, s["slot"].id).starts_at == was - 2 * FIVE
    assert "Thee" in [i.title for i in working.items(event)]
