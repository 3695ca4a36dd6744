"""Reflow (WCAG 1.4.10) in a real Chromium: every public page, the personal pages of a
registration and the main organiser pages, at 320, 390 and 1280 px. On each: the page never
scrolls sideways (`scrollWidth <= innerWidth`; axe cannot see this) and axe finds nothing.

One browser context per test and one login; each failure names the page, the width and the
elements that stick out. Screenshots of four pages at phone and laptop width are written to
/tmp/kennisagenda-artefacts/reflow-*.png for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.programme.models import Event
from app.registration import services as registration_services
from app.registration.models import Participant, Registration
from app.registration.services import RegistrationDetails
from app.registration.tokens import issue_manage_token
from tests.browser.fixtures import AXE_SCRIPT, WCAG_AA

pytestmark = [pytest.mark.browser, pytest.mark.sweep]

WIDTHS = (320, 390, 1280)
# axe at the narrowest and the widest: 390 px shares every breakpoint with 320 px but the two
# smallest (22 and 23 rem), which only tighten spacing; the reflow measure runs at all three.
AXE_WIDTHS = (320, 1280)
ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
THEMADAG = "themadag-generaties-in-de-wijk"
# Long enough to break any layout that does not wrap addresses.
LONG_NAME = "Anna-Maria Verschuuren-van den Boogaard"
LONG_EMAIL = "anna-maria.verschuuren-vandenboogaard@wijkteams-gemeente-nijmegen.example"

# How wide the page is, and which elements reach past the right edge of the viewport (the
# deepest ones, not their ancestors) or overflow their own box while visible.
MEASURE = """() => {
  const width = window.innerWidth, out = [];
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  for (const e of document.body.querySelectorAll('*')) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    if ([...e.children].some(c => c.getBoundingClientRect().right > width + 0.5)) continue;
    out.push(describe(e) + ' (right edge ' + Math.round(box.right) + ' px: "' + (e.textContent || '').trim().slice(0, 40) + '")');
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits: out.slice(0, 5)};
}"""
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"""
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0


@pytest.fixture
def checked_page(browser):
    """One page whose context loads axe into every document before the page's own scripts."""
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.add_init_script(AXE_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


class Reflow:
    """Visits pages at each width and collects what fails, so one run reports every page."""

    def __init__(self, page, base: str):
        self.page, self.base, self.failures = page, base, []

    def visit(self, path: str, width: int, before=None) -> None:
        page = self.page
        page.set_viewport_size({"width": width, "height": 900})
        if before:
            before()
        response = page.goto(self.base + path)
        where = f"{path} at {width} px"
        if response is None or response.status != 200 or not page.url.endswith(path):
            self.failures.append(f"{where}: status {response and response.status}, at {page.url}")
            return
        self.check(where, width)

    def arrive_all(self, name: str, arrive, widths=WIDTHS) -> None:
        """A page reached by doing something (sending a form), not by its address."""
        for width in widths:
            self.page.set_viewport_size({"width": width, "height": 900})
            arrive()
            self.check(f"{name} at {width} px", width)

    def check(self, where: str, width: int) -> None:
        page = self.page
        page.evaluate(SETTLED)  # scripts that react to the width (js/scroll-regions.js) ran
        found = page.evaluate(MEASURE)
        if found["scrollWidth"] > found["innerWidth"]:
            self.failures.append(
                f"{where}: the page is {found['scrollWidth']} px wide; sticking out: "
                + ("; ".join(found["culprits"]) or "text overflowing its own box")
            )
        if width in AXE_WIDTHS:
            result = page.evaluate(RUN_AXE, WCAG_AA)
            for v in result["violations"]:
                targets = [n["target"] for n in v["nodes"]][:3]
                self.failures.append(f"{where}: axe {v['id']} ({v['impact']}) on {targets}")

    def visit_all(self, paths, widths=WIDTHS, before=None) -> None:
        for path in paths:
            for width in widths:
                self.visit(path, width, before)

    def screenshot(self, path: str, name: str) -> None:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        for width in (390, 1280):
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.goto(self.base + path)
            self.page.screenshot(path=str(ARTEFACTS / f"reflow-{name}-{width}.png"), full_page=True)


def paths(app, *endpoints) -> list[str]:
    with app.test_request_context():
        return [url_for(endpoint, **values) for endpoint, values in endpoints]


def demo_registration(app) -> str:
    """A registration for the themadag with a long name and address; its manage token."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == THEMADAG))
    details = RegistrationDetails(
        name=LONG_NAME, email=LONG_EMAIL, organisation="Wijkteam Dukenburg"
    )
    outcome = registration_services.register(event.id, details, tell=False)
    token = issue_manage_token(outcome.registration)
    db.session.commit()
    return token


def test_public_and_personal_pages_reflow_at_320_390_and_1280(app, live_server, demo, checked_page):
    reflow = Reflow(checked_page, live_server)
    token = demo_registration(app)
    slugs = db.session.scalars(
        sa.select(Event.slug).where(Event.status != "draft").order_by(Event.starts_at)
    ).all()
    assert THEMADAG in slugs
    theme = db.session.scalar(sa.text("SELECT slug FROM themes ORDER BY id LIMIT 1"))
    reflow.visit_all(
        paths(
            app,
            ("programme.index", {}),
            ("programme.themes", {}),
            ("programme.theme", {"slug": theme}),
            ("programme.archive", {}),
            ("site.contact", {}),
            ("site.privacy", {}),
            ("site.accessibility", {}),
            *[("programme.event", {"slug": slug}) for slug in slugs],
            ("registration.manage", {"token": token}),
            ("registration.cancel", {"token": token}),
            ("agenda.choose", {"token": token}),
            ("certificates.check", {}),
            ("accounts.login", {}),
        )
    )

    # The confirmation page shows once, after the form was sent: send it (with a workshop
    # in each ronde, from the form itself) before each visit. The same address again changes
    # nothing but shows the same page.
    [event_path, registered_path] = paths(
        app,
        ("programme.event", {"slug": THEMADAG}),
        ("registration.registered", {"slug": THEMADAG}),
    )
    checked_page.goto(live_server + event_path)
    choices = checked_page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('form input[type=radio]')]
              .filter((r, i, all) => all.findIndex(o => o.name === r.name) === i)
              .map(r => [r.name, r.value]))"""
    )
    form = {"name": "Fatma Yilmaz", "email": "fatma.yilmaz@wijkteam.example", "privacy": "y"}

    def send_the_form():
        response = checked_page.request.post(
            live_server + event_path + "/aanmelden", form={**form, **choices}, max_redirects=0
        )
        assert response.status == 302, response.text()[:500]

    reflow.visit_all([registered_path], before=send_the_form)

    reflow.screenshot("/", "programme")
    reflow.screenshot(event_path, "themadag")
    reflow.screenshot(paths(app, ("registration.manage", {"token": token}))[0], "manage")
    assert reflow.failures == [], "\n".join(reflow.failures)


def test_organiser_pages_reflow_at_320_390_and_1280(app, live_server, demo, checked_page):
    demo_registration(app)  # the lists have someone with a long address in them
    event_id = db.session.scalar(sa.select(Event.id).where(Event.slug == THEMADAG))
    page = checked_page
    page.goto(live_server + "/beheer/inloggen")
    page.locator("input[name=email]").fill("organisator@kennisagenda.example")
    page.locator("input[name=password]").fill("demo-wachtwoord")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/beheer/**")
    assert "/inloggen" not in page.url

    reflow = Reflow(page, live_server)
    event = {"event_id": event_id}
    person = {"registration_id": db.session.scalar(
        sa.select(Registration.id).join(Registration.participant)
        .where(Participant.email == LONG_EMAIL)
    )}  # fmt: skip
    reflow.visit_all(
        paths(
            app,
            ("programme_manage.events", {}),
            ("registration_manage.person_page", person),
            ("registration_manage.add", event),
            ("registration_manage.cancel", person),
            ("programme_manage.edit_event", event),
            ("agenda_manage.editor", event),
            ("agenda_manage.rooms", event),
            ("agenda_manage.speakers", {}),
            ("registration_manage.registrations", event),
            ("registration_manage.message", event),
            ("attendance_manage.presence", event),
            ("certificates_manage.overview", event),
        )
    )

    # The group message's preview is the answer to a form; once sent, it is in the history.
    [message_path] = paths(app, ("registration_manage.message", event))

    def preview():
        page.goto(live_server + message_path)
        page.get_by_label("Onderwerp").fill("Parkeren bij De Schakel")
        page.get_by_label("Bericht").fill("Beste {naam},\n\nParkeer achter het gebouw.")
        page.get_by_role("button", name="Voorbeeld").click()
        page.wait_for_url("**/bericht/voorbeeld")

    reflow.arrive_all("the message preview", preview)
    page.get_by_role("button", name=re.compile("^Versturen aan")).click()
    page.wait_for_url("**/berichten/*")
    detail_path = page.url.removeprefix(live_server)
    reflow.visit_all([*paths(app, ("registration_manage.message_history", event)), detail_path])
    reflow.screenshot(paths(app, ("programme_manage.events", {}))[0], "dashboard")
    assert reflow.failures == [], "\n".join(reflow.failures)
