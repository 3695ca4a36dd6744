"""Registering for the demo themadag in Chromium, then managing it from the link in the mail."""

import re

import pytest

from tests.browser.fixtures import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0


def test_register_open_the_link_from_the_mail_and_cancel(page, live_server, demo, mailbox, app):
    app.config["BASE_URL"] = live_server  # links in mail point at this server
    page.goto(live_server + "/activiteiten/themadag-generaties-in-de-wijk")
    assert axe_violations(page) == []  # the form, as a visitor first sees it

    page.get_by_role("button", name="Aanmelden").click()  # empty: errors, nothing lost
    assert page.locator(".error-summary").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Naam").fill("Fatma Yilmaz")
    page.get_by_label("E-mailadres").fill("fatma@wijkteam.example")
    page.get_by_label("Organisatie").fill("Wijkteam Dukenburg")
    page.get_by_label("Functie of rol").fill("Wijkcoach")
    page.get_by_label("Registratienummer SKJ").fill("110012345")
    page.get_by_label("Ik heb de privacyverklaring gelezen.").check()
    page.get_by_role("button", name="Aanmelden").click()
    assert page.locator("h1").inner_text() == "Kijk in uw mail"
    assert axe_violations(page) == []

    [message] = mailbox.wait_for(1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(live_server) + r"/aanmelding/[\w-]+", text).group(0)
    page.goto(link)
    assert "U heeft een plaats" in page.locator(".facts").inner_text()
    assert page.get_by_label("Registratienummer SKJ").input_value() == "110012345"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Afmelden").click()
    page.get_by_role("button", name="Ja, afmelden").click()
    assert "U bent afgemeld" in page.locator(".flashes").inner_text()
    assert "Afgemeld" in page.locator(".facts").inner_text()
    assert page.csp_violations == []
    assert [m["Subject"] for m in mailbox.wait_for(2)][1].startswith("Afmelding:")
