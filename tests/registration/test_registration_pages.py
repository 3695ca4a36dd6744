"""Registering through the event page, the manage link, and the organiser's pages."""

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.programme import services as programme
from app.registration import listing, questions
from app.registration.models import Registration

FORM = {"name": "Anna de Vries", "email": "anna@example.org", "organisation": "Wijkteam Oost",
        "function": "Wijkcoach", "privacy": "y"}  # fmt: skip


def registrations() -> list[Registration]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Registration)).all()


def test_event_page_shows_the_form_with_only_what_is_needed(client, make_event):
    html = client.get(f"/activiteiten/{make_event().slug}").get_data(as_text=True)
    for label in (
        "Naam",
        "E-mailadres",
        "Organisatie",
        "Functie of rol",
        "Ik heb de privacyverklaring gelezen.",
    ):
        assert label in html
    assert "Dieetwensen" not in html and "Registratienummer" not in html
    privacy = re.search(r'<input[^>]*name="privacy"[^>]*>', html).group(0)
    assert "checked" not in privacy  # never pre-ticked


def test_dietary_needs_and_register_numbers_only_when_the_event_has_them(client, make_event):
    event = make_event(catering=True)
    programme.add_accreditation(event, "SKJ", "SKJ-1", 2)
    db.session.commit()
    html = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert "Dieetwensen of allergieën" in html and "Registratienummer SKJ" in html
    form = {
        **FORM,
        "dietary_needs": "vegetarisch",
        "register_" + str(event.accreditations[0].id): "123456",
    }
    client.post(f"/activiteiten/{event.slug}/aanmelden", data=form)
    [registration] = registrations()
    assert registration.dietary_needs == "vegetarisch"
    assert registration.register_numbers == {"SKJ": "123456"}


def test_privacy_must_be_acknowledged_and_nothing_typed_is_lost(client, make_event):
    event = make_event()
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data={**FORM, "privacy": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Controleer het formulier" in html
    assert 'value="Anna de Vries"' in html and 'value="Wijkteam Oost"' in html
    assert registrations() == []


def test_honeypot_refuses_with_a_reason(client, make_event):
    response = client.post(
        f"/activiteiten/{make_event().slug}/aanmelden", data={**FORM, "website": "http://spam"}
    )
    assert response.status_code == 400
    assert "lijkt automatisch verstuurd" in response.get_data(as_text=True)
    assert registrations() == []


def test_event_questions_are_asked_and_required_ones_enforced(client, make_event):
    event = make_event()
    choice = questions.add_question(
        event, "Welke workshop spreekt u aan?", "choice", ["Wonen", "Geld"], True
    )
    yes_no = questions.add_question(event, "Komt u met de fiets?", "yes_no", [], False)
    db.session.commit()
    html = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert "Welke workshop spreekt u aan?" in html and "Komt u met de fiets?" in html
    missing = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM)
    assert missing.status_code == 400
    client.post(f"/activiteiten/{event.slug}/aanmelden",
                data={**FORM, f"question_{choice.id}": "Geld", f"question_{yes_no.id}": "ja"})  # fmt: skip
    [registration] = registrations()
    assert registration.answers == {str(choice.id): "Geld", str(yes_no.id): "ja"}


def test_full_event_offers_the_waiting_list(client, make_event, register, mailbox):
    event = make_event(capacity=1)
    register(event, "Bram")
    html = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert "Deze activiteit is vol" in html and "Op de wachtlijst" in html
    mailbox.clear()
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM)
    page = client.get(response.location).get_data(as_text=True)
    assert "Kijk in uw mail" in page
    [mail] = mailbox.wait_for(1)
    assert "plaats 1 van de wachtlijst" in mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "kwargs", [{"status": "cancelled"}, {"starts_in": __import__("datetime").timedelta(hours=-1)}]
)
def test_closed_event_shows_why_and_refuses_a_post(client, make_event, kwargs):
    event = make_event(**kwargs)
    html = client.get(f"/activiteiten/{event.slug}").get_data(as_text=True)
    assert 'name="email"' not in html and "aanmelden kan niet meer" in html
    response = client.post(
        f"/activiteiten/{event.slug}/aanmelden", data=FORM, follow_redirects=True
    )
    assert "aanmelden kan niet meer" in response.get_data(as_text=True)
    assert registrations() == []


def test_wrong_or_malformed_token_is_a_plain_404(client):
    for token in ("x", "a" * 43, "a" * 500, "../../beheer"):
        assert client.get(f"/aanmelding/{token}").status_code == 404


def test_manage_link_corrects_details_but_not_the_address(client, make_event, register):
    from app.registration.tokens import issue_manage_token

    registration = register(make_event(), "Anna")
    token = issue_manage_token(registration)
    db.session.commit()
    response = client.post(
        f"/aanmelding/{token}",
        data={"name": "Anna Jansen", "organisation": "Gemeente", "email": "x@evil"},
    )
    assert response.status_code == 302
    [registration] = registrations()
    assert (
        registration.participant.name == "Anna Jansen" and registration.organisation == "Gemeente"
    )
    assert registration.participant.email == "anna@example.org"


@pytest.fixture
def organiser_with_event(auth, make_user, make_event, register):
    owner = make_user()
    event = make_event(owner=owner, capacity=1, catering=True)
    register(event, "Anna", organisation='=HYPERLINK("x")')
    register(event, "Bram")
    register(event, "Cas")
    auth.login(owner.email)
    return event


def test_organiser_sees_counts_filters_and_searches(client, organiser_with_event):
    event = organiser_with_event
    html = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen").get_data(as_text=True)
    assert "Anna" in html and "Bram" in html and "Cas" in html
    assert "<strong>1</strong> aangemeld" in html and "<strong>2</strong> op de wachtlijst" in html
    waiting = client.get(
        f"/beheer/activiteiten/{event.id}/aanmeldingen?status=waitlisted"
    ).get_data(as_text=True)
    assert "Anna" not in waiting and "Bram" in waiting
    found = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen?zoek=cas").get_data(
        as_text=True
    )
    assert "cas@example.org" in found and "bram@example.org" not in found


def test_organiser_cancels_promotes_and_moves(client, organiser_with_event):
    event = organiser_with_event
    people = {r.participant.name: r for r in registrations()}
    client.post(f"/beheer/aanmeldingen/{people['Cas'].id}/verplaatsen", data={"position": "1"})
    assert [r.participant.name for r in listing.registrations_for(event, "waitlisted")] == [
        "Cas",
        "Bram",
    ]
    client.post(f"/beheer/aanmeldingen/{people['Anna'].id}/annuleren")
    assert {r.participant.name: r.status for r in registrations()} == {
        "Anna": "cancelled", "Cas": "confirmed", "Bram": "waitlisted"}  # fmt: skip
    client.post(f"/beheer/aanmeldingen/{people['Bram'].id}/plaats-geven")
    assert {r.status for r in registrations() if r.participant.name != "Anna"} == {"confirmed"}
    bad = client.post(
        f"/beheer/aanmeldingen/{people['Bram'].id}/verplaatsen", data={"position": "nul"}
    )
    assert bad.status_code == 400 and "location" not in bad.headers
    assert "Geef een plaats op de wachtlijst op" in bad.get_data(as_text=True)


def test_exports_as_csv_and_xlsx_without_formula_injection(client, organiser_with_event):
    event = organiser_with_event
    csv_response = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen.csv")
    assert csv_response.mimetype == "text/csv"
    text = csv_response.get_data(as_text=True)
    assert text.startswith("\ufeffNaam;E-mailadres;Status")
    assert "'=HYPERLINK" in text and "Dieetwensen" in text
    xlsx = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Naam", "E-mailadres", "Status")
    assert [r[0] for r in rows[1:]] == ["Anna", "Bram", "Cas"]
    assert rows[1][4] == '\'=HYPERLINK("x")'


def test_message_to_the_waiting_list_goes_through_the_outbox(client, mailbox, organiser_with_event):
    event = organiser_with_event
    mailbox.clear()
    response = client.post(f"/beheer/activiteiten/{event.id}/bericht",
                           data={"audience": "waitlisted", "subject": "Even geduld", "body": "Beste mensen.\n\nMeer volgt."})  # fmt: skip
    assert response.status_code == 302
    received = mailbox.wait_for(2)
    assert sorted(m["To"] for m in received) == ["bram@example.org", "cas@example.org"]
    assert all(m["Subject"] == "Even geduld" for m in received)


def test_organiser_adds_and_removes_questions(client, organiser_with_event):
    event = organiser_with_event
    bad = client.post(
        f"/beheer/activiteiten/{event.id}/vragen",
        data={"text": "Welke?", "kind": "choice", "options": "Een"},
    )
    assert bad.status_code == 400 and "minstens twee opties" in bad.get_data(as_text=True)
    client.post(
        f"/beheer/activiteiten/{event.id}/vragen",
        data={"text": "Welke?", "kind": "choice", "options": "Een\nTwee"},
    )
    [question] = questions.questions_for(event)
    assert question.options == ["Een", "Twee"]
    client.post(f"/beheer/activiteiten/{event.id}/vragen/{question.id}/verwijderen")
    assert questions.questions_for(event) == []


@pytest.fixture
def app_config(base_config):
    return {**base_config, "RATELIMIT_ENABLED": True, "REGISTRATION_EMAIL_RATE_LIMIT": "2 per hour"}


def test_one_address_cannot_be_used_to_flood_an_inbox(client, make_event):
    event = make_event()
    for _ in range(2):
        assert client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM).status_code == 302
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM)
    assert response.status_code == 429
    assert "U heeft dit te vaak geprobeerd" in response.get_data(as_text=True)
    other = client.post(
        f"/activiteiten/{event.slug}/aanmelden", data={**FORM, "email": "bram@example.org"}
    )
    assert other.status_code == 302
