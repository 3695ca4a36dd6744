"""The organiser's timetable grid in a real Chromium: the list under it agrees with it after
every change, clashing sessions sit side by side, time outside the event's hours is shown as
such, undo and redo go back and forth, an empty spot opens the form for a new session there,
and a refused move is explained next to its block. Screenshots of a clash at desktop and
phone width are kept in /tmp/kennisagenda-artefacts/ for a look."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.agenda import services as agenda
from app.agenda import speakers
from app.agenda.models import Session, SessionDraft
from app.extensions import db
from app.timezones import AMSTERDAM, utcnow
from tests.browser.fixtures import axe_violations, drag_to_column
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 1000}


@pytest.fixture
def clash_day(make_user, make_event):
    """A draft themadag 9.00-15.00 in Zaal A and Zaal B: Wonen and Geld at the same time in
    Zaal A, a short coffee break without a room, and a drinks hour running past the end."""
    owner = make_user(email="sanne@example.org")
    day = (utcnow() + timedelta(days=14)).astimezone(AMSTERDAM)
    nine = day.replace(hour=9, minute=0, second=0, microsecond=0)
    event = make_event(owner=owner, kind="themadag", status="draft", hours=6, capacity=50,
                       title="Themadag met een botsing", starts_at=nine)  # fmt: skip
    zaal_a = agenda.add_room(event, {"name": "Zaal A", "capacity": 20})
    zaal_b = agenda.add_room(event, {"name": "Zaal B", "capacity": 20})
    anna = speakers.save_speaker({"name": "Anna de Vries"})
    sessions = {}
    for title, kind, room, start, minutes, people in (
        ("Wonen", "workshop", zaal_a, (10, 0), 60, [anna]),
        ("Geld", "workshop", zaal_a, (10, 0), 60, []),
        ("Koffie", "break", None, (11, 0), 15, []),
        ("Borrel", "plenary", zaal_b, (14, 40), 80, []),
    ):
        begins = nine.replace(hour=start[0], minute=start[1])
        sessions[title] = agenda.add_session(event, {
            "kind": kind, "title": title, "room_id": room.id if room else None,
            "starts_at": begins, "ends_at": begins + timedelta(minutes=minutes),
        }, people)  # fmt: skip
    db.session.commit()
    return event, owner, {"Zaal A": zaal_a.id, "Zaal B": zaal_b.id}, sessions


def open_editor(page, live_server, event, owner, size=DESKTOP):
    page.set_viewport_size(size)
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(owner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server + f"/beheer/activiteiten/{event.id}/programma")
    page.locator("#timetable-grid .tt-block").first.wait_for()


def block(page, title):
    return page.locator("#timetable-grid .tt-block", has=page.locator(".tt-title", has_text=title))


# Read every block as the eye sees it: its time label, the room whose column it is in, and the
# minutes its top edge stands for (measured from the event-start line, 6 pixels per 5 minutes).
READ_GRID = """() => {
    const columns = [...document.querySelectorAll('#timetable-grid .tt-col')];
    const heads = [...document.querySelectorAll('#timetable-grid .tt-head')];
    const startLine = document.querySelector('#timetable-grid .tt-bound-start').getBoundingClientRect().top;
    const result = {};
    for (const block of document.querySelectorAll('#timetable-grid .tt-block')) {
        const box = block.getBoundingClientRect();
        result[block.dataset.id] = {
            title: block.querySelector('.tt-title').textContent,
            label: block.querySelector('.tt-when').textContent,
            room: heads[columns.indexOf(block.closest('.tt-col'))].textContent,
            top: Math.round((box.top - 1 - startLine) / 6 * 5),
            length: Math.round((box.height + 1) / 6 * 5),
        };
    }
    return result;
}"""

READ_LIST = """() => Object.fromEntries([...document.querySelectorAll('#session-rows tr')].map(
    (row) => [row.dataset.id, {time: row.querySelector('.tt-row-time').textContent,
                              room: row.querySelector('.tt-row-room').textContent}]))"""


def minutes(clock: str) -> int:
    hours, mins = clock.split(".")
    return int(hours) * 60 + int(mins)


def assert_list_equals_grid(page):
    grid, rows = page.evaluate(READ_GRID), page.evaluate(READ_LIST)
    assert set(grid) == set(rows) and len(rows) == 4
    for id_, shown in grid.items():
        row = rows[id_]
        start, end = row["time"].split("–")
        assert shown["label"] == row["time"], shown["title"]
        assert shown["room"] == (row["room"] if row["room"] != "—" else "Geen zaal"), shown["title"]
        assert shown["top"] == minutes(start) - 9 * 60, shown["title"]  # drawn at its real time
        assert shown["length"] == minutes(end) - minutes(start), shown["title"]


def wait_until_at(page, title, label, room):
    """Wait until the block with this title reads this time and stands in this room's column."""
    page.wait_for_function(
        """([title, label, room]) => {
            const columns = [...document.querySelectorAll('#timetable-grid .tt-col')];
            const heads = [...document.querySelectorAll('#timetable-grid .tt-head')];
            if (document.getElementById('timetable-grid').getAttribute('aria-busy') === 'true') {
                return false;  // a change is on its way to the server: the grid is not final yet
            }
            return [...document.querySelectorAll('#timetable-grid .tt-block')].some((b) =>
                b.querySelector('.tt-title').textContent === title && !b.classList.contains('dragging')
                && b.querySelector('.tt-when').textContent === label
                && heads[columns.indexOf(b.closest('.tt-col'))].textContent === room);
        }""",
        arg=[title, label, room],
    )


def resize(page, element, rows):
    handle = element.locator(".tt-handle").bounding_box()
    x, y = handle["x"] + 20, handle["y"] + 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + rows * 6, steps=5)
    page.mouse.up()


def overlap(a, b) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])  # fmt: skip


def test_the_list_under_the_grid_equals_the_grid_after_a_drag_and_after_keys(
    page, live_server, clash_day
):
    event, owner, _rooms, _sessions = clash_day
    open_editor(page, live_server, event, owner)
    assert_list_equals_grid(page)

    drag_to_column(page, block(page, "Geld"), "Zaal B", rows=-2)  # to Zaal B, ten minutes earlier
    wait_until_at(page, "Geld", "09.50–10.50", "Zaal B")
    assert_list_equals_grid(page)

    block(page, "Koffie").focus()
    for key in ("ArrowDown", "ArrowDown", "ArrowLeft", "Shift+ArrowDown"):
        page.keyboard.press(key)
    wait_until_at(page, "Koffie", "11.10–11.30", "Zaal B")
    assert_list_equals_grid(page)
    focused = "document.activeElement.querySelector('.tt-title').textContent"
    assert page.evaluate(focused) == "Koffie"  # the focus stays on the block that was moved
    assert page.csp_violations == []


def test_clashing_sessions_sit_side_by_side_marked_with_their_conflict(
    page, live_server, clash_day
):
    event, owner, _rooms, _sessions = clash_day
    open_editor(page, live_server, event, owner)
    wonen, geld = block(page, "Wonen"), block(page, "Geld")
    boxes = [wonen.bounding_box(), geld.bounding_box()]
    assert all(box["width"] > 40 and box["height"] > 60 for box in boxes)  # both fully visible
    assert not overlap(*boxes)
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1  # the same time, side by side
    assert all("has-conflict" in b.get_attribute("class") for b in (wonen, geld))

    for element in (wonen, geld):
        element.focus()  # the conflict in words, next to the block, and lit up in the list
        note = page.locator(f"#tt-note-{element.get_attribute('data-id')}")
        assert note.is_visible() and "tegelijk in Zaal A" in note.inner_text()
        shown, box = note.bounding_box(), element.bounding_box()
        assert 0 <= shown["y"] - (box["y"] + box["height"]) < 12
        assert shown["x"] < box["x"] + box["width"] and box["x"] < shown["x"] + shown["width"]
        assert "tegelijk in Zaal A" in page.locator("#conflict-list .tt-highlight").inner_text()
    assert axe_violations(page) == []

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        wonen.focus()
        page.screenshot(path=ARTEFACTS / f"timetable-clash-{size['width']}.png", full_page=True)
    # At phone width the grid scrolls inside its own box; the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(
        "(g => g.scrollWidth > g.clientWidth)(document.getElementById('timetable-grid'))"
    )
    assert page.csp_violations == []


def test_a_session_past_the_end_is_drawn_at_its_real_time_and_marked_outside(
    page, live_server, clash_day
):
    event, owner, _rooms, _sessions = clash_day
    open_editor(page, live_server, event, owner)
    borrel = block(page, "Borrel")
    end_line = page.locator("#timetable-grid .tt-bound-end").bounding_box()
    box = borrel.bounding_box()
    assert box["y"] < end_line["y"] < box["y"] + box["height"]  # 14.40-16.00 crosses the 15.00 line
    shown = page.evaluate(READ_GRID)[borrel.get_attribute("data-id")]
    assert shown["top"] == (14 * 60 + 40) - 9 * 60 and shown["length"] == 80
    assert "is-outside" in borrel.get_attribute("class")
    assert borrel.locator(".tt-outside-text").inner_text() == "buiten de tijden van de activiteit"
    assert "buiten de tijden van de activiteit" in borrel.get_attribute("aria-label")
    assert page.locator("#timetable-grid .tt-hours .tt-outside").count() == 2  # the shaded time

    drag_to_column(page, borrel, "Zaal B", rows=10)  # fifty minutes later: starts after the end
    wait_until_at(page, "Borrel", "15.30–16.50", "Zaal B")
    end_line = page.locator("#timetable-grid .tt-bound-end").bounding_box()
    assert borrel.bounding_box()["y"] > end_line["y"]
    assert page.evaluate(READ_GRID)[borrel.get_attribute("data-id")]["top"] == 15 * 60 + 30 - 9 * 60
    assert "is-outside" in borrel.get_attribute("class")


def test_undo_three_steps_and_redo_one(page, live_server, clash_day):
    event, owner, _rooms, _sessions = clash_day
    open_editor(page, live_server, event, owner)
    undo, redo = page.locator("#undo"), page.locator("#redo")
    assert undo.is_disabled() and redo.is_disabled()

    wonen = block(page, "Wonen")
    wonen.focus()
    page.keyboard.press("ArrowDown")
    wait_until_at(page, "Wonen", "10.05–11.05", "Zaal A")
    page.keyboard.press("ArrowRight")
    wait_until_at(page, "Wonen", "10.05–11.05", "Zaal B")
    resize(page, wonen, 3)
    wait_until_at(page, "Wonen", "10.05–11.20", "Zaal B")
    assert undo.is_enabled() and redo.is_disabled()

    page.keyboard.press("Control+z")
    wait_until_at(page, "Wonen", "10.05–11.05", "Zaal B")
    undo.click()
    wait_until_at(page, "Wonen", "10.05–11.05", "Zaal A")
    page.keyboard.press("Control+z")
    wait_until_at(page, "Wonen", "10.00–11.00", "Zaal A")
    assert_list_equals_grid(page)
    assert undo.is_disabled() and redo.is_enabled()

    page.keyboard.press("Control+Shift+z")
    wait_until_at(page, "Wonen", "10.05–11.05", "Zaal A")
    assert undo.is_enabled() and redo.is_enabled()
    assert_list_equals_grid(page)

    block(page, "Geld").focus()  # a new change clears what could be redone
    page.keyboard.press("ArrowDown")
    wait_until_at(page, "Geld", "10.05–11.05", "Zaal A")
    assert redo.is_disabled()


def test_a_click_on_an_empty_spot_opens_the_form_for_a_session_there(page, live_server, clash_day):
    event, owner, rooms, _sessions = clash_day
    open_editor(page, live_server, event, owner)
    page.locator("#timetable-grid .tt-bound-start").evaluate("line => line.scrollIntoView()")
    start_line = page.locator("#timetable-grid .tt-bound-start").bounding_box()
    column = page.locator("#timetable-grid .tt-col").nth(1).bounding_box()  # Zaal B
    noon = start_line["y"] + 36 * 6 + 4  # 12.00 (and a bit): three hours of 36 pixels
    page.mouse.move(column["x"] + 30, noon)
    slot = page.locator("#timetable-grid .tt-col").nth(1).locator(".tt-slot")
    assert slot.evaluate("e => getComputedStyle(e).opacity") == "1"  # shown under the mouse:
    assert "12.00–13.00" in slot.inner_text()  # where a click would add a session
    page.mouse.click(column["x"] + 30, noon)
    page.wait_for_url("**/programma/nieuw?**")
    day = event.starts_at.astimezone(AMSTERDAM).strftime("%Y-%m-%d")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"starts_at": [f"{day}T12:00"], "ends_at": [f"{day}T13:00"],
                     "room_id": [str(rooms["Zaal B"])]}  # fmt: skip

    page.go_back()  # the keyboard: Tab to a column's slot, pick the time, Enter
    slot = page.locator("#timetable-grid .tt-col").nth(0).locator(".tt-slot")
    slot.focus()
    for key in ("ArrowDown", "ArrowDown", "ArrowDown", "Shift+ArrowDown"):
        page.keyboard.press(key)
    assert "Zaal A, 09.45–10.45" in slot.get_attribute("aria-label")
    page.keyboard.press("Enter")
    page.wait_for_url("**/programma/nieuw?**")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"starts_at": [f"{day}T09:45"], "ends_at": [f"{day}T10:45"],
                     "room_id": [str(rooms["Zaal A"])]}  # fmt: skip


def test_a_refused_move_is_explained_next_to_its_block(page, live_server, clash_day):
    event, owner, _rooms, sessions = clash_day
    open_editor(page, live_server, event, owner)
    koffie = block(page, "Koffie")
    before = koffie.get_attribute("data-id")

    # Someone else saved Koffie after this page loaded: the grid's version is old now.
    session_id = sessions["Koffie"].id
    draft = db.session.scalar(sa.select(SessionDraft).where(SessionDraft.session_id == session_id))
    stored = draft or db.session.get(Session, session_id)
    stored.version += 1
    db.session.commit()

    koffie.focus()
    page.keyboard.press("ArrowDown")
    note = page.locator(f"#tt-note-{before} .tt-note-refusal")
    note.wait_for()
    message = note.inner_text()
    assert message and page.locator("#timetable-error").inner_text() == message
    shown, box = note.bounding_box(), block(page, "Koffie").bounding_box()
    assert 0 <= shown["y"] - (box["y"] + box["height"]) < 12  # right under the block
    assert page.locator("#timetable-status").inner_text() == message
    wait_until_at(page, "Koffie", "11.00–11.15", "Geen zaal")  # the server's state, unchanged
    assert axe_violations(page) == []

    page.keyboard.press("ArrowDown")  # the next action closes the note and succeeds
    wait_until_at(page, "Koffie", "11.05–11.20", "Geen zaal")
    assert (
        page.locator(".tt-note-refusal").count() == 0
        and page.locator("#timetable-error").is_hidden()
    )


def test_undo_never_moves_a_block_back_over_someone_elses_change(page, live_server, clash_day):
    event, owner, _rooms, sessions = clash_day
    open_editor(page, live_server, event, owner)
    borrel = block(page, "Borrel")
    borrel.focus()
    page.keyboard.press("ArrowDown")
    wait_until_at(page, "Borrel", "14.45–16.05", "Zaal B")

    # Another organiser moves Borrel to 13.00 after this page's move (a draft: the session itself).
    theirs = db.session.get(Session, sessions["Borrel"].id)
    db.session.refresh(theirs)
    theirs.starts_at, theirs.ends_at = (
        theirs.starts_at - timedelta(minutes=105),
        theirs.ends_at - timedelta(minutes=105),
    )
    db.session.commit()

    geld = block(page, "Geld")  # a move elsewhere brings their change into this page's state
    geld.focus()
    page.keyboard.press("ArrowDown")
    wait_until_at(page, "Geld", "10.05–11.05", "Zaal A")
    wait_until_at(page, "Borrel", "13.00–14.20", "Zaal B")

    page.keyboard.press("Control+z")  # Geld back: its own change
    wait_until_at(page, "Geld", "10.00–11.00", "Zaal A")
    page.keyboard.press("Control+z")  # Borrel: refused, their change stands
    page.locator("#timetable-error:not([hidden])").wait_for()
    wait_until_at(page, "Borrel", "13.00–14.20", "Zaal B")
    db.session.expire_all()
    assert db.session.get(Session, sessions["Borrel"].id).starts_at == theirs.starts_at
    assert page.locator("#undo").is_disabled()  # the refused step is dropped, not retried
