"""Issue #10 end to end in a real Chromium: checked in at the desk, the event ends, the
organiser sends the certificates and watches the progress reach 100 %, the person downloads
theirs from the manage page, and the QR code on it opens a verification page that says
"Geldig"."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from app.attendance import services as attendance
from app.attendance.models import CheckIn
from app.certificates import jobs
from app.extensions import db
from app.programme import services as programme
from app.timezones import utcnow
from tests.browser.fixtures import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
BASE_URL = "http://kennisagenda.test"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page, live_server, user, path):
    page.goto(f"{live_server}/beheer/inloggen?next={path}")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(live_server + path)


def standing_check_ins(registration) -> list[CheckIn]:
    db.session.rollback()  # what the database has now, not what this session remembers
    return list(db.session.scalars(
        sa.select(CheckIn).where(CheckIn.registration_id == registration.id,
                                 CheckIn.undone_at.is_(None))))  # fmt: skip


def certificate_mail(mailbox, address: str, timeout: float = 10.0):
    """The certificate mail to `address`, once the test SMTP server has it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mailbox.to(address) if "bewijs van deelname" in m["Subject"].lower()]
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"no certificate mail to {address}: {[m['Subject'] for m in mailbox.messages]}")


def assert_no_sideways_scroll(page):
    """Nothing makes the page wider than the window; what sticks out is named in the failure
    (a wide table may scroll inside its `.table-scroll`)."""
    wider = page.evaluate("""() => {
        if (document.documentElement.scrollWidth <= innerWidth) { return []; }
        return [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5
                           && !e.parentElement.closest(".table-scroll"))
            .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
                        + " " + (e.textContent || "").trim().slice(0, 20));
    }""")
    assert wider == [], f"wider than the window: {wider}"


def new_page(browser):
    """A browser of someone else's own (its own cookies), set up as the `page` fixture's."""
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip
    return page


def screenshots(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        if size is PHONE:
            assert_no_sideways_scroll(page)
        page.screenshot(path=ARTEFACTS / f"certificates-{name}-{size['width']}.png", full_page=True)


def qr_codes_in(pdf: Path) -> list[str]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(prefix)],
                   check=True, capture_output=True)  # fmt: skip
    return [code.text for code in zxingcpp.read_barcodes(Image.open(prefix.with_suffix(".png")))]


@pytest.fixture
def evening_at_the_desk(make_user, make_event, register):
    """A kenniscafé that starts within the hour, accredited by Registerplein, with a `checkin`
    account on its desk and three people with a place."""
    owner = make_user(name="Sanne Visser", email="sanne@example.org")
    desk_user = make_user(role="checkin", name="Balie 1", email="balie1@example.org")
    event = make_event(owner=owner, title="Wat gaat er goed tussen generaties?",
                       starts_in=timedelta(minutes=50), not_counting_minutes=30)  # fmt: skip
    programme.add_accreditation(event, "Registerplein", "RP-2026-118", Decimal("2"))
    attendance.set_desk_staff(event, {desk_user.id})
    db.session.commit()
    people = {
        "Anna": register(event, "Anna de Vries", register_numbers={"Registerplein": "461012345"}),
        "Şükrü": register(event, "Şükrü Çelik"),
        "Bob": register(event, "Bob Bakker"),
    }  # fmt: skip
    return event, owner, desk_user, people


@pytest.fixture
def held_send(monkeypatch):
    """Sending waits until the test lets it go, so the page is seen while the job runs (the
    job runs in a thread of the live server, in this process)."""
    gate = threading.Event()
    send = jobs._send

    def held(job):
        gate.wait(timeout=15)
        send(job)

    monkeypatch.setattr(jobs, "_send", held)
    yield gate
    gate.set()  # never leave the job thread waiting


def test_checked_in_sent_downloaded_and_verified(browser, page, live_server, mailbox, tmp_path,
                                                 held_send, evening_at_the_desk):  # fmt: skip
    event, owner, desk_user, people = evening_at_the_desk
    anna = people["Anna"]
    desk, organiser = new_page(browser), new_page(browser)
    try:
        # At the desk, on a phone: one tap checks Anna in, and the server has it.
        log_in(desk, live_server, desk_user, f"/balie/{event.id}/lijst")
        row = desk.locator(".person", has=desk.locator(".person-name", has_text="Anna de Vries"))
        row.get_by_role("button", name="Inchecken").click()
        expect(row.locator(".person-status")).to_contain_text("Balie 1")  # the server's answer
        [check_in] = standing_check_ins(anna)
        assert (check_in.checked_in_by_id, check_in.method) == (desk_user.id, "list")

        # The event ends.
        end = utcnow() - timedelta(minutes=30)
        event.starts_at, event.ends_at = end - timedelta(hours=2), end
        db.session.commit()

        # The organiser, in a browser of their own, sends the certificates.
        path = f"/beheer/activiteiten/{event.id}/certificaten"
        log_in(organiser, live_server, owner, path)
        anna_row = organiser.get_by_role("row", name=re.compile("Anna de Vries"))
        expect(anna_row.get_by_role("button", name="Uitgeven")).to_be_visible()  # none yet
        assert axe_violations(organiser) == []
        assert_no_sideways_scroll(organiser)
        asked = []  # mailing everyone asks first; the organiser says yes
        organiser.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        organiser.get_by_role("button", name="Certificaten versturen").click()
        progress = organiser.locator(".job-progress")
        state, bar = progress.locator(".job-state"), progress.locator("progress")
        expect(state).to_have_text("bezig, 0 / 0")  # the page after the press: under way
        assert asked and "per e-mail" in asked[0]
        organiser.evaluate("window.stillThisPage = true")
        held_send.set()
        # The page's script follows the job to 100 %, and the table shows the number.
        expect(state).to_have_text("klaar, 1 / 1")
        expect(bar).to_have_js_property("value", 1)
        expect(bar).to_have_js_property("max", 1)
        number_link = anna_row.get_by_role("link", name=re.compile(r"^KA-"))
        expect(number_link).to_be_visible()
        expect(anna_row).to_contain_text("verstuurd")
        assert organiser.evaluate("window.stillThisPage") is True  # no reload did this
        assert axe_violations(organiser) == []
        assert_no_sideways_scroll(organiser)

        organiser.reload()  # the finished state is the job's, not the script's
        expect(state).to_have_text("klaar, 1 / 1")
        assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("1", "1")
        expect(number_link).to_be_visible()
        screenshots(organiser, "send")
        assert desk.csp_violations == organiser.csp_violations == []
    finally:
        desk.context.close()
        organiser.context.close()

    # Anna's mail brings the link; nobody else got a certificate.
    [mail] = certificate_mail(mailbox, anna.participant.email)
    text = mail.get_body(("plain",)).get_content()
    token = re.search(re.escape(BASE_URL) + r"/aanmelding/([\w-]+)/certificaat", text).group(1)
    sent = [m["To"] for m in mailbox.messages if "bewijs van deelname" in m["Subject"].lower()]
    assert sent == [anna.participant.email]

    # On her manage page (in her own browser, not logged in) she downloads the PDF.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/aanmelding/{token}")
    assert axe_violations(page) == []
    with page.expect_download() as caught:
        page.get_by_role("link", name="Bewijs van deelname downloaden (PDF)").click()
    download = caught.value
    pdf = tmp_path / "certificate.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")

    # Its QR code is the verification URL; opened, it says "Geldig".
    [url] = qr_codes_in(pdf)
    assert re.fullmatch(
        re.escape(BASE_URL) + r"/certificaat/KA-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]", url
    )
    number = url.rsplit("/", 1)[1]
    assert download.suggested_filename == f"bewijs-van-deelname-{number}.pdf"
    page.goto(url.replace(BASE_URL, live_server))
    expect(page.locator("h1 .badge")).to_have_text("Geldig")
    facts = page.locator(".facts")
    for shown in ("Anna de Vries", "Wat gaat er goed tussen generaties?", "1,5",
                  "2 punten (accreditatie RP-2026-118)"):  # fmt: skip
        expect(facts).to_contain_text(shown)
    assert axe_violations(page) == []
    screenshots(page, "verify")
    page.set_viewport_size(PHONE)

    # Typing the number instead: the form, a typo caught by the check character, the number.
    page.get_by_role("link", name="Een ander nummer controleren").click()
    field = page.get_by_label("Certificaatnummer")
    assert axe_violations(page) == []
    assert_no_sideways_scroll(page)
    typo = number[:-1] + ("A" if number[-1] != "A" else "B")
    field.fill(typo.lower())
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("alert")).to_contain_text("Dit nummer klopt niet")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("Dit nummer klopt niet"))
    expect(field).to_have_value(typo.lower())  # what they typed stays, to correct
    assert axe_violations(page) == []
    screenshots(page, "check-typo")
    page.set_viewport_size(PHONE)
    field.fill(number.lower().replace("-", " "))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url(f"{live_server}/certificaat/{number}")
    expect(page.locator("h1 .badge")).to_have_text("Geldig")
    assert page.csp_violations == []
