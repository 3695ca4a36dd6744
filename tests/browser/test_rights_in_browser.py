"""A person's rights in Chromium: from the manage link ask for the confirmation mail, open its
link, download the data (JSON), withdraw the newsletter, erase everything keeping the
certificate verifiable; and an admin doing the same on a request by mail. Each page passes axe
and reflows at 320 and 390 px."""

import json
import re
from pathlib import Path

import pytest

from app.certificates import services as certificates
from app.extensions import db
from app.registration.tokens import issue_manage_token
from tests.browser.fixtures import axe_violations, follow
from tests.browser.test_attendee_in_browser import screenshots, widths_fit
from tests.certificates.conftest import evening  # noqa: F401  (an attended evening, over)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def check(page, name: str) -> None:
    assert axe_violations(page) == [], name
    assert widths_fit(page) == {}, name
    screenshots(page, name)


def test_from_the_manage_link_see_download_withdraw_and_erase(
    page,
    live_server,
    mailbox,
    app,
    evening,  # noqa: F811
    make_event,
    register,
    tmp_path,
):
    app.config["BASE_URL"] = live_server  # links in mail point at this server
    day = evening()
    number = certificates.issue(day.people["Anna"].id, day.owner).number
    coming = make_event(title="Kenniscafé Samen in de wijk", capacity=1)
    anna = register(coming, "Anna de Vries", email="anna.de.vries@example.org", newsletter=True)
    register(coming, "Bob Bakker")  # waiting for Anna's place
    token = issue_manage_token(anna)
    db.session.commit()
    mailbox.clear()

    page.goto(f"{live_server}/aanmelding/{token}")
    page.get_by_role("button", name="Stuur mij een link naar mijn gegevens").click()
    assert "We hebben een mail gestuurd naar anna.de.vries@example.org" in page.locator(
        ".flashes").inner_text()  # fmt: skip
    [message] = mailbox.wait_for(1)
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(live_server) + r"/mijn-gegevens/[\w-]+", body).group(0)

    page.goto(link)
    assert page.locator("h1").inner_text() == "Mijn gegevens"
    text = page.locator("main").inner_text()
    assert "Kenniscafé Samen in de wijk" in text and day.event.title in text and number in text
    check(page, "rights-overview")

    with page.expect_download() as download:
        page.get_by_role("link", name="Mijn gegevens downloaden (JSON)").click()
    saved = tmp_path / "mijn-gegevens.json"
    download.value.save_as(saved)
    assert download.value.suggested_filename.startswith("mijn-gegevens-")
    data = json.loads(Path(saved).read_text())
    assert data["version"] == 1 and data["email"] == "anna.de.vries@example.org"
    titles = {r["event"]["title"] for r in data["tables"]["registrations"]["rows"]}
    assert titles == {"Kenniscafé Samen in de wijk", day.event.title}
    assert [c["purpose"] for c in data["tables"]["consents"]["rows"]] == ["newsletter"]
    assert "Bob" not in saved.read_text()

    page.get_by_role(
        "button", name=re.compile(r"^Intrekken\W+Ja, stuur mij de nieuwsbrief")
    ).click()
    assert "Uw toestemming is ingetrokken." in page.locator(".flashes").inner_text()
    assert page.get_by_text("Er geldt geen toestemming.").is_visible()
    check(page, "rights-withdrawn")

    page.get_by_role("link", name="Mijn gegevens wissen").click()
    assert page.locator("h1").inner_text() == "Mijn gegevens wissen"
    assert "de plaats gaat naar de eerste op de wachtlijst" in page.locator("main").inner_text()
    check(page, "rights-erase")
    page.get_by_label(re.compile("^Laat ze controleerbaar")).check()
    page.get_by_role("button", name="Ja, wis mijn gegevens").click()
    assert page.locator("h1").inner_text() == "Uw gegevens zijn gewist"
    check(page, "rights-erased")

    page.goto(link)  # the link went with the data
    assert page.locator("h1").inner_text() == "Deze link werkt niet meer"
    check(page, "rights-link-gone")
    page.goto(f"{live_server}/certificaat/{number}")
    assert "Geldig" in page.locator("main").inner_text()
    assert "Anna de Vries" in page.locator("main").inner_text()
    assert page.csp_violations == []


def test_an_admin_acts_on_a_request_by_mail(page, live_server, make_user, make_event, register):
    admin = make_user("admin", email="bea@werkplaats.example", name="Beheerder Bea")
    register(make_event(title="Kenniscafé Samen"), "Anna de Vries", newsletter=True)
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(admin.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.goto(live_server + "/beheer/privacy/verzoeken")
    check(page, "requests-find")
    page.get_by_label("E-mailadres van de persoon").fill("anna.de.vries@example.org")
    page.get_by_label("Op verzoek van").fill("e-mail van 3 maart 2026")
    page.get_by_role("button", name="Zoeken").click()
    assert page.locator("h1").inner_text() == "Gegevens van anna.de.vries@example.org"
    assert "Kenniscafé Samen" in page.locator("main").inner_text()
    check(page, "requests-person")
    follow(page, page.get_by_role("link", name="Gegevens wissen"))
    check(page, "requests-erase")
    page.get_by_role("button", name="Gegevens wissen").click()
    assert "De gegevens zijn gewist." in page.locator(".flashes").inner_text()
    assert page.csp_violations == []
