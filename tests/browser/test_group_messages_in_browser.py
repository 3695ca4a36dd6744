"""An organiser's group message in Chromium, on a phone and a laptop: the page with its
audiences and the preview fit the screen (no sideways scrolling), pass axe (WCAG 2.1 AA) and
break no Content Security Policy — the mail in the preview's frame keeps its own look —, and
the message written, previewed, tested and sent arrives with its paragraphs as written."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.registration.models import GroupMessage
from tests.browser.fixtures import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
WIDTHS = (390, 1280)


def fits(page) -> bool:
    page.wait_for_load_state("load")  # a page reached by a click may still be loading its CSS
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shoot(page, name: str, width: int) -> None:
    """The whole page. A window as tall as the page, not a full-page capture: Chromium's
    full-page capture leaves the preview's frame blank."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(200)
    page.screenshot(path=str(ARTEFACTS / f"message-{name}-{width}.png"))
    page.set_viewport_size({"width": width, "height": 900})


@pytest.mark.parametrize("width", WIDTHS)
def test_write_preview_test_and_send_on_a_phone_and_a_laptop(
    page, live_server, mailbox, make_user, make_event, register, width
):
    owner = make_user(email="organisator.met.een.lang.adres@wijkteams-gelderland.example.org",
                      name="Olga Organisator")  # fmt: skip
    event = make_event(owner=owner, title="Kenniscafé: Wat gaat er goed tussen generaties?",
                       capacity=2)  # fmt: skip
    for name in ("Anna de Vries-van Oosterhout", "Bram", "Cas"):
        register(event, name)
    mailbox.clear()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(owner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.goto(live_server + f"/beheer/activiteiten/{event.id}/bericht")
    assert page.locator("#audience-confirmed").is_checked()
    assert "2 personen" in page.locator("label[for=audience-confirmed]").inner_text()
    assert fits(page), "the message page scrolls sideways"
    assert axe_violations(page) == []
    shoot(page, "page", width)

    page.locator("#audience-waitlisted").check()
    page.locator("#audience-confirmed").check()
    page.get_by_label("Onderwerp").fill("Parkeren bij De Schakel")
    page.get_by_label("Bericht").fill("Beste {naam},\n\nParkeer achter het gebouw.\n\nTot dan!")
    page.get_by_role("button", name="Voorbeeld").click()

    assert page.locator("h1").inner_text() == "Voorbeeld"
    frame = page.frame_locator("iframe.mail-frame")
    assert "Beste Anna de Vries-van Oosterhout," in frame.locator("body").inner_text()
    # The mail's own inline styles apply inside the frame (allowed by their hashes only).
    button = frame.get_by_role("link", name="Uw aanmelding bekijken of wijzigen")
    assert button.evaluate("a => getComputedStyle(a).backgroundColor") == "rgb(10, 79, 122)"
    assert page.csp_violations == []
    assert fits(page), "the preview scrolls sideways"
    assert axe_violations(page) == []
    shoot(page, "preview", width)

    page.get_by_role("button", name="Stuur mij een test").click()
    assert "Testbericht verstuurd aan" in page.locator(".notice-success").inner_text()
    [test] = mailbox.wait_for(1)
    assert test["To"] == owner.email and test["Subject"] == "[Test] Parkeren bij De Schakel"

    mailbox.clear()
    page.get_by_role("button", name="Versturen aan 2 personen").click()
    assert "Bericht verstuurd aan 2 personen." in page.locator(".flashes").inner_text()
    assert page.locator("h1").inner_text() == "Parkeren bij De Schakel"
    assert fits(page) and axe_violations(page) == []
    shoot(page, "sent", width)

    received = {m["To"]: m for m in mailbox.wait_for(2)}
    text = received["bram@example.org"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Beste Bram,\n\nParkeer achter het gebouw.\n\nTot dan!" in text  # paragraphs kept
    [sent] = db.session.scalars(sa.select(GroupMessage)).all()
    assert sent.body == "Beste {naam},\n\nParkeer achter het gebouw.\n\nTot dan!"

    page.get_by_role("link", name="Verzonden berichten").first.click()
    assert "Parkeren bij De Schakel" in page.locator(".message-history").inner_text()
    assert fits(page) and axe_violations(page) == []
    shoot(page, "history", width)
