"""The shapes of the public API: the query it reads and every body it writes. These schemas
are the only code that turns domain objects into JSON, and the OpenAPI document is generated
from them, so the documentation cannot drift from what is sent.

Nothing personal is in any of them: speakers are a name and an organisation, never an
e-mail address; registrations appear only as counts (places left)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from app.links import external_url
from app.timezones import to_local

MAX_PER_PAGE = 100
MAX_PAGE = 10_000  # as the programme page: a huge number must not become an OFFSET
KINDS = ("kenniscafe", "themadag")
LANGUAGES = ("nl", "en")


# --- fields -----------------------------------------------------------------------------------


class LocalDateTime(fields.DateTime):
    """A moment in Europe/Amsterdam with its offset ("2026-03-12T19:30:00+01:00"): what a
    visitor reads on the site, and still one exact moment for software."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_local(value).isoformat()


class WholeNumber(fields.Integer):
    """ASCII digits only: Python's int() would also take " 7 ", "1_000" or Arabic-Indic digits."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{1,9}", value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _described(text, **more) -> dict:
    return {"metadata": {"description": text, **more}}


# --- the query --------------------------------------------------------------------------------


class LanguageQuerySchema(Schema):
    """`lang` on every operation: the language of error messages (and of the OpenAPI
    document). Unknown parameters are ignored: cache busters, tracking codes."""

    class Meta:
        unknown = EXCLUDE

    lang = fields.String(
        validate=validate.OneOf(LANGUAGES),
        **_described(
            _l(
                "Taal van foutmeldingen: nl (standaard) of en. Zonder deze parameter geldt de taalkeuze op de website."
            )
        ),
    )


class EventQuerySchema(LanguageQuerySchema):
    """The filters of GET /events."""

    theme = fields.String(
        # A slug: the document says so (a pattern), and a NUL never reaches the database.
        validate=[validate.Length(min=1, max=140), validate.Regexp(r"^[a-z0-9-]+$")],
        **_described(_l("Alleen activiteiten met dit thema (de slug van een thema).")),
    )
    kind = fields.String(
        validate=validate.OneOf(KINDS), **_described(_l("Alleen deze soort activiteit."))
    )
    from_ = fields.Date(
        data_key="from",
        **_described(
            _l(
                "Eerste dag (JJJJ-MM-DD, Nederlandse tijd): activiteiten die op of na deze dag plaatsvinden. Zonder from en to: alleen activiteiten die nog niet voorbij zijn."
            )
        ),
    )
    to = fields.Date(
        **_described(_l("Laatste dag (JJJJ-MM-DD, Nederlandse tijd), inclusief die dag."))
    )
    page = WholeNumber(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        **_described(_l("Paginanummer, vanaf 1.")),
    )
    per_page = WholeNumber(
        load_default=20,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        **_described(_l("Aantal activiteiten per pagina (hoogstens 100).")),
    )


# Why a parameter was refused, per parameter: marshmallow's own messages are English only.
QUERY_ERRORS = {
    "lang": _l("De parameter lang moet nl of en zijn."),
    "page": _l("De parameter page moet een geheel getal van 1 tot en met %(max)d zijn."),
    "per_page": _l("De parameter per_page moet een geheel getal van 1 tot en met %(max)d zijn."),
    "from": _l("De parameter from moet een bestaande datum zijn, geschreven als JJJJ-MM-DD."),
    "to": _l("De parameter to moet een bestaande datum zijn, geschreven als JJJJ-MM-DD."),
    "kind": _l("De parameter kind moet kenniscafe of themadag zijn."),
    "theme": _l("De parameter theme moet de slug van een thema zijn."),
}
QUERY_LIMITS = {"page": MAX_PAGE, "per_page": MAX_PER_PAGE}


# --- the bodies -------------------------------------------------------------------------------


class ThemeRefSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class ThemeSchema(ThemeRefSchema):
    description = fields.String(required=True)
    url = fields.Function(
        lambda theme: external_url("programme.theme", slug=theme.slug),
        required=True,
        **_described(_l("De pagina van het thema op de website."), type="string", format="uri"),
    )


class EventSchema(Schema):
    """An event in a list. Serialises an `EventFacts` (queries.py): the event and what is
    computed about it."""

    id = fields.Integer(attribute="event.id", required=True)
    slug = fields.String(attribute="event.slug", required=True)
    kind = fields.String(attribute="event.kind", required=True, validate=validate.OneOf(KINDS))
    title = fields.String(attribute="event.title", required=True)
    summary = fields.String(attribute="event.summary", required=True)
    starts_at = LocalDateTime(attribute="event.starts_at", required=True)
    ends_at = LocalDateTime(attribute="event.ends_at", required=True)
    venue = fields.String(attribute="event.venue_name", required=True)
    address = fields.String(attribute="event.address", required=True)
    city = fields.String(attribute="event.city", required=True)
    online = fields.Function(
        lambda facts: bool(facts.event.online_url),
        required=True,
        **_described(
            _l("Ook online te volgen. De link krijgen deelnemers per mail."), type="boolean"
        ),
    )
    status = fields.String(
        attribute="event.status",
        required=True,
        validate=validate.OneOf(("published", "cancelled")),
        **_described(_l("cancelled: de activiteit gaat niet door, maar blijft zichtbaar.")),
    )
    themes = fields.List(fields.Nested(ThemeRefSchema), attribute="event.themes", required=True)
    url = fields.Function(
        lambda facts: external_url("programme.event", slug=facts.event.slug),
        required=True,
        **_described(
            _l("De pagina van de activiteit, waar men zich aanmeldt."), type="string", format="uri"
        ),
    )
    places_left = fields.Integer(
        required=True,
        allow_none=True,
        **_described(_l("Plaatsen vrij; null als er geen maximum is, 0 als het vol is.")),
    )
    registration_open = fields.Boolean(required=True, **_described(_l("Of aanmelden nu kan.")))


class AccreditationSchema(Schema):
    register = fields.String(required=True)
    number = fields.String(attribute="accreditation_id", required=True)
    points = fields.Float(required=True)


class SpeakerSchema(Schema):
    # Only what the event page shows: never the e-mail address.
    name = fields.String(required=True)
    organisation = fields.String(required=True)


class SessionSchema(Schema):
    """A part of the agenda. Serialises a `SessionFacts` (queries.py)."""

    id = fields.Integer(attribute="session.id", required=True)
    kind = fields.String(
        attribute="session.kind",
        required=True,
        validate=validate.OneOf(("plenary", "workshop", "break")),
    )
    title = fields.String(attribute="session.title", required=True)
    description = fields.String(attribute="session.description", required=True)
    starts_at = LocalDateTime(attribute="session.starts_at", required=True)
    ends_at = LocalDateTime(attribute="session.ends_at", required=True)
    room = fields.Function(
        lambda facts: facts.session.room.name if facts.session.room else None,
        required=True,
        allow_none=True,
        **_described(_l("De naam van de zaal; null als er (nog) geen zaal is."), type="string"),
    )
    ronde = fields.Integer(
        required=True,
        allow_none=True,
        **_described(_l("Workshops in dezelfde ronde lopen tegelijk: men kiest er één.")),
    )
    speakers = fields.List(
        fields.Nested(SpeakerSchema), attribute="session.speakers", required=True
    )
    status = fields.String(
        attribute="session.status",
        required=True,
        validate=validate.OneOf(("scheduled", "cancelled")),
    )
    places_left = fields.Integer(
        required=True,
        allow_none=True,
        **_described(_l("Alleen bij workshops: plaatsen vrij; null als er geen maximum is.")),
    )


class RoomSchema(Schema):
    name = fields.String(required=True)
    capacity = fields.Integer(required=True, allow_none=True)
    accessibility_notes = fields.String(required=True)


class EventDetailSchema(EventSchema):
    """One event with its agenda. Serialises an `EventDetail` (queries.py)."""

    description = fields.String(attribute="event.description", required=True)
    accreditations = fields.List(
        fields.Nested(AccreditationSchema), attribute="event.accreditations", required=True
    )
    sessions = fields.List(fields.Nested(SessionSchema), required=True)
    rooms = fields.List(fields.Nested(RoomSchema), required=True)


class ErrorSchema(Schema):
    error = fields.String(
        required=True, **_described(_l("Wat er mis is, in de taal van de vraag."))
    )
    code = fields.Integer(required=True, **_described(_l("De HTTP-status.")))
