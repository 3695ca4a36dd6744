"""`demo-data` gives the intergenerational theme a work team, followers and a filled "Praktijk
en tools" shelf, through the real rules; it mails nobody and adds nothing the second time."""

from __future__ import annotations

import sqlalchemy as sa

from app import demo_knowledge
from app.extensions import db
from app.knowledge import materials, team
from app.knowledge.models import Material
from app.knowledge.team_models import WorkTeam, WorkTeamMember
from app.mail.models import OutboxMessage
from app.privacy import consent
from app.privacy.models import Consent, Purpose
from app.programme.models import Event, Theme
from app.registration.models import Participant
from tests.conftest import row_count


def theme() -> Theme:
    return db.session.scalar(sa.select(Theme).where(Theme.slug == demo_knowledge.THEME))


def material(title: str) -> Material:
    return db.session.scalar(sa.select(Material).where(Material.title == title))


def load(runner) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output


def counts() -> list[int]:
    return [row_count(m) for m in (WorkTeam, WorkTeamMember, Consent, Material, Participant)]


def test_demo_data_twice_adds_no_knowledge_twice(runner):
    load(runner)
    first = counts()
    assert first[:2] == [1, len(demo_knowledge.MEMBERS)] and first[3] == 4
    load(runner)
    assert counts() == first


def test_the_theme_page_names_exactly_the_members_who_agreed(runner, client):
    load(runner)
    states = {row.member.participant.name: row.state for row in team.members(theme())}
    assert states == {"Joris Bakker": "shown", "Selin Demir": "shown", "Yara Mahabier": "asked"}

    page = client.get(f"/themas/{demo_knowledge.THEME}").get_data(as_text=True)
    assert "Het werkteam" in page and "Dr. Fatima El Amrani" in page
    assert "Joris Bakker" in page and "Selin Demir" in page
    assert "Yara Mahabier" not in page


def test_followers_hold_a_confirmed_consent_and_one_is_still_asked(runner):
    load(runner)
    following = {p.email for p, _c in db.session.execute(
        consent.holders(Purpose.NEWSLETTER, theme=theme()))}  # fmt: skip
    expected = {p.email for p in demo_knowledge.FOLLOWERS if p.agreed}
    assert following == expected and len(expected) == 4
    unconfirmed = next(p for p in demo_knowledge.FOLLOWERS if not p.agreed)
    asked = db.session.scalar(
        sa.select(Consent)
        .join(Participant)
        .where(Participant.email == unconfirmed.email, Consent.theme_id == theme().id)
    )
    assert asked.given_at is None and asked.confirm_token_hash is not None


def test_the_shelf_lists_the_demo_items_and_keeps_the_attendee_report_back(runner, client):
    load(runner)
    shelf = client.get(f"/themas/{demo_knowledge.THEME}/praktijk-en-tools").get_data(as_text=True)
    theme_page = client.get(f"/themas/{demo_knowledge.THEME}").get_data(as_text=True)
    public = ["Gespreksleidraad generaties", "Betekenisvol contact tussen generaties",
              "Presentatie: Jonge mantelzorgers in beeld"]  # fmt: skip
    for title in public:
        assert title in shelf and title in theme_page, title
    assert "Verslag van de tafelgesprekken" not in shelf
    assert materials.theme_shelf_count(theme()) == 3

    guide = client.get(f"/materialen/{material('Gespreksleidraad generaties').id}")
    assert guide.status_code == 200 and guide.mimetype == "application/pdf"
    assert guide.data.startswith(b"%PDF")
    report = material("Verslag van de tafelgesprekken")
    assert report.is_published and report.for_attendees_only
    assert client.get(f"/materialen/{report.id}").status_code == 404

    past = db.session.scalar(sa.select(Event).where(Event.slug == demo_knowledge.PAST_EVENT))
    event_page = client.get(f"/activiteiten/{past.slug}").get_data(as_text=True)
    assert "Verslag van de tafelgesprekken" in event_page  # listed, without a link


def test_demo_people_are_never_mailed(runner, mailbox):
    load(runner)
    load(runner)
    assert row_count(OutboxMessage) == 0 and mailbox.messages == []
