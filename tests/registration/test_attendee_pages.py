"""What an attendee sees: the form's errors, the confirmation page and the manage page (their
summaries, the cancelled state, consents that can be withdrawn), in the language they
registered in, with sentences round organisers' titles that never double a stop."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from app.activity import services as activity
from app.agenda import services as agenda
from app.extensions import db
from app.forms import error_name
from app.programme import services as programme
from app.registration import consents
from app.registration.forms import RegistrationForm
from app.registration.models import Participant, Registration
from app.registration.services import RegistrationDetails
from app.registration.tokens import issue_manage_token
from app.text import sentence
from tests.conftest import local

FORM = {"name": "Anna de Vries", "email": "anna@example.org", "organisation": "Wijkteam Oost",
        "function": "Wijkcoach", "privacy": "y"}  # fmt: skip


def only_registration() -> Registration:
    db.session.expire_all()
    [registration] = db.session.scalars(sa.select(Registration)).all()
    return registration


def registration_of(event, email) -> Registration:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Registration)
        .join(Participant)
        .where(Registration.event_id == event.id, Participant.email == email)
    )


def details_of(name: str) -> RegistrationDetails:
    return RegistrationDetails(name=name, email=f"{name.lower()}@example.org")


def link_to(registration) -> str:
    token = issue_manage_token(db.session.get(Registration, registration.id))
    db.session.commit()
    return f"/aanmelding/{token}"


def text_of(html: str) -> str:
    """The page's text, tags removed and white space folded, for reading sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


@pytest.fixture
def themadag(make_event, make_user):
    """A published themadag at De Schakel from 09.45, one ronde (10.45–11.45) of two workshops:
    Wonen in Zaal 1.12 (1 place) and Geld in Zaal 1.14."""

    def make(capacity=100):
        event = make_event(owner=make_user(), kind="themadag", status="draft",
                           starts_at=local(2031, 3, 11, 9, 45), hours=7, capacity=capacity,
                           address="Dr. Lelylaan 3")  # fmt: skip
        start = event.starts_at + timedelta(hours=1)
        rooms = {name: agenda.add_room(event, {"name": name, "capacity": capacity})
                 for name, capacity in (("Zaal 1.12", 1), ("Zaal 1.14", 10))}  # fmt: skip
        sessions = {
            title.lower(): agenda.add_session(event, {"kind": "workshop", "title": title,
                                                      "room_id": rooms[room].id, "starts_at": start,
                                                      "ends_at": start + timedelta(hours=1)})
            for title, room in (("Wonen", "Zaal 1.12"), ("Geld", "Zaal 1.14"))
        }  # fmt: skip
        programme.publish_event(event)
        db.session.commit()
        return event, sessions

    return make


# --- sentences round a title ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("built", "title", "expected"),
    [
        ("U bent aangemeld voor Wat nu?.", "Wat nu?", "U bent aangemeld voor Wat nu?"),
        ("U bent aangemeld voor Feest!.", "Feest!", "U bent aangemeld voor Feest!"),
        ("Aangemeld voor Samen verder e.d..", "Samen verder e.d.", "Aangemeld voor Samen verder e.d."),
        ("Over Wat nu?? Ja.", "Wat nu?", "Over Wat nu? Ja."),
        ("Komst naar Wat nu?. Uw bewijs staat klaar.", "Wat nu?", "Komst naar Wat nu? Uw bewijs staat klaar."),
        ("U bent aangemeld voor Kenniscafé.", "Kenniscafé", "U bent aangemeld voor Kenniscafé."),
        ("Wat nu? is vol.", "Wat nu?", "Wat nu? is vol."),
    ],
)  # fmt: skip
def test_a_sentence_never_doubles_the_stop_of_a_title(built, title, expected):
    assert sentence(built, title) == expected


def test_a_sentence_in_html_keeps_its_escaping_and_the_dutch_mark():
    built = Markup('Over <span lang="nl">Q&amp;A?</span>?')
    assert sentence(built, "Q&A?") == Markup('Over <span lang="nl">Q&amp;A?</span>')
    assert isinstance(sentence(built, "Q&A?"), Markup)


def test_mails_about_a_title_ending_in_a_question_mark_have_no_extra_stop(
    client, make_event, mailbox
):
    event = make_event(title="Wat gaat er goed tussen generaties?")
    client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM)
    [mail] = mailbox.wait_for(1)
    text = mail.get_body(("plain",)).get_content()
    assert "U bent aangemeld voor Wat gaat er goed tussen generaties?\r\n" in text
    assert "generaties?." not in text
    assert "generaties?." not in mail.get_body(("html",)).get_content()


def test_pages_about_a_title_ending_in_a_question_mark_have_no_extra_mark(
    client, make_event, register
):
    from app.registration.tokens import issue_unsubscribe_token

    registration = register(make_event(title="Wat nu?"), "Anna")
    token = issue_unsubscribe_token(registration)
    db.session.commit()
    html = client.get(f"/berichten-stoppen/{token}").get_data(as_text=True)
    assert "ontvangen over Wat nu?</p>" in html and "Wat nu??" not in html


# --- the form's errors -------------------------------------------------------------------


def test_errors_name_the_field_without_the_labels_punctuation(client, make_event):
    event = make_event()
    response = client.post(
        f"/activiteiten/{event.slug}/aanmelden", data={**FORM, "privacy": "", "name": ""}
    )
    assert response.status_code == 400
    summary = section(response.get_data(as_text=True), 'class="error-summary"', "</div>")
    assert '<a href="#privacy">Privacyverklaring: Dit veld is vereist.</a>' in summary
    assert '<a href="#name">Naam: Dit veld is vereist.</a>' in summary
    assert ".:" not in summary


def test_the_error_summary_can_take_the_focus_and_its_script_moves_it_there(client, make_event):
    event = make_event()
    html = client.post(
        f"/activiteiten/{event.slug}/aanmelden", data={**FORM, "email": ""}
    ).get_data(as_text=True)
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1"', html)
    assert '<script src="/static/js/forms.js" defer></script>' in html
    fresh = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert "forms.js" not in fresh  # no errors, no summary, nothing to focus


def test_an_error_on_a_question_links_to_its_first_option(client, make_event):
    from app.registration import questions

    event = make_event()
    question = questions.add_question(event, "Komt u met de fiets?", "yes_no", [], True)
    db.session.commit()
    html = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM).get_data(as_text=True)
    field = f"question_{question.id}"
    assert f'<a href="#{field}-0">Komt u met de fiets: Dit veld is vereist.</a>' in html
    assert f'id="{field}-0"' in html


def test_an_error_on_a_ronde_links_to_its_first_workshop(client, themadag):
    event, _sessions = themadag()
    event.workshop_choice_required = True
    db.session.commit()
    html = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM).get_data(as_text=True)
    ronde = "Ronde 1 (dinsdag 11 maart 2031, 10.45–11.45 uur)"
    assert f'<a href="#ronde_1-0">{ronde}: Kies een workshop in deze ronde.</a>' in html


def test_error_names(app):
    with app.test_request_context():
        form = RegistrationForm(meta={"csrf": False})
        assert error_name(form.privacy) == "Privacyverklaring"
        assert error_name(form.name) == "Naam"
        assert error_name(form.newsletter) == "Nieuwsbrief"


def test_every_required_field_says_so_the_privacy_checkbox_too(client, make_event):
    html = client.get(f"/activiteiten/{make_event().slug}").get_data(as_text=True)
    required = '<span class="required">(verplicht)</span>'
    for name in ("name", "email", "privacy"):
        assert re.search(rf'for="{name}">[^<]*</label>\s*{re.escape(required)}', html), name
    for name in ("organisation", "function", "newsletter", "photos"):
        assert not re.search(rf'for="{name}">[^<]*</label>\s*{re.escape(required)}', html), name


# --- the confirmation page ----------------------------------------------------------------


def test_the_confirmation_page_sums_up_the_registration(client, themadag):
    event, sessions = themadag()
    data = {**FORM, "email": "Anna.de.Vries@Example.org", "ronde_1": str(sessions["geld"].id)}
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=data)
    html = client.get(response.location).get_data(as_text=True)
    summary = text_of(section(html, '<dl class="facts summary">', "</dl>"))
    assert event.title in summary
    assert "dinsdag 11 maart 2031, 09.45–16.45 uur" in summary
    assert "Wijkcentrum De Schakel Dr. Lelylaan 3 Nijmegen" in summary
    assert "U heeft een plaats" in summary
    assert "10.45–11.45 Geld Zaal 1.14" in summary and "Wonen" not in summary
    assert "Anna.de.Vries@Example.org" in summary  # the address as typed, to spot a typo
    assert "<br>" in section(html, "<dt>Waar</dt>", "</dd>")  # venue, address, city: lines


def test_the_confirmation_page_shows_the_waiting_list_place(client, make_event, register):
    event = make_event(capacity=1)
    register(event, "Bert")
    register(event, "Carla")  # waiting, place 1
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM)
    summary = text_of(client.get(response.location).get_data(as_text=True))
    assert "Wachtlijst plaats 2" in summary
    assert registration_of(event, "anna@example.org").waitlist_position == 2


def test_a_workshop_that_was_full_says_so_as_the_form_did(client, themadag, register):
    event, sessions = themadag()
    activity.register(event.id, details_of("Bert"), [sessions["wonen"].id])  # its only place
    db.session.commit()
    data = {**FORM, "ronde_1": str(sessions["wonen"].id)}
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=data)
    summary = text_of(client.get(response.location).get_data(as_text=True))
    assert "10.45–11.45 Wonen Zaal 1.12 (vol – u komt op de wachtlijst)" in summary


def test_an_address_registered_already_sees_what_a_new_one_would(client, make_event, register):
    """Anna has a place; the event has filled up since. Someone typing her address is shown
    what a newcomer gets (the waiting list), exactly as a new address is: nothing about Anna."""
    event = make_event(capacity=1)
    register(event, "Anna de Vries", email="anna@example.org")
    pages = []
    for email in ("anna@example.org", "nieuw@example.org"):
        response = client.post(
            f"/activiteiten/{event.slug}/aanmelden", data={**FORM, "email": email}
        )
        html = client.get(response.location).get_data(as_text=True)
        pages.append(
            text_of(section(html, '<dl class="facts summary">', "</dl>")).replace(email, "…")
        )
    assert pages[0] == pages[1] and "Wachtlijst plaats 1" in pages[0]


def test_the_confirmation_page_is_shown_once(client, make_event):
    event = make_event()
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM)
    assert client.get(response.location).status_code == 200
    assert client.get(response.location).status_code == 302  # reloaded: back to the event


# --- the manage page ----------------------------------------------------------------------


def test_the_manage_page_sums_up_the_registration_with_workshops_one_per_line(
    client, themadag, register
):
    event, sessions = themadag()
    outcome, _ = activity.register(event.id, details_of("Anna"), [sessions["geld"].id])
    db.session.commit()
    html = client.get(link_to(outcome.registration)).get_data(as_text=True)
    summary = section(html, '<dl class="facts summary">', "</dl>")
    assert summary.count("<li>") == 1
    assert "10.45–11.45 Geld Zaal 1.14" in text_of(summary)
    assert "anna@example.org" in summary and "U heeft een plaats" in summary
    assert "Wijkcentrum De Schakel<br>Dr. Lelylaan 3<br>Nijmegen" in summary
    assert "Workshops kiezen of wijzigen" in html


def test_the_manage_page_of_someone_waiting(client, make_event, register):
    event = make_event(capacity=1)
    register(event, "Bert")
    waiting = register(event, "Anna")
    html = client.get(link_to(waiting)).get_data(as_text=True)
    assert "Wachtlijst plaats 1" in text_of(section(html, '<dl class="facts summary">', "</dl>"))


def test_after_cancelling_the_manage_page_reads_cancelled(client, themadag):
    event, sessions = themadag()
    outcome, _ = activity.register(event.id, details_of("Anna"), [sessions["geld"].id])
    db.session.commit()
    link = link_to(outcome.registration)
    response = client.post(f"{link}/afmelden")
    html = client.get(response.location).get_data(as_text=True)
    summary = text_of(section(html, '<dl class="facts summary">', "</dl>"))
    assert re.search(r"Status Afgemeld op \w+dag \d+ \w+ \d{4}, \d\d\.\d\d uur", summary)
    assert "Geld" not in summary and "Workshops" not in summary
    for gone in ("U heeft nog geen workshops gekozen", "Workshops kiezen of wijzigen",
                 f'href="{link}/afmelden"', "Gegevens opslaan", "U heeft een plaats"):  # fmt: skip
        assert gone not in html, gone
    assert "Meld u dan opnieuw aan" in html


def test_someone_waiting_is_not_told_they_chose_no_workshops(client, themadag, register):
    event, _sessions = themadag(capacity=1)
    register(event, "Bert")
    html = client.get(link_to(register(event, "Anna"))).get_data(as_text=True)
    assert "U kiest workshops zodra u een plaats heeft." in html
    assert "U heeft nog geen workshops gekozen" not in html
    assert "Workshops kiezen of wijzigen" not in html


# --- consents ----------------------------------------------------------------------------


def test_consents_are_shown_with_a_button_to_withdraw_each(client, make_event, register):
    anna = register(make_event(), "Anna", newsletter=True, photos=True)
    html = client.get(link_to(anna)).get_data(as_text=True)
    consents_html = section(html, 'id="toestemming"', "</ul>")
    assert consents_html.count("Gegeven op") == 2
    assert "Toestemming voor de nieuwsbrief intrekken" in consents_html
    assert re.search("Toestemming voor foto(&#39;|')s intrekken", consents_html)


def test_withdrawing_the_newsletter_consent_keeps_the_photos(client, make_event, register):
    anna = register(make_event(), "Anna", newsletter=True, photos=True)
    link = link_to(anna)
    response = client.post(f"{link}/toestemming/newsletter/intrekken")
    assert response.status_code == 302 and response.location.endswith("#toestemming")
    held = consents.held(only_registration())
    assert held["newsletter"] is None and held["photos"] is not None
    html = client.get(link).get_data(as_text=True)
    assert "Uw toestemming is ingetrokken." in html
    assert "Ja, stuur mij de nieuwsbrief" in html  # it can be given again


def test_consent_can_be_given_again_and_keeps_its_first_moment(client, make_event, register):
    anna = register(make_event(), "Anna")
    link = link_to(anna)
    client.post(f"{link}/toestemming/photos/geven")
    given = consents.held(only_registration())["photos"]
    assert given is not None and given.given_how == "manage_link"
    client.post(f"{link}/toestemming/photos/geven")  # twice: nothing changes
    assert consents.held(only_registration())["photos"].id == given.id


def test_consent_can_be_withdrawn_after_cancelling_but_not_given(client, make_event, register):
    anna = register(make_event(), "Anna", photos=True)
    link = link_to(anna)
    client.post(f"{link}/afmelden")
    assert client.post(f"{link}/toestemming/newsletter/geven").status_code == 409
    assert client.post(f"{link}/toestemming/photos/intrekken").status_code == 302
    assert consents.held(only_registration()) == {"newsletter": None, "photos": None}


def test_an_unknown_consent_or_link_is_a_404(client, make_event, register):
    link = link_to(register(make_event(), "Anna"))
    assert client.post(f"{link}/toestemming/privacy/intrekken").status_code == 404
    assert client.post("/aanmelding/onbekend/toestemming/photos/intrekken").status_code == 404


def test_the_consent_services(app, make_event, register):
    anna = register(make_event(), "Anna", newsletter=True)
    given = consents.held(anna)["newsletter"]
    consents.withdraw_consent(anna, "newsletter")
    withdrawn_at = given.withdrawn_at
    consents.withdraw_consent(anna, "newsletter")
    assert consents.held(anna)["newsletter"] is None
    assert given.withdrawn_at == withdrawn_at and given.withdrawn_how == "manage_link"


# --- language -------------------------------------------------------------------------------


def _register_in_english(client, event, **extra) -> Registration:
    client.post("/taal", data={"taal": "en"})
    client.post(f"/activiteiten/{event.slug}/aanmelden", data={**FORM, **extra})
    registration = only_registration()
    assert registration.language == "en"
    return registration


def test_the_manage_page_speaks_the_language_registered_in(app, client, themadag):
    event, sessions = themadag()
    registration = _register_in_english(client, event, ronde_1=str(sessions["geld"].id))
    link = link_to(registration)
    elsewhere = app.test_client()  # the link opened from the mail, in another browser
    html = elsewhere.get(link).get_data(as_text=True)
    assert '<html lang="en">' in html and "Your registration" in html
    assert "10:45–11:45" in html and "10.45" not in html  # English times
    assert f'<h1><span lang="nl">{event.title}</span></h1>' in html  # Dutch content marked
    assert '<span lang="nl">Geld</span>' in html
    cancel = elsewhere.get(f"{link}/afmelden").get_data(as_text=True)
    assert '<html lang="en">' in cancel and "Yes, cancel" in cancel


def test_a_flash_after_saving_is_in_the_registrations_language_too(app, client, make_event):
    registration = _register_in_english(client, make_event())
    elsewhere = app.test_client()
    link = link_to(registration)
    response = elsewhere.post(link, data={"name": "Anna de Vries-Jansen"})
    html = elsewhere.get(response.location).get_data(as_text=True)
    assert "Your details have been updated." in html


def test_the_language_switch_in_this_browser_wins(app, client, make_event):
    registration = _register_in_english(client, make_event())
    link = link_to(registration)
    dutch_browser = app.test_client()
    dutch_browser.post("/taal", data={"taal": "nl"})
    html = dutch_browser.get(link).get_data(as_text=True)
    assert '<html lang="nl">' in html and "Uw aanmelding" in html
    assert 'lang="nl"><span' not in html and "<span lang=" not in html.split("<main", 1)[1]


def test_a_dutch_registration_is_dutch_with_dutch_times(client, themadag):
    event, sessions = themadag()
    outcome, _ = activity.register(event.id, details_of("Anna"), [sessions["geld"].id])
    db.session.commit()
    html = client.get(link_to(outcome.registration)).get_data(as_text=True)
    assert '<html lang="nl">' in html and "10.45–11.45" in html and "10:45" not in html


def test_dutch_content_is_marked_as_such_on_english_public_pages(client, make_event):
    event = make_event(title="Wat werkt in de wijk?", summary="Een avond over buurtwerk.",
                       description="Over **samenwerken** in de wijk.")  # fmt: skip
    dutch_page = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert 'lang="nl">Wat werkt' not in dutch_page  # a Dutch page needs no marking
    client.post("/taal", data={"taal": "en"})
    page = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert '<span lang="nl">Wat werkt in de wijk?</span>' in page
    assert '<p class="lead" lang="nl">Een avond over buurtwerk.</p>' in page
    assert '<div class="rich-text" lang="nl"><p>Over <strong>samenwerken</strong>' in page
    listing = client.get("/").get_data(as_text=True)
    assert '<span lang="nl">Wat werkt in de wijk?</span>' in listing
