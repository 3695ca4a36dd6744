"""The places an event page shows, as the contents of the page's own slots (app/pages/cache.py):
the summary's line, the full notice, the form's button, and each workshop's places in the
agenda and on its choice in the form; and the places line of each card on the programme.

A registration, a cancellation or a workshop choice moves only the event's places counter
(app/calendar/stamps.py), so the rendered page is kept and these alone are made again — a
handful of short queries and the small macros of templates/activity/_places.html (which the
page itself renders through the same macros) instead of the whole page. In a rush, when the
places change with every registration, the page no longer has to be rendered between two."""

from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup, escape

from app.activity import summary
from app.agenda import reading as agenda_reading
from app.agenda.forms import full_workshop_suffix
from app.programme import services as programme
from app.registration import services as registration

_MACROS = "activity/_places.html"


def places_fragments(slug: str) -> dict[str, Markup]:
    """The contents of the event page's places slots now, by slot name."""
    event = programme.public_event(slug, with_details=False)
    seats_left = registration.seats_left(event)
    availability = summary.availability(event, seats_left)
    fragments = {
        "places:summary": _macro("summary")(availability),
        "places:notice": _macro("full_notice")(seats_left),
        "places:button": _macro("button_label")(seats_left),
    }
    workshop_places, shown = _macro("workshop_places"), {}
    for session_id, left in agenda_reading.places_left(event.id).items():
        if left not in shown:  # the same words for the same number, made once
            shown[left] = (workshop_places(left), escape(full_workshop_suffix(left)))
        fragments[f"places:workshop:{session_id}"], fragments[f"places:choice:{session_id}"] = (
            shown[left]
        )
    return fragments


# And the event's id: the places line of its card on the programme (programme/_event_card.html).
CARD = "places:card:"


def card_fragments(names: tuple[str, ...]) -> dict[str, Markup]:
    """The contents of the programme's (or the archive's) card slots `names` now: two queries
    for a page of cards. An event gone from public view since the render keeps its slot empty
    (its going moved the page's own stamp: the page is rendered again on the next request)."""
    cards = [name for name in names if name.startswith(CARD)]
    events = programme.public_events_by_id(int(name.removeprefix(CARD)) for name in cards)
    line = _macro("card_line")
    fragments = dict.fromkeys(cards, Markup(""))
    for event_id, availability in summary.availabilities(events).items():
        fragments[f"{CARD}{event_id}"] = line(availability)
    return fragments


def _macro(name: str):
    return get_template_attribute(_MACROS, name)
