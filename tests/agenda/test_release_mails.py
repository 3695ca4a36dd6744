"""A release's mails are written with the release, under the event's lock, and rendered after
its commit: the lock covers the decision, not 300 renderings; nothing is lost in between."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.activity import services as activity
from app.agenda import choices, releases, working
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import deliver_pending
from app.registration import services as registration

LATER = timedelta(minutes=30)


@pytest.fixture(autouse=True)
def _mail_left_in_the_outbox(app):
    # Nothing is sent until `outbox send`: as if the process stopped right after the commit.
    # (Set on the shared app, which the fixture restores afterwards: another configuration
    # would build a new app for this module.)
    app.config["MAIL_DELIVERY"] = "manual"


def released_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == "agenda_changed")
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _earlier_mail_sent(mailbox) -> None:
    deliver_pending()  # the registrations' own mails
    mailbox.clear()


def _move_later(event, session, by) -> None:
    item = working.item_of(event, str(session.id))
    working.move(event, item.key, item.starts_at + LATER, item.ends_at + LATER, item.room_id, by=by)
    db.session.commit()


def test_the_release_commits_its_rows_without_their_text(app, themadag, register):
    event, s, owner = themadag()
    register(event, "Anna")
    register(event, "Bram")
    _move_later(event, s["slot"], owner)
    seen_at_commit = []

    def before_commit(session):
        columns = (OutboxMessage.composer, OutboxMessage.text_body, OutboxMessage.calendar)
        query = sa.select(*columns).where(OutboxMessage.kind == "agenda_changed")
        seen_at_commit.extend(tuple(row) for row in session.execute(query))

    sa_event.listen(Session, "before_commit", before_commit)
    try:
        release = releases.publish(event, note="De lunch schuift mee.", by=owner)
        db.session.commit()
    finally:
        sa_event.remove(Session, "before_commit", before_commit)
    assert release.mailed == 2
    # Inside the locked transaction: the promises, not the renderings.
    assert seen_at_commit == [("agenda.changed", "", None)] * 2
    assert [(r.status, r.composer) for r in released_rows()] == [("pending", "agenda.changed")] * 2


def test_the_sender_renders_what_the_release_changed_for_each_person(
    app, mailbox, themadag, register
):
    event, s, owner = themadag()
    anna = register(event, "Anna")
    choices.choose_workshops(anna, [s["wonen"].id])
    db.session.commit()
    _move_later(event, s["slot"], owner)
    working.cancel(event, str(s["wonen"].id), by=owner)
    db.session.commit()
    _earlier_mail_sent(mailbox)
    releases.publish(event, note="De lunch schuift mee.", by=owner)
    db.session.commit()

    assert len(deliver_pending().sent) == 1
    [row] = released_rows()
    assert (row.status, row.composer, row.composer_input) == (OutboxStatus.SENT, "", None)
    assert row.subject == f"Programma gewijzigd: {event.title}"
    body = row.text_body
    assert "Slot" in body and "Wonen" in body  # both lines concern her
    assert "De lunch schuift mee." in body
    assert "Een geschrapte workshop die u had gekozen vervalt" in body
    assert "METHOD:REQUEST" in row.calendar
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == row.subject


def test_each_mail_holds_only_the_lines_of_its_release_that_concern_its_person(
    app, mailbox, themadag, register
):
    event, s, owner = themadag()
    anna, bram = register(event, "Anna"), register(event, "Bram")
    choices.choose_workshops(anna, [s["wonen"].id])
    choices.choose_workshops(bram, [s["geld"].id])
    db.session.commit()
    working.edit(event, str(s["geld"].id), {"title": "Geld en schulden"}, by=owner)
    db.session.commit()
    releases.publish(event, by=owner)  # told to Bram already: in neither mail below
    db.session.commit()
    _earlier_mail_sent(mailbox)
    working.edit(event, str(s["wonen"].id), {"title": "Wonen en zorg"}, by=owner)
    working.edit(event, str(s["geld"].id), {"title": "Geld en armoede"}, by=owner)
    db.session.commit()
    assert releases.publish(event, by=owner).mailed == 2
    db.session.commit()
    deliver_pending()
    bodies = {row.recipient: row.text_body for row in released_rows()[-2:]}
    assert "Wonen en zorg" in bodies["anna@example.org"]
    assert "Geld" not in bodies["anna@example.org"]
    assert "Geld en armoede" in bodies["bram@example.org"]
    assert "Wonen" not in bodies["bram@example.org"]
    assert "Geld en schulden →" not in bodies["bram@example.org"].replace("\n", " ")


def _released_to_anna_and_bram(themadag, register, mailbox):
    event, s, owner = themadag()
    anna, bram = register(event, "Anna"), register(event, "Bram")
    _move_later(event, s["slot"], owner)
    _earlier_mail_sent(mailbox)
    releases.publish(event, by=owner)
    db.session.commit()
    return event, anna, bram


def test_someone_who_cancelled_and_registered_again_gets_only_their_new_confirmation(
    app, mailbox, themadag, register
):
    event, anna, _bram = _released_to_anna_and_bram(themadag, register, mailbox)
    registration.cancel(anna.id, by="participant")
    db.session.commit()
    register(event, "Anna")  # the same row, a new place: its mail shows the agenda as it is
    deliver_pending()
    statuses = {r.recipient: r.status for r in released_rows()}
    assert statuses == {"anna@example.org": OutboxStatus.SUPERSEDED,
                        "bram@example.org": OutboxStatus.SENT}  # fmt: skip


def test_nobody_hears_of_a_release_of_an_event_cancelled_before_it_was_rendered(
    app, mailbox, themadag, register
):
    event, _anna, _bram = _released_to_anna_and_bram(themadag, register, mailbox)
    activity.cancel_event(event)
    db.session.commit()
    deliver_pending()
    assert {r.status for r in released_rows()} == {OutboxStatus.SUPERSEDED}
    assert {m["Subject"].split(":")[0] for m in mailbox.wait_for(2)} == {"Geannuleerd"}


def test_someone_who_cancelled_before_it_was_rendered_gets_no_release_mail(
    app, mailbox, themadag, register
):
    event, s, owner = themadag()
    anna = register(event, "Anna")
    register(event, "Bram")
    _move_later(event, s["slot"], owner)
    _earlier_mail_sent(mailbox)
    releases.publish(event, by=owner)
    db.session.commit()
    registration.cancel(anna.id, by="participant")  # before the sender came round
    db.session.commit()

    deliver_pending()  # her cancellation's mail, Bram's release mail
    statuses = {r.recipient: r.status for r in released_rows()}
    assert statuses == {"anna@example.org": OutboxStatus.SUPERSEDED,
                        "bram@example.org": OutboxStatus.SENT}  # fmt: skip
    assert sorted(m["Subject"].split(":")[0] + " " + m["To"] for m in mailbox.wait_for(2)) == [
        "Afmelding anna@example.org",
        "Programma gewijzigd bram@example.org",
    ]
