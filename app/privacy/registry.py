"""Every table that holds personal data, its personal columns and what happens to each.

Retention reads this list (and export, erasure and the privacy statement will): a column marked
`info={"personal": True}` on a model must be listed here, which tests/privacy/test_registry.py
checks, so a new table cannot be forgotten.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db


class Treatment(enum.StrEnum):
    # Emptied when the event's retention period has passed; the row stays for the counts.
    BLANK = "blank"
    # The row goes with the registration's personal data (tokens, codes, mails).
    DELETE = "delete"
    # The registration is moved to an anonymous participant of its own; the person's record goes
    # once none of their registrations is still within its period.
    UNLINK = "unlink"
    # Kept on an issued certificate so that a register can verify it, for
    # PRIVACY_CERTIFICATE_YEARS after the event; then emptied.
    CERTIFICATE = "certificate"
    # Not tied to an event: kept while the account, speaker or theme is in use, removed with it.
    KEPT_WHILE_USED = "kept_while_used"


@dataclass(frozen=True)
class PersonalData:
    """One table's personal data. `registration_column` names the column that ties a row to a
    registration, for rows that share its retention."""

    table: str
    fields: dict[str, Treatment]
    purpose: str
    legal_basis: str
    retention: str
    recipients: str
    registration_column: str | None = None

    def columns(self, treatment: Treatment) -> list[str]:
        return [name for name, how in self.fields.items() if how == treatment]


ORGANISERS = "de organisatoren van de activiteit"
EVENT_PERIOD = "tot de bewaartermijn van de activiteit (standaard 12 maanden na afloop)"

REGISTRY: tuple[PersonalData, ...] = (
    PersonalData(
        "participants",
        {"email": Treatment.DELETE, "name": Treatment.DELETE},
        purpose="een persoon herkennen over activiteiten heen; persoonlijke agendafeed",
        legal_basis="uitvoering van de overeenkomst (aanmelding)",
        retention="tot geen van de aanmeldingen van de persoon nog binnen de bewaartermijn valt",
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
            "newsletter_consent_at": Treatment.BLANK,
            "photo_consent_at": Treatment.BLANK,
        },
        purpose="de aanmelding, de wachtlijst, aanwezigheid en certificaten",
        legal_basis="uitvoering van de overeenkomst; dieetwensen en foto's met toestemming",
        retention=EVENT_PERIOD + "; daarna blijven alleen status en keuzes, zonder persoon",
        recipients=ORGANISERS + "; de cateraar (alleen aantallen en dieetwensen)",
    ),
    PersonalData(
        "manage_tokens",
        {"token_hash": Treatment.DELETE},
        purpose="de persoonlijke link naar de aanmelding",
        legal_basis="uitvoering van de overeenkomst",
        retention=EVENT_PERIOD,
        recipients="niemand",
        registration_column="registration_id",
    ),
    PersonalData(
        "check_in_codes",
        {"code_hash": Treatment.DELETE},
        purpose="inchecken met de QR-code",
        legal_basis="uitvoering van de overeenkomst",
        retention=EVENT_PERIOD + "; aanwezigheid blijft als anoniem aantal",
        recipients="niemand",
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
        purpose="e-mail over de aanmelding en berichten van de organisatoren",
        legal_basis="uitvoering van de overeenkomst",
        retention=EVENT_PERIOD + "; e-mail zonder activiteit even lang na verzending",
        recipients="de mailprovider van de werkplaats",
        registration_column="registration_id",
    ),
    PersonalData(
        "hours_corrections",
        {"reason": Treatment.BLANK},
        purpose="de contacturen van één persoon corrigeren, met de reden",
        legal_basis="gerechtvaardigd belang (juiste certificaten)",
        retention=EVENT_PERIOD + "; de uren zelf staan op het certificaat",
        recipients=ORGANISERS,
        registration_column="registration_id",
    ),
    PersonalData(
        "feed_tokens",
        {},  # a hash of a random secret; it goes with the participant
        purpose="de persoonlijke agendafeed",
        legal_basis="uitvoering van de overeenkomst",
        retention="zolang de persoon bekend is",
        recipients="de agenda-app van de persoon",
    ),
    PersonalData(
        "certificates",
        {"holder_name": Treatment.CERTIFICATE, "register_numbers": Treatment.CERTIFICATE},
        purpose="een register laten controleren dat een bewijs van deelname echt is",
        legal_basis="gerechtvaardigd belang (registers herregistreren elke vijf jaar)",
        retention="standaard 7 jaar na de activiteit; daarna zegt de controle alleen dat het"
        " bewijs bestaat",
        recipients="wie het certificaatnummer invult (naam, activiteit, uren, punten)",
    ),
    PersonalData(
        "speakers",
        {name: Treatment.KEPT_WHILE_USED for name in ("name", "organisation", "bio", "email")},
        purpose="sprekers op het programma tonen en benaderen; geen deelnemers",
        legal_basis="gerechtvaardigd belang; sprekers geven hun gegevens zelf",
        retention="zolang de spreker in een programma staat of opnieuw gekozen kan worden;"
        " een organisator verwijdert de spreker",
        recipients="iedereen (naam, organisatie, bio op het programma); e-mail alleen organisatoren",
    ),
    PersonalData(
        "speaker_edits",
        {"before": Treatment.KEPT_WHILE_USED, "after": Treatment.KEPT_WHILE_USED},
        purpose="wie een spreker wijzigde, omdat die op andermans activiteiten staat",
        legal_basis="gerechtvaardigd belang",
        retention="zolang de spreker bestaat",
        recipients=ORGANISERS,
    ),
    PersonalData(
        "users",
        {"email": Treatment.KEPT_WHILE_USED, "name": Treatment.KEPT_WHILE_USED},
        purpose="inloggen van organisatoren en incheckers",
        legal_basis="gerechtvaardigd belang (arbeidsrelatie)",
        retention="zolang het account bestaat",
        recipients="andere organisatoren",
    ),
    PersonalData(
        "themes",
        {"contact_name": Treatment.KEPT_WHILE_USED, "contact_email": Treatment.KEPT_WHILE_USED},
        purpose="de contactpersoon van een thema tonen",
        legal_basis="gerechtvaardigd belang (arbeidsrelatie)",
        retention="zolang die contactpersoon is",
        recipients="iedereen",
    ),
)

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
