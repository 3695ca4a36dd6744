"""What a person sees and downloads of their data: every row held about them, in every table
of the registry (a row that names or points at them and is missing fails here), and nothing
about anyone else registered at the same events."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.agenda import services as agenda
from app.agenda import speakers
from app.agenda.models import SessionChoice
from app.attendance.codes import issue_code
from app.calendar.tokens import issue_feed_token
from app.certificates import services as certificates
from app.certificates.models import HoursCorrection
from app.extensions import db
from app.knowledge.team_models import WorkTeam, WorkTeamMember
from app.mail.services import queue_message
from app.privacy import audit, rights
from app.privacy.audit import Action
from app.privacy.person_data import LINK_LEFT_OUT, VERSION, as_json, person_data, unplaced
from app.privacy.registry import REGISTRY
from app.registration import questions
from app.registration.models import Registration
from app.tokens import token_hash

ANNA_EMAIL = "anna.de.vries@example.org"


@dataclass
class World:
    anna: Registration  # at the evening: over, attended, with a certificate
    anna_later: Registration  # at an event still to come, with a workshop and answers
    bob: Registration  # at both events too, with as much data
    bob_later: Registration
    day: object
    later: object
    speaker: object


def _fill(registration, later, workshop, question, owner, tag):
    """Everything the werkplaats can hold about one person, for `tag` (Anna or Bob)."""
    registration.organisation, registration.function = f"Wijkteam {tag}", f"Coach {tag}"
    registration.dietary_needs, registration.answers = f"Vegan {tag}", {"1": f"Ja {tag}"}
    db.session.add(HoursCorrection(registration_id=registration.id, hours=Decimal("1.5"),
                                   reason=f"Later door ziekte {tag}", made_by_id=owner.id))  # fmt: skip
    issue_code(registration)
    issue_feed_token(registration.participant)
    rights.ask_link(registration)
    audit.record(Action.REGISTRATION_CHANGED, by=owner, registration=registration, detail="naam")
    queue_message(kind="work_team", recipient=registration.participant.email, subject=f"Update {tag}",
                  text_body=f"Beste {tag}", html_body=f"<p>Beste {tag}</p>")  # fmt: skip
    db.session.add(SessionChoice(registration=later, session=workshop, status="confirmed"))
    later.answers = {str(question.id): f"Uit nieuwsgierigheid {tag}"}
    db.session.commit()


@pytest.fixture
def world(evening, make_event, make_user, make_theme, register) -> World:
    """Anna in every table of the registry: registrations at an evening that is over (attended,
    a certificate, an hours correction) and at a themadag to come (a workshop, answers,
    consents), a feed link, a rights link, mail, the audit log; she is also a speaker (with an
    edit), has an organiser's account, is a theme's contact and its work team's lead and
    member. Bob, at the same events, has
    as much."""
    day = evening()
    later = make_event(title="Themadag later", owner=day.owner)
    question = questions.add_question(later, "Waarom komt u?", "text", [], False)
    workshop = agenda.add_session(later, {"kind": "workshop", "title": "Werkvorm", "capacity": 10,
                                          "starts_at": later.starts_at, "ends_at": later.ends_at})  # fmt: skip
    db.session.commit()
    anna, bob = day.people["Anna"], day.people["Bob"]
    anna_later = register(later, "Anna de Vries", email=ANNA_EMAIL, newsletter=True, photos=True)
    bob_later = register(later, "Bob Bakker", newsletter=True, photos=True)
    for attended, at_later, tag in ((anna, anna_later, "Anna"), (bob, bob_later, "Bob")):
        _fill(attended, at_later, workshop, question, day.owner, tag)
    certificates.issue(anna.id, day.owner)
    speaker = speakers.save_speaker({"name": "Anna de Vries", "email": ANNA_EMAIL, "bio": "Coach"})
    speakers.save_speaker({"bio": "Coach en trainer"}, speaker, by=day.owner)
    speakers.save_speaker({"name": "Bob Bakker", "email": "bob.bakker@example.org"})
    make_user("organiser", email=ANNA_EMAIL, name="Anna de Vries")
    for theme, person in ((make_theme("Generaties", contact_name="Anna de Vries",
                                      contact_email=ANNA_EMAIL), anna),
                          (make_theme("Wijken", contact_name="Bob Bakker",
                                      contact_email="bob.bakker@example.org"), bob)):  # fmt: skip
        db.session.add(WorkTeam(theme_id=theme.id, lead_name=person.name,
                                lead_organisation=f"Wijkteam {person.name}"))  # fmt: skip
        db.session.add(WorkTeamMember(theme_id=theme.id, participant_id=person.participant_id,
                                      role="trekker"))  # fmt: skip
    db.session.commit()
    return World(anna, anna_later, bob, bob_later, day, later, speaker)


def _rows_naming(participant_id: int, registration_ids: set[int], needles: list[str]):
    """Per table (the registry's, and any pointing at people or registrations): the ids of rows
    that point at the person or their registrations, or hold their address or name anywhere —
    found by reading every row, not by the rules the export uses."""
    tables = {entry.table: entry for entry in REGISTRY}
    for table in db.metadata.sorted_tables:
        if any(fk.column.table.name in ("participants", "registrations")
               for c in table.columns for fk in c.foreign_keys):  # fmt: skip
            tables.setdefault(table.name, None)
    found: dict[str, set] = {}
    for name, entry in tables.items():
        table = db.metadata.tables[name]
        for row in db.session.execute(sa.select(table)).mappings():
            if _names(table, entry, row, participant_id, registration_ids, needles):
                found.setdefault(name, set()).add(row["id"])
    return found


def _names(table, entry, row, participant_id, registration_ids, needles) -> bool:
    for column in table.columns:
        value = row[column]
        targets = {fk.column.table.name for fk in column.foreign_keys}
        if column.name == "participant_id" or "participants" in targets:
            if value == participant_id:
                return True
        if (
            column.name == "registration_id"
            or "registrations" in targets
            or (entry and column.name == entry.registration_column)
        ):
            if value in registration_ids:
                return True
        text = json.dumps(value, default=str).lower()
        if any(needle in text for needle in needles):
            return True
    return table.name == "participants" and row["id"] == participant_id


def test_every_table_of_the_registry_can_be_placed(app):
    assert unplaced() == set()


def test_the_export_holds_every_row_that_names_or_points_at_the_person(world):
    participant = world.anna.participant
    ids = {r.id for r in participant.registrations}
    held = _rows_naming(participant.id, ids, [ANNA_EMAIL, "anna de vries"])
    # The world is complete: Anna is in every table of the registry, so none can be left out
    # unnoticed. A table added to the registry needs a row of hers above.
    assert {entry.table for entry in REGISTRY} <= set(held), "give Anna a row in each new table"
    exported = person_data(participant)["tables"]
    for table, row_ids in held.items():
        assert table in exported, table
        assert row_ids <= {row["id"] for row in exported[table]["rows"]}, table


def test_the_export_says_nothing_about_another_person_at_the_same_events(world):
    text = as_json(person_data(world.anna.participant))
    for about_bob in ("bob", "Bob Bakker", "Wijkteam Bob", "Vegan Bob", "ziekte Bob",
                      "nieuwsgierigheid Bob", "Wijken"):  # fmt: skip
        assert about_bob.lower() not in text.lower()
    data = json.loads(text)
    bob_ids = {world.bob.id, world.bob_later.id}
    for table, section in data["tables"].items():
        for row in section["rows"]:
            assert row.get("registration_id") not in bob_ids, table
            assert row.get("participant_id") in (None, world.anna.participant_id), table


def test_the_export_is_json_with_a_version_context_and_no_secrets(world):
    anna = world.anna_later
    data = json.loads(as_json(person_data(anna.participant)))
    assert data["format"] == "kennisagenda-persoonsgegevens" and data["version"] == VERSION == 1
    assert data["email"] == ANNA_EMAIL
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*[+-]\d\d:\d\d", data["generated_at"])
    registrations = {r["id"]: r for r in data["tables"]["registrations"]["rows"]}
    later = registrations[anna.id]
    assert later["event"]["title"] == "Themadag later"
    assert later["event"]["starts_at"].endswith(("+01:00", "+02:00"))  # Amsterdam, with offset
    [asked] = later["questions"].values()
    assert asked == "Waarom komt u?" and list(later["answers"].values()) == [
        "Uit nieuwsgierigheid Anna"
    ]
    assert data["tables"]["registrations"]["purpose"]  # why it is kept, from the registry
    [choice] = data["tables"]["session_choices"]["rows"]
    assert choice["session"]["title"] == "Werkvorm"
    feeds = data["tables"]["feed_tokens"]["rows"]
    assert feeds and all(f["secret_kept_hashed"] is True and "token_hash" not in f for f in feeds)
    assert "user_name" not in data["tables"]["audit_entries"]["rows"][0]  # the organiser's name
    assert "password_hash" not in data["tables"]["users"]["rows"][0]
    stored = db.session.scalars(sa.text("SELECT token_hash FROM manage_tokens")).all()
    text = as_json(data)
    assert stored and not any(h in text for h in stored)
    consents = data["tables"]["consents"]["rows"]
    assert {c["purpose"] for c in consents} == {"newsletter", "photos"}
    assert all(c["text"] for c in consents)


def test_a_theme_contact_sees_their_contact_details_not_the_theme_at_large(world):
    theme = person_data(world.anna.participant)["tables"]["themes"]["rows"]
    assert [t["contact_email"] for t in theme] == [ANNA_EMAIL]
    assert "description" not in theme[0]


def test_a_hashed_link_of_the_person_is_shown_to_exist_never_its_hash(world):
    link_hash = db.session.scalar(sa.text("SELECT token_hash FROM rights_links LIMIT 1"))
    data = person_data(world.anna.participant)
    assert data["tables"]["rights_links"]["rows"]
    assert link_hash not in as_json(data)
    assert token_hash("x") not in as_json(data)


def test_an_anonymised_registration_is_no_longer_the_persons(world):
    from app.privacy.retention import anonymise

    anonymise([world.anna])
    db.session.commit()
    data = person_data(world.anna_later.participant)
    ids = {r["id"] for r in data["tables"]["registrations"]["rows"]}
    assert ids == {world.anna_later.id}  # the anonymised one belongs to no one now


def test_the_export_opens_nothing_if_it_is_forwarded(app, make_event, register):
    anna = register(make_event(), "Anna")  # her confirmation mail holds her manage link
    exported = json.dumps(person_data(anna.participant), default=str)
    assert LINK_LEFT_OUT in exported
    assert not re.search(r"/aanmelding/[A-Za-z0-9_-]{32,}", exported)
