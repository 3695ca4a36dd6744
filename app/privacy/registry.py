"""Every table that holds personal data, its personal columns and what happens to each.

Retention, export, erasure and the privacy statement read this list: a column marked
`info={"personal": True}` on a model must be listed here, which tests/privacy/test_registry.py
checks, so a new table cannot be forgotten.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.knowledge.personal_data import PERSONAL_DATA as KNOWLEDGE
from app.privacy.declaration import PersonalData, Treatment

__all__ = ["REGISTRY", "BY_TABLE", "PersonalData", "Treatment"]


# The texts are read by the privacy statement (app/privacy/statement.py) in the visitor's
# language. Periods are never written as numbers here: a retention text says %(months)s,
# %(certificate_years)s or %(audit_months)s, and the statement fills in the configured
# PRIVACY_RETENTION_MONTHS, PRIVACY_CERTIFICATE_YEARS and PRIVACY_AUDIT_MONTHS.
ORGANISERS = _l("de organisatoren van de activiteit")
NOBODY = _l("niemand; het is een versleutelde code")

REGISTRY: tuple[PersonalData, ...] = (
    PersonalData(
        "participants",
        {"email": Treatment.DELETE, "name": Treatment.DELETE, "organisation": Treatment.DELETE},
        purpose=_l("een persoon herkennen over activiteiten heen; de persoonlijke agendafeed"),
        legal_basis=_l(
            "uitvoering van de overeenkomst (uw aanmelding); toestemming, als u alleen een"
            " nieuwsbrief of de updates van een werkteam volgt"
        ),
        retention=_l(
            "tot geen aanmelding van de persoon nog binnen de bewaartermijn valt en geen"
            " toestemming meer geldt"
        ),
        recipients=ORGANISERS,
    ),
    PersonalData(
        "registrations",
        {
            "participant_id": Treatment.UNLINK,
            "name": Treatment.BLANK,
            "language": Treatment.BLANK,
            "organisation": Treatment.BLANK,
            "function": Treatment.BLANK,
            "register_numbers": Treatment.BLANK,
            "dietary_needs": Treatment.BLANK,
            "answers": Treatment.BLANK,
        },
        purpose=_l("de aanmelding, de wachtlijst, aanwezigheid en bewijzen van deelname"),
        legal_basis=_l("uitvoering van de overeenkomst; dieetwensen en foto's met toestemming"),
        retention=_l(
            "%(months)s na de activiteit, tenzij bij de activiteit een andere termijn staat;"
            " daarna blijven alleen status en keuzes, zonder persoon"
        ),
        recipients=_l(
            "de organisatoren van de activiteit; bij een geaccrediteerde activiteit het register"
            " (naam, registratienummers, uren en punten); de cateraar (alleen aantallen en"
            " dieetwensen)"
        ),
    ),
    PersonalData(
        "consents",
        {
            "participant_id": Treatment.CONSENT,
            "text": Treatment.CONSENT,
            "given_at": Treatment.CONSENT,
            "given_how": Treatment.CONSENT,
            "withdrawn_at": Treatment.CONSENT,
            "withdrawn_how": Treatment.CONSENT,
        },
        purpose=_l(
            "toestemming voor de nieuwsbrief (van de werkplaats of van een thema), voor foto's bij"
            " een activiteit en om als lid van een werkteam genoemd te worden"
        ),
        legal_basis=_l("toestemming, die u altijd kunt intrekken"),
        retention=_l(
            "zolang de toestemming geldt; een ingetrokken toestemming bewaren we %(months)s als"
            " bewijs; toestemming voor foto's gaat met de aanmelding"
        ),
        recipients=_l(
            "de organisatoren; wie een werkteam volgt, zien alleen de beheerders (het werkteam"
            " verstuurt zijn updates via de werkplaats)"
        ),
    ),
    PersonalData(
        "audit_entries",
        {"user_name": Treatment.LOG, "on_request_of": Treatment.LOG},
        purpose=_l("verantwoorden wat organisatoren en beheerders met persoonsgegevens deden"),
        legal_basis=_l(
            "wettelijke plicht (AVG artikel 5 lid 2 en artikel 32: verantwoording en beveiliging)"
        ),
        retention=_l("%(audit_months)s na de handeling"),
        recipients=_l("beheerders en de functionaris gegevensbescherming"),
    ),
    PersonalData(
        "manage_tokens",
        {"token_hash": Treatment.DELETE},
        purpose=_l("de persoonlijke link naar de aanmelding"),
        legal_basis=_l("uitvoering van de overeenkomst"),
        retention=_l(
            "%(months)s na de activiteit, tenzij bij de activiteit een andere termijn staat"
        ),
        recipients=NOBODY,
        registration_column="registration_id",
    ),
    PersonalData(
        "check_in_codes",
        {"code_hash": Treatment.DELETE},
        purpose=_l("inchecken met de QR-code"),
        legal_basis=_l("uitvoering van de overeenkomst"),
        retention=_l(
            "%(months)s na de activiteit, tenzij bij de activiteit een andere termijn staat;"
            " aanwezigheid blijft als anoniem aantal"
        ),
        recipients=NOBODY,
        registration_column="registration_id",
    ),
    PersonalData(
        "outbox_messages",
        {
            name: Treatment.DELETE
            for name in (
                "recipient",
                "subject",
                "text_body",
                "html_body",
                "calendar",
                "unsubscribe_url",
                "qr_url",
            )
        },  # fmt: skip
        purpose=_l("e-mail over de aanmelding en berichten van de organisatoren"),
        legal_basis=_l("uitvoering van de overeenkomst"),
        retention=_l(
            "%(months)s na de activiteit, tenzij bij de activiteit een andere termijn staat;"
            " e-mail die niet over een activiteit gaat %(months)s na verzending"
        ),
        recipients=_l("de mailprovider van de werkplaats"),
        registration_column="registration_id",
    ),
    PersonalData(
        "hours_corrections",
        {"reason": Treatment.BLANK},
        purpose=_l("de contacturen van één persoon corrigeren, met de reden"),
        legal_basis=_l("gerechtvaardigd belang (juiste bewijzen van deelname)"),
        retention=_l(
            "%(months)s na de activiteit, tenzij bij de activiteit een andere termijn staat;"
            " de uren zelf staan op het bewijs van deelname"
        ),
        recipients=ORGANISERS,
        registration_column="registration_id",
    ),
    PersonalData(
        "feed_tokens",
        {},  # a hash of a random secret; it goes with the participant
        purpose=_l("de persoonlijke agendafeed"),
        legal_basis=_l("uitvoering van de overeenkomst"),
        retention=_l("zolang de persoon bij ons bekend is"),
        recipients=_l("de agenda-app van de persoon"),
    ),
    PersonalData(
        "rights_links",
        {},  # a hash of a random secret; it goes with the participant
        purpose=_l(
            "nagaan dat wie uw gegevens wil inzien, downloaden of wissen het e-mailadres bezit"
        ),
        legal_basis=_l("wettelijke plicht (AVG artikel 12: zekerheid over wie het vraagt)"),
        retention=_l(
            "de link werkt %(confirm_minutes)s; verwijderd bij een nieuwe aanvraag of met de persoon"
        ),
        recipients=_l("niemand"),
    ),
    PersonalData(
        "certificates",
        {"holder_name": Treatment.CERTIFICATE, "register_numbers": Treatment.CERTIFICATE},
        purpose=_l("een register laten controleren dat een bewijs van deelname echt is"),
        legal_basis=_l("gerechtvaardigd belang (registers herregistreren elke vijf jaar)"),
        retention=_l(
            "naam en registratienummers %(certificate_years)s na de activiteit; daarna zegt de"
            " controle alleen nog dat het bewijs bestaat"
        ),
        recipients=_l("wie het nummer van het bewijs invult (naam, activiteit, uren en punten)"),
    ),
    PersonalData(
        "speakers",
        {name: Treatment.KEPT_WHILE_USED for name in ("name", "organisation", "bio", "email")},
        purpose=_l("sprekers op het programma tonen en benaderen; geen deelnemers"),
        legal_basis=_l("gerechtvaardigd belang; sprekers geven hun gegevens zelf"),
        retention=_l(
            "zolang de spreker in een programma staat of opnieuw gekozen kan worden; een"
            " organisator verwijdert de spreker"
        ),
        recipients=_l(
            "iedereen (naam, organisatie en biografie op het programma); het e-mailadres alleen"
            " de organisatoren"
        ),
    ),
    PersonalData(
        "speaker_edits",
        {"before": Treatment.KEPT_WHILE_USED, "after": Treatment.KEPT_WHILE_USED},
        purpose=_l("bijhouden wie een spreker wijzigde, omdat die op andermans activiteiten staat"),
        legal_basis=_l("gerechtvaardigd belang"),
        retention=_l("zolang de spreker bestaat"),
        recipients=_l("de organisatoren"),
    ),
    PersonalData(
        "users",
        {"email": Treatment.KEPT_WHILE_USED, "name": Treatment.KEPT_WHILE_USED},
        purpose=_l("inloggen van organisatoren en incheckers"),
        legal_basis=_l("gerechtvaardigd belang (arbeidsrelatie)"),
        retention=_l("zolang het account bestaat"),
        recipients=_l("andere organisatoren"),
    ),
    PersonalData(
        "themes",
        {"contact_name": Treatment.KEPT_WHILE_USED, "contact_email": Treatment.KEPT_WHILE_USED},
        purpose=_l("de contactpersoon van een thema tonen"),
        legal_basis=_l("gerechtvaardigd belang (arbeidsrelatie)"),
        retention=_l("zolang iemand contactpersoon is"),
        recipients=_l("iedereen"),
    ),
) + KNOWLEDGE

BY_TABLE = {entry.table: entry for entry in REGISTRY}


def marked_personal() -> set[tuple[str, str]]:
    """(table, column) of every column a model marks `info={"personal": True}`."""
    return {
        (table.name, column.name)
        for table in db.metadata.tables.values()
        for column in table.columns
        if column.info.get("personal")
    }


def uncovered(registry: tuple[PersonalData, ...] = REGISTRY) -> set[tuple[str, str]]:
    """Columns marked personal that no registry entry says anything about."""
    covered = {(entry.table, name) for entry in registry for name in entry.fields}
    return marked_personal() - covered


def empty_value(table: str, column: str):
    """What a blanked column holds: None where it may, else the type's empty value."""
    col = db.metadata.tables[table].columns[column]
    if col.nullable:
        return None
    if isinstance(col.type, sa.JSON):
        return {}  # the personal JSON columns all hold objects (register numbers, answers)
    return ""
