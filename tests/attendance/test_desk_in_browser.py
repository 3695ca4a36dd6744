"""The desk (balie) on the day in a real Chromium: the list on a phone, check-ins made without a
connection that arrive once and only once, and the scanner reading a QR code from a camera."""

from __future__ import annotations

import pytest
import segno
import sqlalchemy as sa
from playwright.sync_api import expect

from app.attendance import codes, services
from app.attendance.models import CheckIn
from app.extensions import db
from app.timezones import AMSTERDAM
from tests.browser.fixtures import CHROMIUM_ARGS, axe_violations, chromium_path
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, user, path):
    page.goto(f"{live_server}/beheer/inloggen?next={path}")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(live_server + path)


def check_ins(registration) -> list[CheckIn]:
    """Every check-in row of one person, as the database has it now (not as this session
    remembers it)."""
    db.session.rollback()
    return list(db.session.scalars(
        sa.select(CheckIn).where(CheckIn.registration_id == registration.id).order_by(CheckIn.id)
    ))  # fmt: skip


def standing(registration) -> list[CheckIn]:
    return [c for c in check_ins(registration) if c.undone_at is None]


def row(page, name):
    return page.locator(".person", has=page.locator(".person-name", has_text=name))


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_list_on_a_phone_search_check_in_undo_and_counts(page, live_server, desk_day):
    event, people = desk_day.event, desk_day.people
    wonen_at = desk_day.sessions["wonen"].starts_at.astimezone(AMSTERDAM).strftime("%H.%M")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, desk_day.desk_user, "/balie/")
    expect(page.get_by_role("heading", name=event.title)).to_be_visible()
    assert axe_violations(page) == []
    assert_no_sideways_scroll(page)

    page.get_by_role("link", name="Lijst").click()
    search = page.get_by_label("Zoek op naam of organisatie")
    counts = page.locator("#desk-counts")
    expect(counts).to_contain_text("0 / 6 binnen")
    visible = page.locator(".person:visible")
    expect(visible).to_have_count(7)
    assert axe_violations(page) == []
    assert_no_sideways_scroll(page)

    search.press_sequentially("wijkteam")  # narrows while typing, by organisation too
    expect(visible).to_have_count(2)
    search.fill("")
    search.press_sequentially("ce")
    expect(visible).not_to_have_count(7)
    search.press_sequentially("lik")  # without the cedilla: finds Çelik
    expect(visible).to_have_count(1)
    celik = row(page, "Şükrü Çelik")
    expect(celik).to_be_visible()

    celik.click(position={"x": 40, "y": 16})  # one tap on the name: the whole row checks in
    expect(celik.locator(".person-status")).to_contain_text("Binnen")
    expect(celik.locator(".person-status")).to_contain_text("Balie 2")  # the server has it
    expect(counts).to_contain_text("1 / 6 binnen")
    [check_in] = standing(people["Şükrü Çelik"])
    assert (check_in.method, check_in.checked_in_by_id) == ("list", desk_day.desk_user.id)
    assert check_in.session_id is None
    assert axe_violations(page) == []

    celik.get_by_role("button", name="Ongedaan maken").click()
    expect(celik.get_by_role("button", name="Inchecken")).to_be_visible()
    expect(celik.locator(".person-status")).to_be_hidden()  # no longer waiting: the server has it
    expect(counts).to_contain_text("0 / 6 binnen")
    [undone] = check_ins(people["Şükrü Çelik"])
    assert undone.undone_at is not None and undone.undone_by_id == desk_day.desk_user.id

    # Another desk checks Fatma in: this desk shows it within a poll, counts included.
    services.check_in(people["Fatma Yilmaz"].id, desk_day.owner)
    db.session.commit()
    search.fill("")
    expect(row(page, "Fatma Yilmaz").locator(".person-status")).to_contain_text("Sanne Organisator")
    expect(counts).to_contain_text("1 / 6 binnen")
    waiting = row(page, "Mohammed El Amrani")
    expect(waiting.locator(".tag-waitlist")).to_have_text("Wachtlijst")
    expect(waiting.get_by_role("button", name="Inchecken")).to_have_count(0)

    page.get_by_label("Nog niet binnen").check()
    expect(visible).to_have_count(6)
    expect(row(page, "Fatma Yilmaz")).to_be_hidden()

    # One workshop: only who has a place in it, and the check-in is for that session.
    page.get_by_label("Inchecken voor").select_option(label=f"{wonen_at} Wonen en zorg")
    page.get_by_role("button", name="Kiezen").click()
    expect(visible).to_have_count(2)  # Çelik and Anna
    row(page, "Anna de Vries").get_by_role("button", name="Inchecken").click()
    expect(row(page, "Anna de Vries").locator(".person-status")).to_contain_text("Balie 2")
    expect(counts).to_contain_text("1 / 2 binnen")
    [at_workshop] = standing(people["Anna de Vries"])
    assert at_workshop.session_id == desk_day.sessions["wonen"].id

    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_sideways_scroll(page)

    page.get_by_role("link", name="Scanner").click()  # no camera in this browser: it says so
    expect(page.locator("#scanner-problem")).to_contain_text("Check mensen in via de lijst")
    expect(page.locator("#desk-counts")).to_contain_text("1 / 2 binnen")  # the same workshop
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    assert_no_sideways_scroll(page)
    assert page.csp_violations == []


def test_check_ins_made_offline_arrive_once(page, live_server, desk_day):
    event, people = desk_day.event, desk_day.people
    names = ["Anna de Vries", "Jan Jansen", "Pieter Bakker"]
    list_path = f"/balie/{event.id}/lijst"
    log_in(page, live_server, desk_day.desk_user, list_path)
    # The service worker has kept this page (and the scanner), so they open without a connection.
    page.locator("#desk[data-offline-ready]").wait_for(state="attached")
    search = page.get_by_label("Zoek op naam of organisatie")
    banner = page.locator("#desk-sync")

    page.context.set_offline(True)
    for name in names:
        search.fill(name)
        row(page, name).get_by_role("button", name="Inchecken").click()
        expect(row(page, name).locator(".person-status")).to_contain_text("Wacht op verbinding")
    expect(banner).to_have_text("Geen verbinding — 3 aanmeldingen wachten")
    expect(page.locator("#desk-counts")).to_contain_text("3 / 6 binnen")
    # The walk-in form needs the server: offline the desk says so and stays on the list.
    said = []
    page.once("dialog", lambda dialog: (said.append(dialog.message), dialog.accept()))
    list_url = page.url
    page.get_by_role("link", name="Binnenloper aanmelden").click()
    assert said and "alleen met verbinding" in said[0] and page.url == list_url
    queued = page.evaluate("async () => (await import('/static/attendance/store.js')).queue.all()")
    assert sorted(a["registration"] for a in queued) == sorted(people[n].id for n in names)
    assert all(check_ins(people[n]) == [] for n in names)

    page.reload()  # from the service worker's cache and the device's own list
    expect(row(page, "Jan Jansen").locator(".person-status")).to_contain_text("Wacht op verbinding")
    expect(banner).to_have_text("Geen verbinding — 3 aanmeldingen wachten")
    assert all(check_ins(people[n]) == [] for n in names)

    page.context.set_offline(False)
    expect(banner).to_be_hidden(timeout=15_000)
    for name in names:
        [check_in] = check_ins(people[name])
        assert check_in.undone_at is None and check_in.method == "list"
    assert {c.client_id for n in names for c in check_ins(people[n])} == {a["id"] for a in queued}

    # A desk that never heard the answer sends the same actions again: nothing doubles.
    results = page.evaluate(
        """async ([url, actions]) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const response = await fetch(url, {method: "POST", body: JSON.stringify({actions}),
                headers: {"Content-Type": "application/json", "X-CSRFToken": token}});
            return (await response.json()).results;
        }""",
        [f"/balie/{event.id}/acties", [
            {k: a[k] for k in ("id", "action", "registration", "session", "at", "method")}
            for a in queued
        ]],
    )  # fmt: skip
    assert [r["status"] for r in results] == ["already"] * 3
    for name in names:
        assert len(check_ins(people[name])) == 1
    assert page.csp_violations == []


def write_y4m(path, text: str, width=640, height=480, frames=5):
    """A YUV4MPEG2 video for Chromium's fake camera: the QR code of `text`, black on white,
    big and centred, the same in every frame."""
    matrix = segno.make(text, error="m").matrix
    modules = len(matrix) + 8  # with a quiet zone of four modules
    scale = min(width, height) * 9 // 10 // modules
    left = (width - modules * scale) // 2 + 4 * scale
    top = (height - modules * scale) // 2 + 4 * scale
    luma = bytearray(b"\xff" * (width * height))
    for y, line in enumerate(matrix):
        pixels = bytearray()
        for dark in line:
            pixels += (b"\x00" if dark else b"\xff") * scale
        for dy in range(scale):
            start = (top + y * scale + dy) * width + left
            luma[start : start + len(pixels)] = pixels
    chroma = b"\x80" * (width // 2 * height // 2)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


def test_scanner_checks_in_from_the_camera(browser, live_server, desk_day, tmp_path):
    event, anna = desk_day.event, desk_day.people["Anna de Vries"]
    code = codes.issue_code(anna)
    db.session.commit()
    video = tmp_path / "qr.y4m"
    write_y4m(video, codes.checkin_url(code))
    camera_browser = browser.browser_type.launch(
        executable_path=chromium_path(),
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream",
              "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"],
    )  # fmt: skip
    try:
        context = camera_browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam",
                                             viewport={"width": 390, "height": 844})  # fmt: skip
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        page.set_default_timeout(15_000)
        console = []
        page.on("console", lambda message: console.append(message.text))
        log_in(page, live_server, desk_day.desk_user, f"/balie/{event.id}")
        result = page.locator("#scan-result")
        expect(result.locator("#scan-name")).to_have_text("Anna de Vries")
        expect(result).to_have_class("scan-result is-new flash")
        expect(result.locator("#scan-headline")).to_have_text("Ingecheckt")
        expect(result).to_contain_text("Wonen en zorg")  # her workshop, from the list
        expect(result.locator("#scan-sync")).to_contain_text("Opgeslagen")
        [check_in] = check_ins(anna)
        assert check_in.method == "qr" and check_in.undone_at is None
        expect(page.locator("#desk-counts")).to_contain_text("1 / 6 binnen")
        assert len(check_ins(anna)) == 1
        # Dozens of frames later the code is still in view, and still one scan: not "Al binnen".
        expect(result.locator("#scan-headline")).to_have_text("Ingecheckt")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert axe_violations(page) == []
        assert not [m for m in console if "Content Security Policy" in m]
    finally:
        camera_browser.close()
