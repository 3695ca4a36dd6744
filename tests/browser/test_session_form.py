"""The session form in a real Chromium: the end follows the start, a new speaker is added in a
dialog without losing what was typed, and the speaker list can be searched."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.agenda import services as agenda
from app.agenda.models import Session, Speaker
from app.agenda.speakers import save_speaker
from app.extensions import db
from app.timezones import AMSTERDAM, utcnow
from tests.browser.fixtures import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SPEAKERS = [("Anna de Vries", "Buurtteam"), ("Bram Çelik", "Gemeente Nijmegen"),
            ("José Martins", ""), ("Karin Jansen", "")]  # fmt: skip


@pytest.fixture
def draft_themadag(make_user, make_event):
    """A draft themadag at 09.00 in two weeks, with Zaal A and Zaal B and four speakers."""
    owner = make_user(email="sanne@example.org")
    day = (utcnow() + timedelta(days=14)).astimezone(AMSTERDAM)
    nine = day.replace(hour=9, minute=0, second=0, microsecond=0)
    event = make_event(owner=owner, kind="themadag", status="draft", hours=8, capacity=50,
                       title="Themadag armoede", starts_at=nine)  # fmt: skip
    rooms = [
        agenda.add_room(event, {"name": name, "capacity": 20}) for name in ("Zaal A", "Zaal B")
    ]
    for name, organisation in SPEAKERS:
        save_speaker({"name": name, "organisation": organisation})
    db.session.commit()
    return event, owner, rooms


def log_in(page, live_server, user):
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/beheer/activiteiten"))


def open_new_form(page, live_server, event, query=""):
    page.goto(f"{live_server}/beheer/activiteiten/{event.id}/programma/nieuw{query}")
    page.locator("#speaker-search").wait_for()  # session_form.js has run


def local(event, hours: float) -> str:
    """The datetime-local value `hours` after the event's start."""
    return (event.starts_at.astimezone(AMSTERDAM) + timedelta(hours=hours)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def visible_speakers(page) -> list[str]:
    return page.locator("#speaker-list .check:visible label").all_inner_texts()


def assert_no_sideways_scroll(page):
    """Nothing makes the page wider than the window; what sticks out is named in the failure
    (a box, or text overflowing its box: a long Dutch word in a heading)."""
    wider = page.evaluate("""() => {
        if (document.documentElement.scrollWidth <= innerWidth) { return []; }
        const out = [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5
                           || e.scrollWidth > e.clientWidth + 0.5 && getComputedStyle(e).overflowX === "visible")
            .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                        + (e.className ? "." + e.className : ""));
        return out.length ? out : ["scrollWidth " + document.documentElement.scrollWidth];
    }""")
    assert wider == [], f"wider than the window: {wider}"


def screenshots(page, name: str, full_page: bool = True) -> None:
    """At a phone's and a desktop's width; a modal dialog is shot as the window shows it."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.evaluate(
            "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        if size is PHONE:
            assert_no_sideways_scroll(page)
        page.screenshot(
            path=ARTEFACTS / f"session-form-{name}-{size['width']}.png", full_page=full_page
        )


def test_the_grid_prefill_and_the_end_moving_along_with_the_start(
    page, live_server, draft_themadag
):
    event, owner, (_, zaal_b) = draft_themadag
    log_in(page, live_server, owner)
    open_new_form(page, live_server, event,
                  f"?starts_at={local(event, 1)}&ends_at={local(event, 1.75)}&room_id={zaal_b.id}")  # fmt: skip
    start, end = page.get_by_label("Begint om"), page.get_by_label("Eindigt om")
    assert start.input_value() == local(event, 1) and end.input_value() == local(event, 1.75)
    assert page.get_by_label("Zaal").locator("option:checked").inner_text() == "Zaal B"

    start.fill(local(event, 2.5))  # 45 minutes long, as the organiser drew it on the grid
    assert end.input_value() == local(event, 3.25)
    end.fill(local(event, 4))  # the organiser's own end sets the new length: 90 minutes
    start.fill(local(event, 5))
    assert end.input_value() == local(event, 6.5)
    start.fill(local(event, 15.5))  # across midnight
    assert end.input_value() == local(event, 17)
    assert "schuift mee" in page.locator("#ends-follow-hint").inner_text()
    assert "ends-follow-hint" in end.get_attribute("aria-describedby")
    assert page.csp_violations == []


def test_a_speaker_added_in_the_dialog_is_checked_and_saved_without_losing_the_form(
    page, live_server, draft_themadag
):
    event, owner, (zaal_a, _) = draft_themadag
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, owner)
    open_new_form(page, live_server, event,
                  f"?starts_at={local(event, 1)}&ends_at={local(event, 2)}&room_id={zaal_a.id}")  # fmt: skip
    assert page.get_by_role("link", name="Een spreker toevoegen").is_hidden()  # the dialog instead
    page.get_by_label("Titel").fill("Schulden voorkomen")
    page.get_by_label("Karin Jansen").check()
    assert axe_violations(page) == []
    screenshots(page, "closed")

    opener = page.get_by_role("button", name="Nieuwe spreker")
    opener.click()
    dialog = page.get_by_role("dialog", name="Nieuwe spreker")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.id") == "new-speaker-name"
    page.keyboard.press("Escape")  # closes, and focus goes back to the button
    assert dialog.is_hidden()
    assert page.evaluate("document.activeElement.id") == "new-speaker-open"

    page.keyboard.press("Enter")  # the keyboard opens it as well
    assert dialog.is_visible()
    dialog.get_by_label("Naam").fill("Fatima el Amrani")
    dialog.get_by_label("Organisatie").fill("Stichting Schuldhulp")
    dialog.get_by_label("E-mailadres").fill("fatima@example.org")
    assert axe_violations(page) == []
    screenshots(page, "dialog", full_page=False)
    page.set_viewport_size(DESKTOP)
    dialog.get_by_role("button", name="Toevoegen").click()

    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "new-speaker-open"
    added = page.get_by_label("Fatima el Amrani (Stichting Schuldhulp)")
    assert added.is_checked() and added.get_attribute("name") == "speakers"
    expect(page.locator("#speaker-added")).to_have_text("Spreker toegevoegd: Fatima el Amrani")
    assert page.get_by_label("Titel").input_value() == "Schulden voorkomen"
    assert page.get_by_label("Karin Jansen").is_checked()
    ids = page.locator("input[name=speakers]").evaluate_all("boxes => boxes.map(b => b.id)")
    assert len(ids) == len(set(ids)) == 5
    # Between Bram and José, where the server will put it after a reload.
    assert visible_speakers(page)[2] == "Fatima el Amrani (Stichting Schuldhulp)"
    assert axe_violations(page) == []

    page.get_by_role("button", name="Opslaan").click()
    assert "Programmaonderdeel toegevoegd." in page.locator(".flashes").inner_text()
    db.session.expire_all()
    session = db.session.scalar(sa.select(Session).where(Session.title == "Schulden voorkomen"))
    assert sorted(s.name for s in session.speakers) == ["Fatima el Amrani", "Karin Jansen"]
    assert session.room_id == zaal_a.id
    fatima = db.session.scalar(sa.select(Speaker).where(Speaker.name == "Fatima el Amrani"))
    assert fatima.created_by_id == owner.id and fatima.email == "fatima@example.org"
    assert page.csp_violations == []


def test_the_dialog_shows_the_servers_refusal_and_keeps_what_was_typed(
    page, live_server, draft_themadag
):
    event, owner, _ = draft_themadag
    log_in(page, live_server, owner)
    open_new_form(page, live_server, event)
    page.get_by_label("Titel").fill("Wonen")
    page.get_by_role("button", name="Nieuwe spreker").click()
    dialog = page.get_by_role("dialog", name="Nieuwe spreker")
    dialog.get_by_label("Organisatie").fill("Woningcorporatie")
    dialog.get_by_role("button", name="Toevoegen").click()  # no name: the server says 400

    alert = dialog.get_by_role("alert")
    expect(alert).to_have_text(re.compile("^Naam: "))
    assert dialog.is_visible()
    assert dialog.get_by_label("Organisatie").input_value() == "Woningcorporatie"
    assert page.evaluate("document.activeElement.id") == "new-speaker-name"
    assert axe_violations(page) == []

    dialog.get_by_label("Naam").fill("Wim Wonen")
    dialog.get_by_role("button", name="Toevoegen").click()
    expect(dialog).to_be_hidden()
    assert page.get_by_label("Wim Wonen (Woningcorporatie)").is_checked()
    assert page.get_by_label("Titel").input_value() == "Wonen"
    page.get_by_role("button", name="Nieuwe spreker").click()  # a second speaker starts afresh
    assert dialog.get_by_label("Naam").input_value() == ""
    expect(page.locator("#new-speaker-error")).to_be_empty()
    assert page.csp_violations == []


def test_searching_the_speakers_keeps_the_checked_ones_in_view(page, live_server, draft_themadag):
    event, owner, _ = draft_themadag
    for n in range(196):
        save_speaker({"name": f"Spreker {n:03d}", "organisation": "Hogeschool"})
    db.session.commit()
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, owner)
    open_new_form(page, live_server, event)
    count = page.locator("#speaker-count")
    assert count.inner_text() == "200 sprekers"
    box = page.locator("#speaker-list").bounding_box()
    assert box["height"] < 400  # 200 speakers scroll inside the box
    page.get_by_label("Karin Jansen").check()

    search = page.get_by_role("searchbox", name="Zoek een spreker")
    search.fill("CELIK")  # neither case nor accents matter
    assert visible_speakers(page) == ["Bram Çelik (Gemeente Nijmegen)", "Karin Jansen"]
    assert count.inner_text() == "1 spreker"
    search.fill("jose")
    assert visible_speakers(page) == ["José Martins", "Karin Jansen"]
    search.fill("gemeente bram")  # every word, in any order, also in the organisation
    assert visible_speakers(page) == ["Bram Çelik (Gemeente Nijmegen)", "Karin Jansen"]
    search.fill("hogeschool")
    assert count.inner_text() == "196 sprekers" and len(visible_speakers(page)) == 197
    search.fill("niemand")
    assert visible_speakers(page) == ["Karin Jansen"]
    assert count.inner_text() == "Geen spreker gevonden"
    search.press("Enter")  # filters only; the form is not sent
    assert "/programma/nieuw" in page.url and page.locator(".flashes").count() == 0
    assert axe_violations(page) == []
    search.fill("")
    assert len(visible_speakers(page)) == 200
    assert page.csp_violations == []
