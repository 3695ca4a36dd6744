"""The check-in code: in the mail as an inline PNG with a text fallback, the same code on the
manage page that mail links to, stored only as a hash, and none for the waiting list."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import sqlalchemy as sa
import zxingcpp
from PIL import Image

from app.attendance import codes, services
from app.attendance.models import CheckInCode
from app.extensions import db


def qr_in(message) -> str:
    png = next(p for p in message.walk() if p.get_content_type() == "image/png")
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_payload(decode=True))))
    return found.text


def test_the_mail_and_the_manage_page_carry_the_same_code_stored_only_hashed(client, mailbox,
                                                                            make_event):  # fmt: skip
    event = make_event(title="Kenniscafé")
    client.post(f"/activiteiten/{event.slug}/aanmelden",
                data={"name": "Anna", "email": "anna@example.org", "privacy": "y"})  # fmt: skip
    [message] = mailbox.wait_for(1)
    url = qr_in(message)
    assert url.startswith("http://kennisagenda.test/balie/c/")
    code = url.rsplit("/", 1)[1]
    assert len(code) >= 22  # 128 bits
    text = message.get_body(("plain",)).get_content()
    # Without images: what to do instead (the URL itself opens only the desk's login).
    assert url not in text and "Noem dan uw naam" in text
    manage_url = re.search(r"http://kennisagenda\.test(/aanmelding/[\w-]+)", text).group(1)
    assert codes.code_from_manage_token(manage_url.rsplit("/", 1)[1]) == code

    page = client.get(manage_url).get_data(as_text=True)
    assert "<svg" in page and 'class="qr"' in page and "Uw aanmeldcode" in page
    stored = db.session.scalars(sa.select(CheckInCode.code_hash)).all()
    assert len(stored) == 1 and code not in stored[0]  # one code, and only its hash
    assert codes.registration_for_code(code).participant.email == "anna@example.org"


def test_the_waiting_list_gets_no_code_and_a_cancelled_one_opens_no_button(
    client, auth, mailbox, make_event, make_user, register
):
    owner = make_user()
    event = make_event(owner=owner, capacity=1, starts_in=timedelta(hours=2))
    anna = register(event, "Anna")
    waiting = register(event, "Bob")
    [_first, to_waiting] = mailbox.wait_for(2)
    assert waiting.is_waitlisted and not any(
        p.get_content_type() == "image/png" for p in to_waiting.walk())  # fmt: skip
    code = codes.issue_code(anna)
    db.session.commit()
    from app.activity import services as activity

    activity.cancel_registration(anna.id, by="attendee")
    db.session.commit()
    auth.login(owner.email)
    page = client.get(f"/balie/c/{code}").get_data(as_text=True)
    assert "Geannuleerd" in page and "Aanwezig</button>" not in page
    refused = client.post(f"/balie/c/{code}")
    assert refused.status_code == 409
    assert services.standing(anna.id, None) is None
