"""A speaker is shared by every event, so not every organiser may change them: admins, whoever
added them and the organisers of an event where they lead a session. Every edit is recorded,
and their e-mail address is shown only to those who may edit them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.agenda import services as agenda
from app.agenda import speakers
from app.agenda.models import Speaker, SpeakerEdit
from app.extensions import db
from app.programme import services as programme

ADDRESS = "hanneke@voorbeeld.nl"
NEW_DETAILS = {"name": "Hanneke Smit-de Vries", "organisation": "Buurtwerk Oost",
               "bio": "Schuldhulpverlener", "email": ADDRESS}  # fmt: skip


@pytest.fixture
def hanneke(make_user, make_event):
    """Speaker Hanneke, added by Carol, leads a session at Alice's event. Returns
    (speaker, {"alice", "carol"}): the organisers who may edit her, besides the admins."""
    alice, carol = make_user(name="Alice"), make_user(name="Carol")
    speaker = speakers.save_speaker(
        {"name": "Hanneke Smit", "organisation": "Buurtwerk", "email": ADDRESS}, by=carol
    )
    event = make_event(owner=alice, kind="themadag", status="draft", hours=4)
    agenda.add_session(event, {"kind": "plenary", "title": "Geldzorgen", "starts_at": event.starts_at,
                               "ends_at": event.starts_at + timedelta(hours=1)}, speakers=[speaker])  # fmt: skip
    programme.publish_event(event)
    db.session.commit()
    return speaker, {"alice": alice, "carol": carol}


@pytest.fixture
def bob(make_user, make_event):
    """An organiser with an event of his own, where Hanneke does not speak."""
    bob = make_user(name="Bob")
    make_event(owner=bob)
    return bob


def stored(speaker_id: int) -> tuple[Speaker, list[SpeakerEdit]]:
    db.session.expire_all()
    edits = db.session.scalars(sa.select(SpeakerEdit).where(SpeakerEdit.speaker_id == speaker_id))
    return db.session.get(Speaker, speaker_id), list(edits)


def test_an_organiser_cannot_edit_a_speaker_of_other_organisers_events(client, auth, hanneke, bob):
    speaker, _ = hanneke
    auth.login(bob.email)

    assert client.get(f"/beheer/sprekers/{speaker.id}").status_code == 403
    assert client.post(f"/beheer/sprekers/{speaker.id}", data=NEW_DETAILS).status_code == 403

    after, edits = stored(speaker.id)
    assert (after.name, after.organisation, edits) == ("Hanneke Smit", "Buurtwerk", [])


def test_an_organiser_does_not_see_the_address_of_a_speaker_they_may_not_edit(
    client, auth, hanneke, bob
):
    speaker, _ = hanneke
    auth.login(bob.email)

    page = client.get("/beheer/sprekers").get_data(as_text=True)

    assert "Hanneke Smit" in page  # she may be picked for his events
    assert ADDRESS not in page and f"/beheer/sprekers/{speaker.id}" not in page


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_the_event_organiser_and_the_one_who_added_a_speaker_may_edit_and_see_the_address(
    client, auth, hanneke, who
):
    speaker, may = hanneke
    auth.login(may[who].email)

    assert ADDRESS in client.get("/beheer/sprekers").get_data(as_text=True)
    assert client.get(f"/beheer/sprekers/{speaker.id}").status_code == 200
    assert client.post(f"/beheer/sprekers/{speaker.id}", data=NEW_DETAILS).status_code == 302

    after, [edit] = stored(speaker.id)
    assert after.name == "Hanneke Smit-de Vries"
    assert edit.changed_by_id == may[who].id
    assert edit.before == {"name": "Hanneke Smit", "organisation": "Buurtwerk", "bio": "",
                           "email": ADDRESS}  # fmt: skip
    assert edit.after == NEW_DETAILS


def test_an_admin_may_edit_any_speaker(client, auth, make_user, hanneke):
    speaker, _ = hanneke
    admin = make_user(role="admin")
    auth.login(admin.email)

    assert ADDRESS in client.get("/beheer/sprekers").get_data(as_text=True)
    assert client.post(f"/beheer/sprekers/{speaker.id}", data=NEW_DETAILS).status_code == 302

    after, [edit] = stored(speaker.id)
    assert after.organisation == "Buurtwerk Oost" and edit.changed_by_id == admin.id


def test_an_organiser_may_edit_a_speaker_once_she_leads_a_session_at_his_published_event(
    client, auth, make_event, hanneke, bob
):
    speaker, _ = hanneke
    event = make_event(owner=bob, kind="themadag", status="draft", hours=4)
    auth.login(bob.email)
    assert client.get(f"/beheer/sprekers/{speaker.id}").status_code == 403

    agenda.add_session(event, {"kind": "plenary", "title": "Schulden", "starts_at": event.starts_at,
                               "ends_at": event.starts_at + timedelta(hours=1)}, speakers=[speaker])  # fmt: skip
    db.session.commit()
    # Putting her in his own draft is no way to her address ...
    assert client.get(f"/beheer/sprekers/{speaker.id}").status_code == 403
    programme.publish_event(event)  # ... being on his public programme is
    db.session.commit()

    assert client.get(f"/beheer/sprekers/{speaker.id}").status_code == 200
    assert ADDRESS in client.get("/beheer/sprekers").get_data(as_text=True)
