"""The organiser's dashboard and a person's record in Chromium, on a phone (390 px) and a laptop
(1280 px): no sideways scrolling, no axe violations, screenshots to look at; and cancelling
someone by clicking through the confirmation step."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.agenda import choices
from app.agenda import services as agenda
from app.attendance.models import CheckIn
from app.extensions import db
from app.programme import services as programme
from app.registration import by_hand, questions
from app.registration.models import Registration
from app.registration.services import RegistrationDetails
from tests.browser.fixtures import axe_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
WIDTHS = (390, 1280)


@pytest.fixture
def organiser_world(make_user, make_event, register):
    """An organiser with a full themadag (a waiting list, workshops, answers, a check-in, a
    registration added by hand beyond capacity), a kenniscafé to come and one that is over."""
    owner = make_user(name="Olga Organisator", email="olga@werkplaats.example")
    event = make_event(owner=owner, kind="themadag", status="draft", hours=7, capacity=3,
                       title="Themadag: Generaties in de wijk", catering=True,
                       starts_in=timedelta(days=20))  # fmt: skip
    start = event.starts_at + timedelta(hours=1)
    room = agenda.add_room(event, {"name": "Zaal 1.12", "capacity": 2})
    wonen = agenda.add_session(event, {"kind": "workshop", "title": "Wonen met jong en oud", "room_id": room.id,
                                       "starts_at": start, "ends_at": start + timedelta(hours=1)})  # fmt: skip
    agenda.add_session(event, {"kind": "workshop", "title": "Geldzorgen bespreekbaar maken",
                               "starts_at": start, "ends_at": start + timedelta(hours=1)})  # fmt: skip
    programme.add_accreditation(event, "Registerplein", "RP-2026-001", 3)
    question = questions.add_question(
        event, "Wat wilt u na deze dag anders doen?", "text", [], False
    )
    programme.publish_event(event)
    db.session.commit()
    long_email = "annemarie.van.der.heijden-bosschaert@gemeente-maas-en-waal.example.org"
    anna = by_hand.add_by_hand(
        event.id,
        RegistrationDetails(name="Annemarie van der Heijden-Bosschaert", email=long_email,
                            organisation="Gemeente Maas en Waal, sociaal wijkteam Beneden-Leeuwen",
                            function="Wijkcoach jeugd en gezin", dietary_needs="Vegetarisch, geen noten",
                            register_numbers={"Registerplein": "110012345"},
                            answers={str(question.id): "Vaker generaties samenbrengen in de buurt; een https://voorbeeld.example/een/heel/lange/link/die/niet/mag/uitsteken"},
                            newsletter=True, photos=True),
        [wonen.id], by=owner,
    ).registration  # fmt: skip
    db.session.commit()
    for name in ("Bram Jansen", "Cas de Wit"):
        choices.choose_workshops(register(event, name), [wonen.id])
        db.session.commit()
    for name in ("Dewi Pranoto", "Eva Smit"):
        register(event, name)
    by_hand.add_by_hand(event.id, RegistrationDetails(name="Fatma Yilmaz", email="fatma@example.org"),
                        [], by=owner, beyond_capacity=True)  # fmt: skip
    db.session.add(CheckIn(registration_id=anna.id, method="qr", checked_in_by_id=owner.id))
    db.session.commit()
    cafe = make_event(owner=owner, title="Kenniscafé: Armoede en schulden", capacity=40,
                      starts_in=timedelta(days=5))  # fmt: skip
    register(cafe, "Gijs Bakker")
    make_event(owner=owner, title="Kenniscafé: Eenzaamheid", starts_in=timedelta(days=-30))
    make_event(owner=owner, title="Concept: Wijkgericht werken", status="draft",
               starts_in=timedelta(days=60))  # fmt: skip
    return owner, event, anna


def log_in(page, live_server, email: str) -> None:
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/beheer/activiteiten")


def fits(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_and_person_page_reflow_pass_axe_and_are_photographed(
    page, live_server, organiser_world, width
):
    owner, event, anna = organiser_world
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, owner.email)

    page.goto(live_server + "/beheer/activiteiten")
    page.locator(".past-events > summary").click()  # open the past, so it is checked too
    scroll, inner = fits(page)
    assert scroll <= inner, f"dashboard is {scroll} px wide at {inner} px"
    assert axe_violations(page) == []
    page.screenshot(path=str(ARTEFACTS / f"dashboard-{width}.png"), full_page=True)

    page.goto(live_server + f"/beheer/aanmeldingen/{anna.id}")
    assert page.locator("h1").inner_text() == anna.name
    scroll, inner = fits(page)
    assert scroll <= inner, f"the person page is {scroll} px wide at {inner} px"
    assert axe_violations(page) == []
    page.screenshot(path=str(ARTEFACTS / f"person-{width}.png"), full_page=True)

    for name, path in (("registrations", f"/beheer/activiteiten/{event.id}/aanmeldingen"),
                       ("add", f"/beheer/activiteiten/{event.id}/aanmeldingen/nieuw"),
                       ("cancel", f"/beheer/aanmeldingen/{anna.id}/annuleren")):  # fmt: skip
        page.goto(live_server + path)
        scroll, inner = fits(page)
        assert scroll <= inner, f"{path} is {scroll} px wide at {inner} px"
        assert axe_violations(page) == [], path
        page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"), full_page=True)
    assert page.csp_violations == []


def test_cancel_someone_by_clicking_through_the_confirmation(page, live_server, organiser_world):
    owner, event, _anna = organiser_world
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, owner.email)
    page.get_by_role("link", name="Aanmeldingen : Themadag: Generaties in de wijk").click()
    page.get_by_role("link", name="Bram Jansen", exact=True).click()
    assert page.locator("h1").inner_text() == "Bram Jansen"

    page.get_by_role("link", name="Annuleren", exact=True).click()
    assert page.locator("h1").inner_text() == "Aanmelding van Bram Jansen annuleren?"
    said = page.locator(".consequences").inner_text()
    assert "Dewi Pranoto, nu plaats 1 op de wachtlijst" not in said  # over capacity: nobody
    assert "niemand van de wachtlijst schuift door" in said
    assert "Cas de Wit" in said  # Bram's place in the workshop goes to the first waiting
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nee, terug").click()
    assert page.locator("h1").inner_text() == "Bram Jansen"  # nothing happened

    page.get_by_role("link", name="Annuleren", exact=True).click()
    page.get_by_role("button", name="Ja, annuleren").click()
    assert "Aanmelding geannuleerd." in page.locator(".flashes").inner_text()
    assert page.locator("h1").inner_text() == "Bram Jansen"
    assert "Deze aanmelding is geannuleerd." in page.locator(".actions-panel").inner_text()
    db.session.expire_all()
    statuses = dict(db.session.execute(sa.select(Registration.name, Registration.status)).all())
    assert statuses["Bram Jansen"] == "cancelled" and statuses["Dewi Pranoto"] == "waitlisted"
    assert page.csp_violations == []
