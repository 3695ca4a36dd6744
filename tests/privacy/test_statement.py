"""The privacy statement says what the registry declares and the periods the code applies: every
table and every personal field in words, the configured numbers, each right with how to use it,
in Dutch and completely in English."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from babel.lists import format_list
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from app.privacy import statement
from app.privacy.declaration import PersonalData, Treatment
from app.privacy.registry import REGISTRY

TEXTS = ("purpose", "legal_basis", "retention", "recipients")


def page(client) -> str:
    response = client.get("/privacy")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def section(text: str, table: str) -> str:
    """The block of one kind of data on the page."""
    match = re.search(rf'<section class="data-kind" aria-labelledby="soort-{table}">(.*?)</section>',
                      text, re.S)  # fmt: skip
    assert match, f"no block for {table}"
    return match.group(1)


# --- every table and field, in words ---------------------------------------------------------


def test_every_registry_table_and_field_has_a_human_name(app):
    assert sum(len(e.fields) for e in REGISTRY) > 40  # the check has something to check
    assert statement.unnamed() == set()


def test_the_check_catches_a_field_or_table_without_a_name(app):
    grown = tuple(
        replace(e, fields={**e.fields, "shoe_size": Treatment.BLANK})
        if e.table == "registrations" else e
        for e in REGISTRY
    ) + (PersonalData("pets", {"name": Treatment.BLANK}, purpose="x", legal_basis="x",
                      retention="x", recipients="x"),)  # fmt: skip
    assert statement.unnamed(grown) == {("registrations", "shoe_size"), ("pets", None)}


def test_every_registry_text_is_translatable(app):
    """A plain str would be Dutch on the English page too."""
    for entry in REGISTRY:
        for name in TEXTS:
            assert isinstance(getattr(entry, name), LazyString), (entry.table, name)


def test_the_page_shows_every_table_with_each_fields_name_and_its_texts(client):
    text = page(client)
    for entry in REGISTRY:
        block = section(text, entry.table)
        assert f">{statement.TABLE_NAMES[entry.table]}</h4>" in block
        names = [str(statement.field_name(entry.table, f)) for f in entry.fields]
        listed = re.search(r"<dt>Welke gegevens</dt><dd>(.*?)</dd>", block).group(1)
        said = format_list(names, locale="nl") if names else str(statement.NO_FIELDS)
        assert listed == said[:1].upper() + said[1:], entry.table
        for name in TEXTS:
            filled = statement.fill(getattr(entry, name), statement.configured_periods())
            assert filled[1:] in block, (entry.table, name)
    assert "%(" not in text  # no placeholder left unfilled


def test_the_fields_read_as_a_dutch_list(client):
    block = section(page(client), "participants")
    assert "<dd>E-mailadres, naam en organisatie</dd>" in block


def test_attendees_data_and_that_of_the_people_running_the_werkplaats_are_apart(client):
    text = page(client)
    running = text.index("Als u spreker, organisator of contactpersoon bent")
    assert text.index('aria-labelledby="soort-registrations"') < running
    assert text.index('aria-labelledby="soort-certificates"') < running
    assert text.index('aria-labelledby="soort-speakers"') > running
    assert text.index('aria-labelledby="soort-users"') > running


# --- the configured periods --------------------------------------------------------------------


def test_the_periods_come_from_the_configuration(app, client):
    text = page(client)
    assert "12 maanden na de activiteit, tenzij bij de activiteit een andere termijn staat" in (
        section(text, "registrations")
    )
    assert "Naam en registratienummers 7 jaar na de activiteit" in section(text, "certificates")
    assert "24 maanden na de handeling" in section(text, "audit_entries")
    assert "Open binnen 30 minuten de link in die mail" in text

    app.config.update(PRIVACY_RETENTION_MONTHS=18, PRIVACY_CERTIFICATE_YEARS=6,
                      PRIVACY_AUDIT_MONTHS=36, PRIVACY_CONFIRM_MINUTES=15)  # fmt: skip
    text = page(client)
    assert "18 maanden na de activiteit, tenzij" in section(text, "registrations")
    assert "bewaren we 18 maanden als bewijs" in section(text, "consents")
    assert "18 maanden na de activiteit anoniem" in text
    assert "registratienummers 6 jaar na de activiteit" in text
    assert "36 maanden na de handeling" in section(text, "audit_entries")
    assert "Open binnen 15 minuten" in text
    assert "12 maanden" not in text and "7 jaar" not in text and "24 maanden" not in text


def test_one_month_is_singular(app, client):
    app.config.update(PRIVACY_RETENTION_MONTHS=1, PRIVACY_CERTIFICATE_YEARS=1)
    text = page(client)
    assert "1 maand na de activiteit" in text and "1 maanden" not in text
    assert "Naam en registratienummers 1 jaar na de activiteit" in text


def test_a_text_with_an_unknown_placeholder_or_a_percent_sign_is_left_alone(app):
    assert statement.fill("50% van %(months)s en %(other)s", {"months": "3 maanden"}) == (
        "50% van 3 maanden en %(other)s"
    )


# --- rights, contacts and the complaint ---------------------------------------------------------


def test_each_right_says_how_to_use_it_online_and_by_mail(client):
    text = page(client)
    rights = text[text.index('id="rechten"') : text.index('id="klacht"')]
    for name in ("Inzage", "Uw gegevens downloaden", "Correctie", "Toestemming intrekken",
                 "Verwijdering", "Beperking en bezwaar"):  # fmt: skip
        assert f"<strong>{name}</strong>" in rights
    assert "JSON-bestand" in rights and "leesbare pagina" in rights
    assert "„Uw aanmelding bekijken of wijzigen”" in rights
    assert "„Mijn gegevens”" in rights
    assert '<a href="mailto:werkplaats@kennisagenda.example">' in rights
    assert "Een beheerder doet het dan voor u" in rights


def test_the_complaint_goes_to_the_autoriteit_persoonsgegevens(client):
    text = page(client)
    assert '<a href="https://autoriteitpersoonsgegevens.nl">' in text


def test_the_privacy_officer_is_named_only_when_configured(app, client):
    assert "Functionaris gegevensbescherming</dt>" not in page(client)
    app.config.update(PRIVACY_OFFICER_NAME="Mr. drs. A. de Vries",
                      PRIVACY_OFFICER_EMAIL="fg@hogeschool.example")  # fmt: skip
    text = page(client)
    assert "Functionaris gegevensbescherming</dt>" in text
    assert 'Mr. drs. A. de Vries, <a href="mailto:fg@hogeschool.example">' in text
    assert "U kunt ook de functionaris gegevensbescherming mailen." in text


def test_the_controller_is_the_configured_organisation(app, client):
    app.config.update(ORGANISATION_NAME="Werkplaats Oost", ORGANISATION_ADDRESS="Markt 1, Arnhem")
    text = page(client)
    facts = text[text.index('id="verantwoordelijke"') : text.index('id="gegevens"')]
    assert "Werkplaats Oost" in facts and "Markt 1, Arnhem" in facts


# --- in English --------------------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.post("/taal", data={"taal": "en"})
    return client


def test_dutch_is_the_default(client):
    text = page(client)
    assert '<html lang="nl"' in text and "<h1>Privacyverklaring</h1>" in text


def test_the_english_statement_is_complete(app, english):
    text = page(english)
    assert "<h1>Privacy statement</h1>" in text
    block = section(text, "registrations")
    assert ">Registrations</h4>" in block
    assert "12 months after the event, unless the event states another period" in block
    assert "Who it is (the link to the participant), name, language" in block
    assert "Name and register numbers until 7 years after the event" in section(
        text, "certificates"
    )
    assert "GDPR Article 17" in text and "Open the link in that e-mail within 30 minutes" in text
    assert "“View or change your registration”" in text
    for dutch in ("Bewaartermijn", "Grondslag", "Uw rechten", "maanden", "na de activiteit"):
        assert dutch not in text, dutch


def test_every_text_of_the_statement_is_translated(app):
    """Each text in English differs from its Dutch: none falls back to the Dutch msgid."""
    with app.test_request_context():
        with force_locale("nl"):
            dutch = statement.compose()
        with force_locale("en"):
            english = statement.compose()
    pairs = [(dutch.periods, english.periods)]
    for nl_group, en_group in zip(dutch.groups, english.groups, strict=True):
        pairs.append(((nl_group.title,), (en_group.title,)))
        for nl_kind, en_kind in zip(nl_group.kinds, en_group.kinds, strict=True):
            pairs += [(nl_kind.fields, en_kind.fields)]
            pairs += [((getattr(nl_kind, n),), (getattr(en_kind, n),)) for n in ("name", *TEXTS)]
    for nl_right, en_right in zip(dutch.rights, english.rights, strict=True):
        pairs.append(((nl_right.name, nl_right.how), (en_right.name, en_right.how)))
    for nl_texts, en_texts in pairs:
        for nl_text, en_text in zip(nl_texts, en_texts, strict=True):
            assert nl_text != en_text, nl_text
