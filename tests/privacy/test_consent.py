"""Consent as records: the words shown, given and withdrawn, double opt-in, one click from a mail,
the newsletter lists made from current consent only, and how long the records stay."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.privacy import consent
from app.privacy.consent import How
from app.privacy.models import AuditEntry, Consent, ConsentLink, Purpose
from app.privacy.retention import apply_retention
from app.registration import consents, services
from app.registration.models import Participant
from app.registration.services import RegistrationDetails
from app.timezones import utcnow

MONTH = timedelta(days=31)
DAY = timedelta(days=1)


def person(email: str, name: str = "Fatima") -> Participant:
    participant = Participant(email=email, name=name)
    db.session.add(participant)
    db.session.flush()
    return participant


def export_csv(client, key: str) -> list[list[str]]:
    response = client.get(f"/beheer/nieuwsbrieven/{key}.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )


def test_a_consent_records_the_words_shown_in_the_persons_language(app, make_event, register):
    event = make_event()
    anna = register(event, "Anna", newsletter=True)
    jan = register(event, "Jan", newsletter=True, language="en")
    dutch, english = consents.held(anna)["newsletter"], consents.held(jan)["newsletter"]
    assert dutch.is_current and english.is_current  # confirmed (the fixture clicks the link)
    assert dutch.text == "Ja, stuur mij de nieuwsbrief van de werkplaats (optioneel)."
    assert english.text != dutch.text and "newsletter" in english.text
    assert dutch.text_version == consent.TEXTS[Purpose.NEWSLETTER].version
    assert dutch.given_how == How.REGISTRATION and dutch.registration_id == anna.id


def test_the_form_newsletter_holds_only_once_confirmed_from_the_mail(client, make_event, mailbox):
    event = make_event()
    outcome = services.register(event.id, RegistrationDetails(
        name="Anna", email="anna@example.org", newsletter=True))  # fmt: skip
    db.session.commit()
    state = consents.states(outcome.registration)["newsletter"]
    assert state.held is None and state.asked.given_how == How.REGISTRATION
    mail = next(m for m in mailbox.wait_for(2) if "nieuwsbrief" in m["Subject"])
    assert mail["To"] == "anna@example.org"
    token = re.search(r"/meedoen/bevestigen/([\w.-]+)", mail.get_body(("plain",)).get_content())
    assert client.get(f"/meedoen/bevestigen/{token.group(1)}").status_code == 200
    db.session.expire_all()
    assert consents.held(outcome.registration)["newsletter"] is None  # a GET confirms nothing
    assert client.post(f"/meedoen/bevestigen/{token.group(1)}").status_code == 200
    db.session.expire_all()
    assert consents.held(outcome.registration)["newsletter"].is_current


def test_not_ticking_the_newsletter_again_withdraws_nothing(app, make_event, register):
    anna = register(make_event(), "Anna", newsletter=True)
    again = register(make_event(), "Anna")  # same address, another event, box not ticked
    assert consents.held(again)["newsletter"].id == consents.held(anna)["newsletter"].id


def test_double_opt_in_holds_only_once_confirmed_and_a_new_consent_is_a_new_record(app, make_theme):
    theme = make_theme("Intergenerationele overdracht")
    fatima = person("fatima@example.org")
    asked, token = consent.ask(fatima, Purpose.NEWSLETTER, how=How.MEEDOEN, theme=theme)
    assert token and asked.given_at is None and not asked.is_current
    assert consent.current(fatima, Purpose.NEWSLETTER, theme=theme) is None
    assert "Intergenerationele overdracht" in asked.text
    assert consent.confirm(token).is_current
    assert consent.confirm(token).given_at == asked.given_at  # twice: nothing changes
    assert consent.ask(fatima, Purpose.NEWSLETTER, how=How.MEEDOEN, theme=theme) == (asked, None)

    consent.withdraw(asked, how=How.MANAGE_LINK)
    with pytest.raises(Exception) as refused:
        consent.confirm(token)  # a withdrawn consent cannot be confirmed back
    assert refused.value.code == 404
    again = consent.give(fatima, Purpose.NEWSLETTER, how=How.MEEDOEN, theme=theme)
    assert again.id != asked.id and len(consent.of_person(fatima)) == 2


def test_unknown_or_silly_tokens_are_404s(app):
    for token in ("", "x", "a" * 101):
        with pytest.raises(Exception) as refused:
            consent.confirm(token)
        assert refused.value.code == 404
        with pytest.raises(Exception) as refused:
            consent.by_withdrawal_token(token)
        assert refused.value.code == 404


def test_one_click_from_a_mail_withdraws_that_consent_only(client, make_theme):
    theme = make_theme()
    fatima = person("fatima@example.org")
    updates = consent.give(fatima, Purpose.NEWSLETTER, how=How.MEEDOEN, theme=theme)
    newsletter = consent.give(fatima, Purpose.NEWSLETTER, how=How.REGISTRATION)
    token = consent.withdrawal_token(updates)
    db.session.commit()

    page = client.get(f"/toestemming/{token}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert updates.text in page.get_data(as_text=True)
    assert db.session.get(Consent, updates.id).is_current  # a GET (a mail scanner) changes nothing

    # RFC 8058: the provider posts without cookies or a CSRF token.
    response = client.post(f"/toestemming/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    withdrawn = db.session.get(Consent, updates.id)
    assert withdrawn.withdrawn_at and withdrawn.withdrawn_how == How.MAIL_LINK
    assert db.session.get(Consent, newsletter.id).is_current
    assert "Toestemming ingetrokken" in client.get(f"/toestemming/{token}").get_data(as_text=True)
    assert client.post("/toestemming/onbekend").status_code == 404


def test_the_list_export_holds_current_consent_only_and_is_audited(
    client, auth, make_user, make_event, register
):
    admin = make_user("admin", email="beheer@example.org", name="Beheer")
    event = make_event()
    anna = register(event, "Anna", newsletter=True)
    register(event, "Bram")  # no newsletter
    register(event, "Carla", newsletter=True)
    asked, _token = consent.ask(
        person("dirk@example.org", "Dirk"), Purpose.NEWSLETTER, how=How.MEEDOEN
    )  # fmt: skip  (not confirmed: not on the list)
    db.session.commit()
    auth.login("beheer@example.org")

    rows = export_csv(client, "werkplaats")
    assert [row[1] for row in rows[1:]] == ["anna@example.org", "carla@example.org"]
    assert rows[0][0] == "Naam" and rows[0][-1] == "Afmeldlink"
    token = re.search(r"/toestemming/([\w-]+)$", rows[1][-1]).group(1)
    assert consent.by_withdrawal_token(token).participant.email == "anna@example.org"

    client.post(f"/aanmelding/{_manage_token(anna)}/toestemming/newsletter/intrekken")
    rows = export_csv(client, "werkplaats")
    assert [row[1] for row in rows[1:]] == ["carla@example.org"]  # at once

    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/beheer/nieuwsbrieven/werkplaats.xlsx").data)
    ).active
    assert [c.value for c in sheet["B"]][1:] == ["carla@example.org"]

    lines = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(line.action, line.user_id) for line in lines] == [("export", admin.id)] * 3
    assert lines[-1].detail == "nieuwsbrieflijst werkplaats: 1 persoon"
    assert "carla" not in " ".join(line.detail for line in lines)
    index = client.get("/beheer/nieuwsbrieven/").get_data(as_text=True)
    assert "Nieuwsbrief van de werkplaats" in index
    assert client.get("/beheer/nieuwsbrieven/bestaat-niet.csv").status_code == 404


def _manage_token(registration) -> str:
    from app.registration.tokens import issue_manage_token

    token = issue_manage_token(registration)
    db.session.commit()
    return token


def test_only_admins_export_lists(client, auth, make_user):
    make_user("organiser", email="org@example.org")
    auth.login("org@example.org")
    assert client.get("/beheer/nieuwsbrieven/").status_code == 403
    assert client.get("/beheer/nieuwsbrieven/werkplaats.csv").status_code == 403
    auth.logout()
    assert client.get("/beheer/nieuwsbrieven/werkplaats.csv").status_code == 302


def test_a_newsletter_consent_outlives_the_registrations_retention(app, make_event, register):
    event = make_event()
    anna = register(event, "Anna", newsletter=True, photos=True)
    bram = register(event, "Bram", photos=True)
    event.starts_at, event.ends_at = event.starts_at - 20 * DAY, event.ends_at - 20 * DAY
    db.session.commit()
    participant_id, bram_id = anna.participant_id, bram.participant_id
    apply_retention(now=utcnow() + 13 * MONTH)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Participant, participant_id)
    assert kept is not None and kept.email == "anna@example.org"
    assert consent.current(kept, Purpose.NEWSLETTER) is not None
    # Photos were for that event: they go with its data, and Bram with them.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent).where(
        Consent.purpose == Purpose.PHOTOS)) == 0  # fmt: skip
    assert db.session.get(Participant, bram_id) is None


def test_a_withdrawn_or_unconfirmed_consent_is_proof_for_the_period_then_goes(app):
    fatima, dirk = person("fatima@example.org"), person("dirk@example.org", "Dirk")
    given = consent.give(fatima, Purpose.NEWSLETTER, how=How.MEEDOEN)
    consent.withdrawal_token(given)
    consent.withdraw(given, how=How.MAIL_LINK)
    consent.ask(dirk, Purpose.NEWSLETTER, how=How.MEEDOEN)
    db.session.commit()

    assert apply_retention(now=utcnow() + 11 * MONTH)["consents"] == 0
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Participant, fatima.id) is not None

    assert apply_retention(now=utcnow() + 13 * MONTH)["consents"] == 2
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentLink)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0


def test_the_list_export_says_its_charset_once(client, auth, make_user):
    make_user("admin", email="beheer@example.org")
    auth.login("beheer@example.org")
    response = client.get("/beheer/nieuwsbrieven/werkplaats.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
