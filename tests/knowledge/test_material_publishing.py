"""Publishing an event's materials after it is over: everyone who had a place gets one mail,
in their language, with public materials by their address and attendee-only ones through a
personal link that works; nobody is told twice about the same materials."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.knowledge import materials
from app.knowledge.models import Material
from app.mail.models import OutboxMessage
from app.registration import messages
from tests.knowledge import material_world

past_evening, add_material = material_world.past_evening, material_world.add_material  # fixtures


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def publish(client, auth, evening):
    auth.login(evening.owner.email)
    return client.post(f"/beheer/activiteiten/{evening.event.id}/materialen/publiceren")


def test_those_who_had_a_place_get_one_mail_with_working_links(
    client, auth, past_evening, add_material, mailbox
):
    evening = past_evening()
    public = add_material(evening.event, "Slides van de avond")
    secret = add_material(evening.event, "Werkblad voor deelnemers", audience="attendees")
    link = add_material(evening.event, "De video", url="https://example.org/video")

    response = publish(client, auth, evening)
    assert response.status_code == 302
    received = mailbox.wait_for(2)
    assert sorted(m["To"] for m in received) == ["anna.de.vries@example.org", "cas.kok@example.org"]
    db.session.expire_all()
    assert all(m.is_published for m in db.session.scalars(sa.select(Material)))

    [anna] = mailbox.to("anna.de.vries@example.org")
    assert anna["Subject"] == f"Materialen van {evening.event.title}"
    text = text_of(anna)
    assert f"- Slides van de avond: http://kennisagenda.test/materialen/{public.id}" in text
    assert "- De video: https://example.org/video" in text
    personal = re.search(
        rf"- Werkblad voor deelnemers: http://kennisagenda\.test(/aanmelding/[\w-]+/materialen/{secret.id})",
        text,
    ).group(1)  # fmt: skip
    assert client.get(personal).status_code == 200  # the personal link opens the file
    assert "List-Unsubscribe" in anna
    assert link.id

    # A second click (or a second organiser) finds nothing new: no second mail.
    mailbox.clear()
    again = publish(client, auth, evening)
    assert again.status_code == 302
    assert "Er was niets nieuws om te publiceren" in client.get(again.location).get_data(
        as_text=True
    )
    assert mailbox.wait_for(1, timeout=1) == []


def test_the_mail_is_queued_once_per_person_also_when_published_twice_in_a_row(
    past_evening, add_material, mailbox
):
    evening = past_evening()
    add_material(evening.event, "Slides")
    first = materials.publish_event_materials(evening.event)
    db.session.commit()
    second = materials.publish_event_materials(evening.event)
    db.session.commit()
    assert (len(first.materials), first.mailed) == (1, 2)
    assert (second.materials, second.mailed) == ([], 0)
    kinds = db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == "materials_published")
    ).all()
    assert sorted(kinds) == ["anna.de.vries@example.org", "cas.kok@example.org"]


def test_a_later_material_is_announced_on_its_own(past_evening, add_material, mailbox):
    evening = past_evening()
    add_material(evening.event, "Slides")
    materials.publish_event_materials(evening.event)
    db.session.commit()
    mailbox.wait_for(2)
    mailbox.clear()
    add_material(evening.event, "Het verslag", kind="report")
    assert materials.publish_event_materials(evening.event).mailed == 2
    db.session.commit()
    for message in mailbox.wait_for(2):
        assert "Het verslag" in text_of(message) and "Slides" not in text_of(message)


def test_nobody_who_waited_cancelled_or_stopped_the_messages_is_written_to(
    past_evening, add_material, mailbox
):
    evening = past_evening()
    messages.stop_group_messages(evening.people["Cas Kok"])
    add_material(evening.event, "Slides")
    assert materials.publish_event_materials(evening.event).mailed == 1
    db.session.commit()
    assert [m["To"] for m in mailbox.wait_for(1)] == ["anna.de.vries@example.org"]


def test_publishing_waits_until_the_event_is_over(
    client, auth, make_user, make_event, add_material
):
    owner = make_user()
    event = make_event(owner=owner)
    add_material(event, "Slides")
    auth.login(owner.email)
    response = client.post(f"/beheer/activiteiten/{event.id}/materialen/publiceren")
    assert response.status_code == 409
    assert "Materialen publiceert u na afloop van de activiteit." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Material.published_at)) is None


def test_the_mail_speaks_the_registrants_language(past_evening, add_material, mailbox):
    evening = past_evening()
    evening.people["Anna de Vries"].language = "en"
    db.session.commit()
    add_material(evening.event, "Slides")
    materials.publish_event_materials(evening.event)
    db.session.commit()
    [message] = [m for m in mailbox.wait_for(2) if m["To"] == "anna.de.vries@example.org"]
    assert message["Subject"] == f"Materials of {evening.event.title}"
