"""The public pages benchmark's data, written through the app's own services: a published
themadag of rondes (a plenary session, then parallel workshops in their own rooms) with
speakers, an accreditation and registrants who each chose a workshop in every ronde; and a
programme of other published events around it, so that `/` shows a full page.

The shape is one function, `themadag`, so the event page can be measured at 40 sessions (8
rondes of 4 workshops) and counted at 10 (2 of 4) and 1,000 (40 of 24)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

SLOT = timedelta(minutes=60)  # a ronde: a plenary quarter of an hour, then the workshops
PLENARY = timedelta(minutes=15)
WORKSHOP_PLACES = 40
DESCRIPTION = """Een dag over **wijkgericht werken**: wat weten we uit onderzoek, wat werkt in
de praktijk, en hoe leren wijkteams, studenten en gemeenten van elkaar?

- lezingen van lectoren en praktijkonderzoekers
- workshops in rondes: kies er per ronde één
- ontmoeting en een borrel tot slot

Aanmelden is gratis voor partners van de werkplaats. Zie ook
[de werkplaats](https://example.org)."""


@dataclass
class Built:
    slug: str
    sessions: int
    registrants: int
    titles: list[str]  # every session's title, to check the page shows them all


def themadag(owner, title: str, starts_at: datetime, *, rondes: int, per_ronde: int,
             registrants: int, speakers: int = 20, themes=()) -> Built:  # fmt: skip
    """A published themadag of `rondes` x (1 + `per_ronde`) sessions; `registrants` with a
    place, each in a workshop of every ronde (the last of each draws twice the others, so it
    fills up first). Committed."""
    from app.agenda import choices
    from app.agenda import services as agenda
    from app.agenda import speakers as speaker_service
    from app.extensions import db
    from app.programme import services as programme
    from app.registration.services import RegistrationDetails, register

    event = programme.create_event(owner, {
        "kind": "themadag", "title": title, "starts_at": starts_at,
        "ends_at": starts_at + rondes * SLOT, "capacity": registrants + 100,
        "summary": "Lezingen, workshops in rondes en ontmoeting voor wijkteams en onderzoekers.",
        "description": DESCRIPTION, "venue_name": "De Lindenberg", "address": "Ridderstraat 23",
        "city": "Nijmegen", "cost": "Gratis", "catering": True, "themes": list(themes),
    })  # fmt: skip
    programme.add_accreditation(event, "Registerplein", f"RP-{event.id}", Decimal("4"))
    aula = agenda.add_room(event, {"name": "Aula", "capacity": registrants + 100})
    rooms = [agenda.add_room(event, {"name": f"Zaal {w + 1}", "capacity": WORKSHOP_PLACES})
             for w in range(per_ronde)]  # fmt: skip
    pool = [speaker_service.save_speaker({"name": f"Spreker {k + 1}", "organisation":
            "Hogeschool Rivierenland", "bio": "Lector en praktijkonderzoeker."})
            for k in range(speakers)]  # fmt: skip
    titles, workshops = [], []
    for r in range(rondes):
        begins = starts_at + r * SLOT
        plenary = agenda.add_session(event, {
            "kind": "plenary", "title": f"Plenair {r + 1}: stand van de kennis", "room_id": aula.id,
            "starts_at": begins, "ends_at": begins + PLENARY,
        }, [pool[r % speakers]])  # fmt: skip
        ronde = [agenda.add_session(event, {
            "kind": "workshop", "title": f"Workshop {r + 1}.{w + 1}: casuïstiek in de wijk",
            "description": "Werken met casussen uit de praktijk.", "room_id": rooms[w].id,
            "starts_at": begins + PLENARY, "ends_at": begins + SLOT,
        }, [pool[(r + w) % speakers], pool[(r + w + 7) % speakers]][: 1 + w % 2])
            for w in range(per_ronde)]  # fmt: skip
        titles += [plenary.title] + [s.title for s in ronde]
        workshops.append(ronde)
    programme.publish_event(event)
    db.session.commit()
    for i in range(registrants):
        outcome = register(event.id, RegistrationDetails(
            name=f"Deelnemer {i}", email=f"d{i}-e{event.id}@example.org",
            organisation="Wijkteam Oost"), tell=False)  # fmt: skip
        # The last workshop of a ronde draws twice the others: it fills and has people waiting
        # (at 150 registrants), the others keep places.
        choices.choose_workshops(outcome.registration,
                                 [ronde[min(i % (per_ronde + 1), per_ronde - 1)].id
                                  for ronde in workshops])  # fmt: skip
        db.session.commit()
    return Built(event.slug, len(titles), registrants, titles)


def programme(owner, around: datetime, others: int) -> list:
    """`others` published events (kenniscafés and themadagen, with themes) spread over the
    weeks around `around`, so the programme's first page is full. Committed; returns the
    three themes."""
    from app.extensions import db
    from app.programme import services as programme
    from app.programme.themes import create_theme

    names = ("Jeugdhulp in de wijk", "Armoede en schulden", "Wonen en zorg")
    themes = [create_theme({"name": name, "description": f"Alles over {name.lower()}."})
              for name in names]  # fmt: skip
    for i in range(others):
        starts_at = around + timedelta(days=i * 3 - 20, hours=i % 3)
        kind = "kenniscafe" if i % 3 else "themadag"
        event = programme.create_event(owner, {
            "kind": kind, "title": f"{'Kenniscafé' if i % 3 else 'Themadag'} {i + 1}: "
            f"{themes[i % 3].name.lower()}", "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2 if i % 3 else 7), "capacity": 40 + i,
            "summary": "Een middag kennis delen met praktijk, onderzoek en onderwijs.",
            "venue_name": "Wijkcentrum Titus Brandsma", "city": "Nijmegen",
            "themes": [themes[i % 3]] + ([themes[(i + 1) % 3]] if i % 2 else []),
        })  # fmt: skip
        programme.publish_event(event)
    db.session.commit()
    return themes


def owner():
    from app.accounts import services as accounts

    return accounts.create_user("bench@example.org", "Bench", "organiser", "bench-wachtwoord")
