"""How a capability declares its personal data for the registry (app/privacy/registry.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel.speaklater import LazyString

# A text for the privacy statement: a lazy_gettext string, so that it is shown in the visitor's
# language (tests/privacy/test_statement.py refuses a plain one).
Text = str | LazyString


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
    # Kept while the consent holds; a withdrawn or never confirmed one is kept as proof for
    # PRIVACY_RETENTION_MONTHS, then deleted.
    CONSENT = "consent"
    # The audit log's lines: deleted after PRIVACY_AUDIT_MONTHS.
    LOG = "log"


@dataclass(frozen=True)
class PersonalData:
    """One table's personal data. `registration_column` names the column that ties a row to a
    registration, for rows that share its retention.

    The privacy statement (app/privacy/statement.py) shows each entry: a human name for the table
    and for each field (which it must know, or its test fails), and these four texts, lower case,
    as the rest of a sentence. A retention text never writes a period as a number: it says
    %(months)s, %(certificate_years)s or %(audit_months)s, which the statement fills in from
    PRIVACY_RETENTION_MONTHS, PRIVACY_CERTIFICATE_YEARS and PRIVACY_AUDIT_MONTHS."""

    table: str
    fields: dict[str, Treatment]
    purpose: Text
    legal_basis: Text
    retention: Text
    recipients: Text
    registration_column: str | None = None

    def columns(self, treatment: Treatment) -> list[str]:
        return [name for name, how in self.fields.items() if how == treatment]
