"""The timetable grid's details in a real Chromium (issue #11): the new times are read out on the
block while it is dragged or resized and land on whole five minutes; a 15-minute block keeps its
label readable (the whole title on hover and focus, the resize strip beside the text, not over
it); speakers' names stand on their blocks; a disabled undo or redo button looks disabled; and
on the published demo themadag's working copy, undo three steps and redo one leave the list
under the grid equal to the grid."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.agenda import services as agenda
from app.agenda import speakers
from app.agenda.models import Session, SessionDraft
from app.extensions import db
from app.programme.models import Event
from app.timezones import AMSTERDAM, utcnow
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}
ROW = 6  # pixels per five minutes on the grid (Timetable.ROW)
COFFEE = "Koffie en thee in de foyer, met iets lekkers erbij"


@pytest.fixture
def short_day(make_user, make_event):
    """A draft themadag 9.00-15.00 in Zaal A: a workshop by Anna de Vries, a 15-minute coffee
    break with a long title right after it, and a plenary without speakers."""
    owner = make_user(email="sanne@example.org")
    day = (utcnow() + timedelta(days=14)).astimezone(AMSTERDAM)
    nine = day.replace(hour=9, minute=0, second=0, microsecond=0)
    event = make_event(owner=owner, kind="themadag", status="draft", hours=6, capacity=50,
                       title="Themadag met details", starts_at=nine)  # fmt: skip
    zaal_a = agenda.add_room(event, {"name": "Zaal A", "capacity": 20})
    anna = speakers.save_speaker({"name": "Anna de Vries"})
    sessions = {}
    for title, kind, start, minutes, people in (
        ("Wonen", "workshop", (10, 0), 60, [anna]),
        (COFFEE, "break", (11, 0), 15, []),
        ("Afsluiting", "plenary", (13, 0), 60, []),
    ):
        begins = nine.replace(hour=start[0], minute=start[1])
        sessions[title] = agenda.add_session(event, {
            "kind": kind, "title": title, "room_id": zaal_a.id,
            "starts_at": begins, "ends_at": begins + timedelta(minutes=minutes),
        }, people)  # fmt: skip
    db.session.commit()
    return event, owner, sessions


def open_editor(page, url: str, email: str, password: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(url.split("/beheer/")[0] + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(url)
    page.locator("#timetable-grid .tt-block").first.wait_for()


def editor_url(live_server, event) -> str:
    return f"{live_server}/beheer/activiteiten/{event.id}/programma"


def block(page, title):
    return page.locator("#timetable-grid .tt-block", has=page.locator(".tt-title", has_text=title))


def settled(page) -> None:
    """Wait until the change on its way to the server has been answered and drawn."""
    page.wait_for_function(
        "() => !document.getElementById('timetable-grid').hasAttribute('aria-busy')"
        " && !document.querySelector('#timetable-grid .tt-block.dragging')"
    )


def stored_times(session_id: int) -> tuple[str, str]:
    """The session's times as saved (its draft row on a published event, else the session)."""
    db.session.expire_all()
    draft = db.session.scalar(sa.select(SessionDraft).where(SessionDraft.session_id == session_id))
    stored = draft or db.session.get(Session, session_id)
    return tuple(
        t.astimezone(AMSTERDAM).strftime("%H.%M") for t in (stored.starts_at, stored.ends_at)
    )


# Every block as the eye sees it: its time label, the room of its column, and the clock times
# its top and bottom edges stand for (from the event-start line, ROW pixels per five minutes).
READ_GRID = """(row) => {
    const columns = [...document.querySelectorAll('#timetable-grid .tt-col')];
    const heads = [...document.querySelectorAll('#timetable-grid .tt-head')];
    const line = document.querySelector('#timetable-grid .tt-bound-start').getBoundingClientRect().top;
    const [h, m] = document.querySelector('#timetable-grid .tt-time-bound span').textContent.split('.');
    const clock = (mins) => String(Math.floor(mins / 60)).padStart(2, '0') + '.' + String(mins % 60).padStart(2, '0');
    const result = {};
    for (const block of document.querySelectorAll('#timetable-grid .tt-block')) {
        const box = block.getBoundingClientRect();
        const start = (+h) * 60 + (+m) + Math.round((box.top - 1 - line) / row * 5);
        result[block.dataset.id] = {
            time: block.querySelector('.tt-when').textContent,
            drawn: clock(start) + '–' + clock(start + Math.round((box.height + 1) / row * 5)),
            room: heads[columns.indexOf(block.closest('.tt-col'))].textContent,
        };
    }
    return result;
}"""

READ_LIST = """() => Object.fromEntries([...document.querySelectorAll('#session-rows tr')].map(
    (row) => [row.dataset.id, {time: row.querySelector('.tt-row-time').textContent,
                              room: row.querySelector('.tt-row-room').textContent}]))"""


def grid_as_list(page) -> dict:
    """The grid in the list's terms, after checking that each block is drawn where its label
    says; the caller compares it with the list under the grid."""
    grid = page.evaluate(READ_GRID, ROW)
    for id_, shown in grid.items():
        assert shown["drawn"] == shown["time"], id_
    return {
        id_: {"time": shown["time"], "room": "—" if shown["room"] == "Geen zaal" else shown["room"]}
        for id_, shown in grid.items()
    }


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])  # fmt: skip


TEXT_BOXES = """(element) => {
    // The boxes of the rendered text itself (not its elements), clipped to what can be seen.
    const clip = element.querySelector('.tt-text').getBoundingClientRect();
    const range = document.createRange();
    const boxes = [];
    for (const part of element.querySelectorAll('.tt-when, .tt-title')) {
        range.selectNodeContents(part);
        for (const r of range.getClientRects()) {
            const top = Math.max(r.top, clip.top), bottom = Math.min(r.bottom, clip.bottom);
            const left = Math.max(r.left, clip.left), right = Math.min(r.right, clip.right);
            if (bottom > top && right > left) {
                boxes.push({x: left, y: top, width: right - left, height: bottom - top});
            }
        }
    }
    return boxes;
}"""


def test_the_new_times_are_read_out_while_dragging_and_resizing_and_snap_to_five_minutes(
    page, live_server, short_day
):
    event, owner, sessions = short_day
    open_editor(page, editor_url(live_server, event), owner.email, PASSWORD)
    wonen = block(page, "Wonen")
    when = wonen.locator(".tt-when")  # the read-out, on the block itself
    assert when.inner_text() == "10.00–11.00"

    wonen.scroll_into_view_if_needed()
    box = wonen.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 8
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 9, steps=3)  # 1.5 rows: 7.5 minutes' worth of pixels
    expect(wonen).to_have_class(re.compile(r"\bdragging\b"))
    expect(when).to_have_text("10.10–11.10")  # read out live, rounded to 5 minutes
    page.mouse.move(x, y + 22, steps=3)  # 3.67 rows: 18.3 minutes' worth
    expect(when).to_have_text("10.20–11.20")
    assert (
        when.is_visible()
        and when.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    )
    page.mouse.up()
    settled(page)
    assert when.inner_text() == "10.20–11.20"
    assert stored_times(sessions["Wonen"].id) == ("10.20", "11.20")
    row = page.locator(f"#session-rows tr[data-id='{wonen.get_attribute('data-id')}']")
    assert row.locator(".tt-row-time").inner_text() == "10.20–11.20"

    handle = wonen.locator(".tt-handle").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 16, steps=4)  # 2.67 rows: 13.3 minutes' worth longer
    expect(wonen).to_have_class(re.compile(r"\bdragging\b"))
    expect(when).to_have_text("10.20–11.35")
    page.mouse.move(x, y - 11, steps=4)  # 1.83 rows shorter than it was: 9.2 minutes' worth
    expect(when).to_have_text("10.20–11.10")
    page.mouse.up()
    settled(page)
    assert when.inner_text() == "10.20–11.10"
    assert stored_times(sessions["Wonen"].id) == ("10.20", "11.10")
    assert row.locator(".tt-row-time").inner_text() == "10.20–11.10"
    assert page.csp_violations == []


def test_a_short_block_tells_its_whole_title_on_hover_and_focus(page, live_server, short_day):
    event, owner, _sessions = short_day
    open_editor(page, editor_url(live_server, event), owner.email, PASSWORD)
    page.set_viewport_size(PHONE)  # narrow columns: the long title cannot fit on the block
    koffie = block(page, "Koffie")
    assert "is-short" in koffie.get_attribute("class")
    assert koffie.bounding_box()["height"] < 20  # 15 minutes: three rows of six pixels
    assert koffie.locator(".tt-text").evaluate("e => e.scrollWidth > e.clientWidth")
    koffie.hover()
    assert (
        page.evaluate(
            "document.querySelector('#timetable-grid .tt-block:hover').getAttribute('title')"
        )
        == f"{COFFEE} (11.00–11.15)"
    )  # the browser's tooltip
    koffie.focus()
    assert (
        page.evaluate("document.activeElement.getAttribute('title')") == f"{COFFEE} (11.00–11.15)"
    )
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(
        f"{COFFEE}, 11.00–11.15"
    )


def test_a_short_blocks_resize_strip_lies_beside_its_text_not_over_it(page, live_server, short_day):
    event, owner, _sessions = short_day
    open_editor(page, editor_url(live_server, event), owner.email, PASSWORD)
    koffie = block(page, "Koffie")
    assert "is-short" in koffie.get_attribute("class")
    koffie.scroll_into_view_if_needed()
    handle = koffie.locator(".tt-handle").bounding_box()
    texts = koffie.evaluate(TEXT_BOXES)
    assert handle["height"] >= 3 and len(texts) >= 2  # a strip to grab; the time and the title
    assert all(text["height"] >= 10 for text in texts)  # readable, not clipped to a sliver
    for text in texts:
        assert not overlap(text, handle), (text, handle)


def test_speakers_names_stand_on_their_blocks(page, live_server, short_day):
    event, owner, _sessions = short_day
    open_editor(page, editor_url(live_server, event), owner.email, PASSWORD)
    wonen = block(page, "Wonen")
    names = wonen.locator(".tt-speakers")
    assert names.is_visible() and names.inner_text() == "Anna de Vries"
    shown, box = names.bounding_box(), wonen.bounding_box()
    assert box["y"] <= shown["y"] and shown["y"] + shown["height"] <= box["y"] + box["height"]
    assert not overlap(shown, wonen.locator(".tt-handle").bounding_box())
    assert block(page, "Afsluiting").locator(".tt-speakers").count() == 0  # nobody: no name
    assert "Anna de Vries" in wonen.get_attribute("aria-label")

    wonen.focus()  # moved, the block still names its speaker
    page.keyboard.press("ArrowDown")
    settled(page)
    assert wonen.locator(".tt-when").inner_text() == "10.05–11.05"
    assert wonen.locator(".tt-speakers").inner_text() == "Anna de Vries"


LOOK = """(e) => { const s = getComputedStyle(e);
    return {cursor: s.cursor, color: s.color, background: s.backgroundColor,
            border: s.borderTopColor, opacity: s.opacity}; }"""


def test_disabled_undo_and_redo_look_disabled(page, live_server, short_day):
    event, owner, _sessions = short_day
    open_editor(page, editor_url(live_server, event), owner.email, PASSWORD)
    undo, redo = page.locator("#undo"), page.locator("#redo")
    assert undo.is_disabled() and redo.is_disabled()  # nothing to undo yet
    page.mouse.move(0, 0)
    disabled = undo.evaluate(LOOK)
    assert redo.evaluate(LOOK) == disabled

    block(page, "Afsluiting").focus()
    page.keyboard.press("ArrowDown")
    settled(page)
    assert undo.is_enabled() and redo.is_disabled()
    enabled = undo.evaluate(LOOK)
    assert redo.evaluate(LOOK) == disabled  # still disabled, still looks it
    assert disabled["cursor"] == "not-allowed" and enabled["cursor"] == "pointer"
    assert disabled["color"] != enabled["color"]
    assert disabled["background"] != enabled["background"]
    assert disabled["border"] != enabled["border"]

    undo.click()
    settled(page)
    assert undo.is_disabled() and redo.is_enabled()
    assert undo.evaluate("e => e.matches(':hover')")  # still under the mouse, and yet:
    assert undo.evaluate(LOOK) == disabled
    assert redo.evaluate(LOOK) == enabled


# The published demo themadag (app/demo.py), as test_agenda_releases_in_browser.py uses it.
SLUG = "themadag-generaties-in-de-wijk"
GELD = "Het gesprek over geld tussen ouders en kinderen"


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


def test_undo_three_steps_and_redo_one_on_a_published_working_copy(page, live_server, demo):
    open_editor(page, editor_url(live_server, demo), "organisator@kennisagenda.example",
                "demo-wachtwoord")  # fmt: skip
    working_copy = page.locator("#working-copy")
    assert "gelijk aan versie 1" in working_copy.inner_text()  # published: a working copy
    undo, redo = page.locator("#undo"), page.locator("#redo")
    geld, verhalen = block(page, "gesprek over geld"), block(page, "Verhalen ophalen")

    def step(action) -> dict:
        action()
        settled(page)
        shown = grid_as_list(page)
        assert page.evaluate(READ_LIST) == shown  # the list equals the grid after every change
        return shown

    states = [step(lambda: None)]
    states.append(step(lambda: (geld.focus(), page.keyboard.press("ArrowDown"))))
    states.append(step(lambda: (geld.focus(), page.keyboard.press("ArrowRight"))))
    states.append(step(lambda: (verhalen.focus(), page.keyboard.press("Shift+ArrowDown"))))
    geld_id, verhalen_id = geld.get_attribute("data-id"), verhalen.get_attribute("data-id")
    assert (
        states[0][geld_id]["time"] == "13.00–14.15" and states[1][geld_id]["time"] == "13.05–14.20"
    )
    assert states[2][geld_id]["room"] != states[1][geld_id]["room"]
    end = states[2][verhalen_id]["time"].split("–")[1]
    assert states[3][verhalen_id]["time"].split("–")[1] != end
    assert working_copy.locator("#working-lines li").count() == 2  # Geld and Verhalen

    assert step(lambda: page.keyboard.press("Control+z")) == states[2]
    assert step(undo.click) == states[1]
    assert step(lambda: page.keyboard.press("Control+z")) == states[0]
    assert undo.is_disabled() and redo.is_enabled()
    assert "gelijk aan versie 1" in working_copy.inner_text()  # back to the release

    assert step(lambda: page.keyboard.press("Control+Shift+z")) == states[1]
    assert undo.is_enabled() and redo.is_enabled()
    assert working_copy.locator("#working-lines li").count() == 1
    assert f"{GELD}: 13.00–14.15 → 13.05–14.20" in working_copy.inner_text()
    assert page.csp_violations == []
