"""Building a themadag's agenda in the timetable editor by dragging, in a real Chromium."""

import re
from datetime import timedelta

import pytest

from app.agenda import services as agenda
from app.extensions import db
from app.timezones import AMSTERDAM, utcnow
from tests.browser.fixtures import axe_violations, drag_to_column
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def small_themadag(make_user, make_event):
    owner = make_user(email="sanne@example.org")
    day = (utcnow() + timedelta(days=14)).astimezone(AMSTERDAM)
    nine = day.replace(hour=9, minute=0, second=0, microsecond=0)
    event = make_event(owner=owner, kind="themadag", status="draft", hours=6, capacity=50,
                       title="Kleine themadag", starts_at=nine)  # fmt: skip
    agenda.add_room(event, {"name": "Zaal A", "capacity": 10})
    agenda.add_room(event, {"name": "Zaal B", "capacity": 10})
    start = event.starts_at + timedelta(hours=1)
    # Overlapping by half an hour: one ronde, and each block's top stays visible to grab.
    for offset, title in ((0, "Wonen"), (30, "Geld")):
        begins = start + timedelta(minutes=offset)
        agenda.add_session(event, {"kind": "workshop", "title": title, "starts_at": begins,
                                   "ends_at": begins + timedelta(hours=1)})  # fmt: skip
    db.session.commit()
    return event, owner


def test_build_by_dragging_flag_and_undo_a_conflict_publish_register_and_change(
    page, live_server, small_themadag, mailbox, app
):
    app.config["BASE_URL"] = live_server
    event, owner = small_themadag
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(owner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server + f"/beheer/activiteiten/{event.id}/programma")
    grid = page.locator("#timetable-grid")
    grid.locator(".tt-block").first.wait_for()
    assert axe_violations(page) == []

    wonen = grid.locator(".tt-block", has_text="Wonen")
    geld = grid.locator(".tt-block", has_text="Geld")
    drag_to_column(page, wonen, "Zaal A")
    expect_text(page, "Wonen, ", "Zaal A")
    drag_to_column(page, geld, "Zaal A")
    page.locator(".tt-block.has-conflict").nth(1).wait_for()
    assert "tegelijk in Zaal A" in page.locator("#conflict-list").inner_text()

    page.get_by_role("button", name="Laatste wijziging ongedaan maken").click()
    page.locator(".conflict-none").wait_for()
    assert page.locator(".tt-block.has-conflict").count() == 0

    geld.focus()  # the keyboard does what the mouse does: Geld one room to the left, to Zaal B
    page.keyboard.press("ArrowLeft")
    expect_text(page, "Geld, ", "Zaal B")

    handle = grid.locator(".tt-block", has_text="Geld").locator(".tt-handle")  # drag the lower edge
    box = handle.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, box["y"] + 2 + 6 * 3, steps=5)  # three 5-minute rows longer
    page.mouse.up()
    expect_text(page, "Geld, 10.30–11.45")  # was 10.30–11.30
    assert page.locator(".conflict-none").count() == 1
    assert axe_violations(page) == []

    page.goto(live_server + f"/beheer/activiteiten/{event.id}")
    page.get_by_role("button", name="Publiceren").click()
    assert "staat nu in het programma" in page.locator(".flashes").inner_text()
    page.get_by_role("button", name="Uitloggen").click()

    page.goto(live_server + f"/activiteiten/{event.slug}")
    assert "Ronde 1" in page.locator("#programma").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Naam").fill("Anna de Vries")
    page.get_by_label("E-mailadres").fill("anna@example.org")
    page.get_by_label(re.compile("^Wonen")).check()
    page.get_by_label("Ik heb de privacyverklaring gelezen.").check()
    page.get_by_role("button", name="Aanmelden").click()
    assert "Kijk in uw mail" in page.locator("main").inner_text()

    [message] = mailbox.wait_for(1)
    link = re.search(
        re.escape(live_server) + r"/aanmelding/[\w-]+",
        message.get_body(preferencelist=("plain",)).get_content(),
    ).group(0)
    page.goto(link)
    assert "Wonen" in page.locator("main ul.summary-workshops").inner_text()
    page.get_by_role("link", name="Workshops kiezen of wijzigen").click()
    page.get_by_label(re.compile("^Geld")).check()
    page.get_by_role("button", name="Keuze opslaan").click()
    assert "Uw keuze is opgeslagen." in page.locator(".flashes").inner_text()
    assert "Geld" in page.locator("main ul.summary-workshops").inner_text()
    assert page.csp_violations == []


def expect_text(page, *parts):
    """Wait until the grid's live region has announced a move that mentions every part."""
    page.wait_for_function(
        "parts => parts.every(p => document.getElementById('timetable-status').textContent.includes(p))",
        arg=list(parts),
    )
