"""Changing the published demo themadag in Chromium: thirteen presses and a drag stay in the
working copy while a visitor's page does not move; a release with a clash is refused on the
editor itself; the release is one line per session, and the registrant's feed follows."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.agenda import choices
from app.agenda.models import Session
from app.calendar.tokens import issue_feed_token
from app.extensions import db
from app.mail.models import OutboxMessage
from app.programme.models import Event
from app.registration.services import RegistrationDetails, register
from tests.browser.fixtures import axe_violations, drag_to_column

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
SLUG = "themadag-generaties-in-de-wijk"
GELD = "Het gesprek over geld tussen ouders en kinderen"
VERHALEN = "Verhalen ophalen in de wijk: narratieve methoden"


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def anna_chooses_geld() -> tuple:
    event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
    anna = register(event.id, RegistrationDetails(name="Anna de Vries", email="anna@example.org"))
    db.session.commit()
    geld = db.session.scalar(sa.select(Session).where(Session.title == GELD))
    choices.choose_workshops(anna.registration, [geld.id])
    token = issue_feed_token(anna.registration.participant)
    db.session.commit()
    return event, anna.registration, token


def programme_text(page, url: str) -> str:
    page.goto(url)
    return page.locator("#programma").inner_text()


def moved(page, action) -> None:
    """Do `action` on the grid and wait until the server has answered it."""
    with page.expect_response(lambda r: "/verplaatsen" in r.url) as answer:
        action()
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_timeout(50)  # the grid re-renders from the answer


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])  # fmt: skip


def test_thirteen_presses_and_a_drag_stay_in_the_working_copy_until_one_release(
    page, browser, live_server, demo, app, client
):
    app.config["BASE_URL"] = live_server
    event, anna, token = anna_chooses_geld()
    public_url = f"{live_server}/activiteiten/{SLUG}"
    visitor = browser.new_context(locale="nl-NL").new_page()
    before = programme_text(visitor, public_url)
    mails_before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))

    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill("organisator@kennisagenda.example")
    page.get_by_label("Wachtwoord").fill("demo-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server}/beheer/activiteiten/{event.id}/programma")
    grid = page.locator("#timetable-grid")
    geld = grid.locator(".tt-block", has_text="gesprek over geld")
    geld.wait_for()

    for _press in range(13):  # 13.00–14.15 → 11.55–13.10: clashes in Zaal 1.12 and for Demir
        moved(page, lambda: (geld.focus(), page.keyboard.press("ArrowUp")))
    verhalen = grid.locator(".tt-block", has_text="Verhalen ophalen")
    moved(page, lambda: drag_to_column(page, verhalen, "Zaal 2.03"))  # onto Digitale inclusie
    digitaal = grid.locator(".tt-block", has_text="Digitale inclusie")
    assert "has-conflict" in verhalen.get_attribute("class")
    assert "has-conflict" in digitaal.get_attribute("class")
    assert not overlap(verhalen.bounding_box(), digitaal.bounding_box())  # side by side
    assert axe_violations(page) == []
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / "agenda-editor-clash-1280.png", full_page=True)

    assert programme_text(visitor, public_url) == before  # nobody else sees any of it
    lines = page.locator("#working-lines li")  # the panel follows the grid, no reload
    assert (
        lines.count() == 2
        and "13.00–14.15 → 11.55–13.10" in lines.all_inner_texts()[0] + lines.all_inner_texts()[1]
    )

    page.get_by_role("link", name="Wijzigingen publiceren").click()
    refusal = page.locator("#publiceren-geweigerd")
    assert "tegelijk in Zaal 2.03" in refusal.inner_text()
    assert "Demir" in refusal.inner_text() or "tegelijk in Zaal 1.12" in refusal.inner_text()

    grid.locator(".tt-block").first.wait_for()
    moved(
        page,
        lambda: drag_to_column(
            page, grid.locator(".tt-block", has_text="Verhalen ophalen"), "Aula"
        ),
    )
    for _press in range(1):  # 12.00–13.15: the morning workshop in Zaal 1.12 ends at 12.00
        moved(page, lambda: (geld.focus(), page.keyboard.press("ArrowDown")))
    assert page.locator("#working-lines li").count() == 2

    page.get_by_role("link", name="Wijzigingen publiceren").click()
    rows = page.locator("table.differences tbody tr")
    assert rows.count() == 2  # thirteen presses and one back are one line
    assert (
        f"{GELD}: 13.00–14.15 → 12.00–13.15"
        in rows.all_inner_texts()[0] + rows.all_inner_texts()[1]
    )
    assert "1 persoon" in page.locator("table.differences").inner_text()  # Anna
    assert axe_violations(page) == []
    page.screenshot(path=ARTEFACTS / "agenda-release-summary-1280.png", full_page=True)
    page.get_by_label("Toelichting bij deze versie (optioneel)").fill("Ronde 2 begint eerder.")
    page.get_by_role("button", name="Publiceren en berichten versturen").click()
    assert "Versie 2 gepubliceerd" in page.locator(".flashes").inner_text()

    after = programme_text(visitor, public_url)
    assert after != before and "12.00–13.15" in after
    assert "Versie 2" in after and "Ronde 2 begint eerder." in after
    changes = visitor.locator("#programma .releases-list li ul li").all_inner_texts()
    assert len(changes) == 2
    feed = client.get(f"/kalender/mijn/{token}.ics").get_data(as_text=True).replace("\r\n ", "")
    assert f"12.00–13.15 {GELD}" in feed
    db.session.expire_all()
    told = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "agenda_changed")
    ).all()
    assert [m.registration_id for m in told] == [anna.id]  # once, and only her
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == mails_before + 1
    )
    assert page.csp_violations == []
    assert "gelijk aan versie 2" in page.locator(".working-copy").inner_text()
