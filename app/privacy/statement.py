"""The privacy statement, composed from the registry (app/privacy/registry.py) and the
configuration that retention applies, so that it cannot drift from what the code does: every
table the registry lists is a kind of data on the page, every personal field is named in words,
and every period is the configured one.

Only the human names of tables and fields live here. A field the registry gains without a name
here fails tests/privacy/test_statement.py, so adding a personal column makes the statement say
it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.lists import format_list
from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.privacy.declaration import PersonalData, Text, Treatment
from app.privacy.registry import REGISTRY

TABLE_NAMES: dict[str, Text] = {
    "participants": _l("Deelnemers"),
    "registrations": _l("Aanmeldingen"),
    "consents": _l("Toestemmingen"),
    "audit_entries": _l("Logboek van handelingen met persoonsgegevens"),
    "manage_tokens": _l("Persoonlijke links naar een aanmelding"),
    "check_in_codes": _l("Incheckcodes (QR)"),
    "outbox_messages": _l("Verstuurde e-mail"),
    "hours_corrections": _l("Correcties van contacturen"),
    "feed_tokens": _l("Persoonlijke agendafeeds"),
    "certificates": _l("Bewijzen van deelname"),
    "speakers": _l("Sprekers"),
    "speaker_edits": _l("Wijzigingen aan sprekers"),
    "users": _l("Accounts van organisatoren"),
    "themes": _l("Contactpersonen van thema's"),
    "work_teams": _l("Trekkers van werkteams"),
    "rights_links": _l("Links om uw gegevens in te zien"),
    "work_team_members": _l("Leden van werkteams"),
}

# A field's name in words, the same in every table that has it...
FIELD_NAMES: dict[str, Text] = {
    "name": _l("naam"),
    "email": _l("e-mailadres"),
    "organisation": _l("organisatie"),
    "function": _l("functie"),
    "language": _l("taal voor e-mail en bewijs van deelname"),
    "register_numbers": _l("registratienummers (zoals Registerplein of SKJ)"),
    "dietary_needs": _l("dieetwensen"),
    "answers": _l("antwoorden op de vragen bij de aanmelding"),
    "participant_id": _l("wie het is (de koppeling aan de deelnemer)"),
    "token_hash": _l("de persoonlijke link, alleen versleuteld"),
    "code_hash": _l("de incheckcode, alleen versleuteld"),
    "reason": _l("de reden van de correctie"),
    "bio": _l("korte biografie"),
    "before": _l("gegevens van de spreker vóór de wijziging"),
    "after": _l("gegevens van de spreker na de wijziging"),
}
# ...except where a table gives it a meaning of its own.
FIELD_NAMES_IN: dict[tuple[str, str], Text] = {
    ("consents", "text"): _l("de tekst waarmee om toestemming werd gevraagd"),
    ("consents", "given_at"): _l("wanneer de toestemming werd gegeven"),
    ("consents", "given_how"): _l("hoe de toestemming werd gegeven"),
    ("consents", "withdrawn_at"): _l("wanneer de toestemming werd ingetrokken"),
    ("consents", "withdrawn_how"): _l("hoe de toestemming werd ingetrokken"),
    ("audit_entries", "user_name"): _l("naam van de organisator of beheerder die iets deed"),
    ("audit_entries", "on_request_of"): _l("op wiens verzoek het gebeurde"),
    ("outbox_messages", "recipient"): _l("e-mailadres van de ontvanger"),
    ("outbox_messages", "subject"): _l("onderwerp"),
    ("outbox_messages", "text_body"): _l("tekst van de e-mail"),
    ("outbox_messages", "html_body"): _l("opgemaakte tekst van de e-mail"),
    ("outbox_messages", "calendar"): _l("agenda-uitnodiging"),
    ("outbox_messages", "unsubscribe_url"): _l("persoonlijke afmeldlink"),
    ("outbox_messages", "qr_url"): _l("link naar de persoonlijke QR-code"),
    ("certificates", "holder_name"): _l("naam van de houder"),
    ("themes", "contact_name"): _l("naam van de contactpersoon"),
    ("themes", "contact_email"): _l("e-mailadres van de contactpersoon"),
    ("work_teams", "lead_name"): _l("naam van de trekker"),
    ("work_teams", "lead_organisation"): _l("organisatie van de trekker"),
    ("work_team_members", "role"): _l("rol in het werkteam"),
}
# An entry without fields of its own (a calendar link's hashed secret) belongs to the person.
NO_FIELDS = _l("geen gegevens van zichzelf: alleen een versleutelde code die bij de persoon hoort")

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Kind:
    """One kind of personal data: one table of the registry, in words."""

    table: str
    name: str
    fields: tuple[str, ...]
    fields_text: str  # the fields as one phrase: "naam, organisatie en e-mailadres"
    purpose: str
    legal_basis: str
    retention: str
    recipients: str


@dataclass(frozen=True)
class Group:
    title: str
    kinds: tuple[Kind, ...]


@dataclass(frozen=True)
class Right:
    name: Text
    article: Text
    how: Text


@dataclass(frozen=True)
class Officer:
    name: str
    email: str


@dataclass(frozen=True)
class Statement:
    groups: tuple[Group, ...]
    periods: tuple[str, ...]  # the retention periods in brief
    confirm_minutes: int  # how long the link that confirms the address is valid
    rights: tuple[Right, ...]
    officer: Officer | None


# What a person can do, and how; the two ways to ask (online, by mail) are on the page itself.
RIGHTS: tuple[Right, ...] = (
    Right(
        _l("Inzage"),
        _l("AVG artikel 15"),
        _l("U ziet alle gegevens die we over u hebben, bij alle activiteiten samen."),
    ),
    Right(
        _l("Uw gegevens downloaden"),
        _l("AVG artikel 20"),
        _l(
            "U downloadt ze als JSON-bestand, dat een ander programma kan lezen, of als"
            " leesbare pagina."
        ),
    ),
    Right(_l("Correctie"), _l("AVG artikel 16"), _l("Klopt iets niet, dan verbetert u het zelf.")),
    Right(
        _l("Toestemming intrekken"),
        _l("AVG artikel 7 lid 3"),
        _l(
            "Elke toestemming trekt u in wanneer u wilt, ook met één klik op de afmeldlink onder"
            " elke nieuwsbrief. Het werkt meteen; wat eerder met uw toestemming gebeurde, blijft"
            " rechtmatig."
        ),
    ),
    Right(
        _l("Verwijdering"),
        _l("AVG artikel 17"),
        _l(
            "Uw aanmeldingen worden geannuleerd en anoniem gemaakt; wie op de wachtlijst staat,"
            " schuift door. Een uitgereikt bewijs van deelname blijft alleen controleerbaar als u"
            " dat kiest; anders trekken we het in."
        ),
    ),
    Right(
        _l("Beperking en bezwaar"),
        _l("AVG artikelen 18 en 21"),
        _l(
            "Wilt u dat we uw gegevens even niet gebruiken, of maakt u bezwaar tegen een"
            " verwerking op grond van gerechtvaardigd belang? Schrijf ons; een beheerder"
            " handelt het af."
        ),
    ),
)


def compose() -> Statement:
    """The statement in the current language, with the configured periods."""
    config = current_app.config
    periods = configured_periods()
    attendees = tuple(_kind(e, periods) for e in REGISTRY if _about_attendees(e))
    others = tuple(_kind(e, periods) for e in REGISTRY if not _about_attendees(e))
    groups = (
        Group(_("Als u zich aanmeldt, ons volgt of toestemming geeft"), attendees),
        Group(_("Als u spreker, organisator of contactpersoon bent"), others),
    )
    officer = None
    if config["PRIVACY_OFFICER_EMAIL"]:
        officer = Officer(config["PRIVACY_OFFICER_NAME"], config["PRIVACY_OFFICER_EMAIL"])
    return Statement(
        groups=tuple(g for g in groups if g.kinds),
        periods=_periods_in_brief(periods),
        confirm_minutes=config["PRIVACY_CONFIRM_MINUTES"],
        rights=tuple(Right(str(r.name), str(r.article), str(r.how)) for r in RIGHTS),
        officer=officer,
    )


def configured_periods() -> dict[str, str]:
    """The values for a retention text's placeholders, in words: "12 maanden", "7 jaar"."""
    config = current_app.config
    return {
        "months": _months(config["PRIVACY_RETENTION_MONTHS"]),
        "certificate_years": _years(config["PRIVACY_CERTIFICATE_YEARS"]),
        "audit_months": _months(config["PRIVACY_AUDIT_MONTHS"]),
        "confirm_minutes": ngettext(
            "%(num)d minuut", "%(num)d minuten", config["PRIVACY_CONFIRM_MINUTES"]
        ),  # fmt: skip
    }


def field_name(table: str, field: str) -> Text | None:
    return FIELD_NAMES_IN.get((table, field)) or FIELD_NAMES.get(field)


def unnamed(registry: tuple[PersonalData, ...] = REGISTRY) -> set[tuple[str, str | None]]:
    """(table, field) the statement has no words for; (table, None) for a table."""
    missing: set[tuple[str, str | None]] = {
        (e.table, None) for e in registry if e.table not in TABLE_NAMES
    }
    return missing | {
        (e.table, name) for e in registry for name in e.fields if field_name(e.table, name) is None
    }


def fill(text: Text, periods: dict[str, str]) -> str:
    """A registry text with its period placeholders filled in; anything else left as it is."""
    return _PLACEHOLDER.sub(lambda m: periods.get(m.group(1), m.group(0)), str(text))


def _kind(entry: PersonalData, periods: dict[str, str]) -> Kind:
    # A missing name is a failing test, not a broken page: the column's own name stands in.
    fields = tuple(str(field_name(entry.table, f) or f) for f in entry.fields) or (str(NO_FIELDS),)
    return Kind(
        table=entry.table,
        name=str(TABLE_NAMES.get(entry.table, entry.table)),
        fields=fields,
        fields_text=_capital(format_list(list(fields), locale=str(get_locale() or "nl"))),
        purpose=_capital(fill(entry.purpose, periods)),
        legal_basis=_capital(fill(entry.legal_basis, periods)),
        retention=_capital(fill(entry.retention, periods)),
        recipients=_capital(fill(entry.recipients, periods)),
    )


def _about_attendees(entry: PersonalData) -> bool:
    """Data of people who register, follow or consent; not of those who run the werkplaats
    (speakers, organisers, contacts: kept while in use) nor the log of what those did."""
    return not entry.fields or any(
        how not in (Treatment.KEPT_WHILE_USED, Treatment.LOG) for how in entry.fields.values()
    )


def _periods_in_brief(periods: dict[str, str]) -> tuple[str, ...]:
    return (
        _(
            "De gegevens van uw aanmelding en de e-mails aan u maken we %(months)s na de"
            " activiteit anoniem, tenzij bij de activiteit een andere termijn staat. Daarna"
            " blijven alleen aantallen over, zonder namen.",
            months=periods["months"],
        ),
        _(
            "Op een uitgereikt bewijs van deelname bewaren we uw naam en registratienummers"
            " %(years)s na de activiteit, zodat een register het bewijs kan controleren. Daarna"
            " ziet wie het nummer controleert alleen nog dat het bewijs bestaat.",
            years=periods["certificate_years"],
        ),
        _(
            "Een ingetrokken toestemming bewaren we %(months)s als bewijs dat u die gaf en introk.",
            months=periods["months"],
        ),
        _(
            "Het logboek van wat organisatoren en beheerders met persoonsgegevens deden,"
            " bewaren we %(months)s.",
            months=periods["audit_months"],
        ),
        _("Elke nacht maken we anoniem of verwijderen we wat over zijn termijn is."),
    )


def _months(n: int) -> str:
    return ngettext("%(num)d maand", "%(num)d maanden", n)


def _years(n: int) -> str:
    return ngettext("%(num)d jaar", "%(num)d jaar", n)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
