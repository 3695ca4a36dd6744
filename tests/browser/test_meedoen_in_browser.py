"""A work team's "Meedoen" in Chromium: the team's page, the form, "check your mail", the link
from the real mail opened, confirmed, and the thank-you page. Each page passes axe and fits a
phone and a laptop without sideways scrolling; no page breaks the Content Security Policy."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.knowledge import team, team_updates
from app.knowledge.team import MemberDetails, TeamDetails
from tests.browser.fixtures import axe_violations
from tests.browser.test_attendee_in_browser import screenshots, widths_fit

pytestmark = pytest.mark.browser

# Long enough to break any layout that does not wrap names and addresses.
LONG_NAME = "Anna-Maria Verschuuren-van den Boogaard"
LONG_EMAIL = "anna-maria.verschuuren-vandenboogaard@wijkteams-gemeente-nijmegen.example"


@pytest.fixture
def werkteam(app, make_theme, make_user, client, mailbox):
    """A theme presenting its work team, with one member who agreed to be named."""
    theme = make_theme("Intergenerationele overdracht", contact_name="Marieke Jansen",
                       contact_email="werkteam-intergenerationele-overdracht@hogeschool.example")  # fmt: skip
    team.save_team(theme, TeamDetails(
        description="Het werkteam verzamelt **praktische tools** en goede voorbeelden.\n\n"
                    "- kenniscafés\n- een toolkit voor wijkteams",
        lead_name="Henk de Vries", lead_organisation="Hogeschool van Arnhem en Nijmegen",
    ), may_choose_contact=False)  # fmt: skip
    member, _asked = team.add_member(
        theme,
        MemberDetails(
            name=LONG_NAME,
            email=LONG_EMAIL,
            organisation="Sociaal Wijkteam Dukenburg",
            role="ervaringsdeskundige",
        ),  # fmt: skip
        by=make_user("organiser"),
    )
    db.session.commit()
    link = re.search(
        r"/meedoen/bevestigen/\S+", mailbox.wait_for(1)[0].get_body(("plain",)).get_content()
    )
    client.post(link.group(0))  # the member said yes
    mailbox.clear()
    return theme


def check(page, name: str) -> None:
    assert axe_violations(page) == [], name
    assert widths_fit(page) == {}, name  # 320 and 390 px; then back at 1280
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, name
    screenshots(page, f"werkteam-{name}")


def test_meedoen_with_the_confirmation_mail(page, live_server, app, werkteam, mailbox):
    app.config["BASE_URL"] = live_server  # links in mail point at this server
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/themas/{werkteam.slug}/werkteam")
    assert LONG_NAME in page.locator(".work-team-members").inner_text()
    assert "praktische tools" in page.locator(".work-team").inner_text()
    check(page, "page")

    page.get_by_role("link", name="Meedoen", exact=True).click()
    assert page.locator("h1").inner_text().startswith("Meedoen met het werkteam")
    form = page.locator("form.stacked")
    form.get_by_role("button", name="Meedoen").click()  # empty: refused, with a summary
    assert "Privacyverklaring" in page.locator(".error-summary").inner_text()
    check(page, "form-refused")

    form = page.locator("form.stacked")
    form.get_by_label("Naam", exact=True).fill("Fatma Yilmaz-van den Broek")
    form.get_by_label("E-mailadres").fill("fatma.yilmaz-vandenbroek@wijkteam-dukenburg.example")
    form.get_by_label("Organisatie").fill("Wijkteam Dukenburg")
    assert form.get_by_label("Ja, stuur mij de updates van het werkteam").is_checked()
    form.get_by_label("Ja, stuur mij de nieuwsbrief van de werkplaats").check()
    form.get_by_label("Ik heb de privacyverklaring gelezen.").check()
    check(page, "form")
    form.get_by_role("button", name="Meedoen").click()

    assert page.locator("h1").inner_text() == "Kijk in uw mail"
    assert (
        "fatma.yilmaz-vandenbroek@wijkteam-dukenburg.example" in page.locator(".lead").inner_text()
    )
    check(page, "sent")
    assert team_updates.followers(werkteam) == []  # nothing holds before the mail is confirmed

    [message] = mailbox.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    link = re.search(re.escape(live_server) + r"/meedoen/bevestigen/\S+", text).group(0)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Bevestig uw toestemming"
    assert page.locator(".consent-words li").count() == 2
    check(page, "confirm")
    db.session.expire_all()
    assert team_updates.followers(werkteam) == []  # opening the link confirms nothing

    page.get_by_role("button", name="Ja, ik bevestig").click()
    assert page.locator("h1").inner_text() == "Bedankt voor uw bevestiging"
    assert page.locator(".withdraw-links li").count() == 2
    check(page, "confirmed")
    db.session.expire_all()
    followers = [p.email for p, _c in team_updates.followers(werkteam)]
    assert followers == ["fatma.yilmaz-vandenbroek@wijkteam-dukenburg.example"]
    assert page.csp_violations == []


def test_the_pages_in_english(page, live_server, app, werkteam):
    page.goto(f"{live_server}/themas/{werkteam.slug}/werkteam")
    page.get_by_role("button", name="English", exact=True).click()
    page.goto(f"{live_server}/themas/{werkteam.slug}/meedoen")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Join the" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    assert widths_fit(page) == {}


def test_the_organiser_pages_of_a_work_team(page, live_server, app, werkteam, make_user, mailbox):
    """Members, followers and an update from preview to sending, as an admin on a laptop."""
    from tests.conftest import PASSWORD
    from tests.knowledge.test_team_world import follow

    admin = make_user("admin", email=LONG_EMAIL.replace("anna-maria", "beheer"), name=LONG_NAME)
    follow(werkteam, "fatma.yilmaz-vandenbroek@wijkteam-dukenburg.example", "Fatma Yilmaz")
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(admin.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    base = f"{live_server}/beheer/themas/{werkteam.slug}/werkteam"
    for path in ("", "/leden", "/volgers", "/update"):
        page.goto(base + path)
        assert axe_violations(page) == [], path
        assert widths_fit(page) == {}, path

    page.get_by_label("Onderwerp").fill("De toolkit voor wijkteams staat online")
    page.get_by_label("Bericht").fill("Beste {naam},\n\nDe toolkit staat online.\n\nGroet, Henk")
    page.get_by_role("button", name="Voorbeeld").click()
    assert page.locator("h1").inner_text() == "Voorbeeld"
    frame = page.frame_locator("iframe.mail-frame")
    assert "Beste Fatma Yilmaz," in frame.locator("body").inner_text()
    assert axe_violations(page) == []
    assert widths_fit(page) == {}
    page.get_by_role("button", name="Versturen aan 1 volger").click()
    assert page.locator("h1").inner_text() == "De toolkit voor wijkteams staat online"
    assert axe_violations(page) == []
    assert widths_fit(page) == {}
    mailbox.wait_for(2)  # the confirmation of following, then the update
    update = [
        m for m in mailbox.messages if m["Subject"] == "De toolkit voor wijkteams staat online"
    ]
    assert [m["To"] for m in update] == ["fatma.yilmaz-vandenbroek@wijkteam-dukenburg.example"]
    assert page.csp_violations == []
