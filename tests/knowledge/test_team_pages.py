"""A theme presents its work team: description, trekker, contact, Meedoen, and the members who
agreed to be named — only those, from the moment they confirm until they withdraw. The section
for the theme page is one partial; every page is Dutch by default and complete in English."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.extract import extract_from_dir
from flask import render_template_string

from app.extensions import db
from app.knowledge import team
from app.knowledge.team import MemberDetails
from app.mail.models import OutboxMessage
from app.privacy import consent
from app.privacy.consent import How
from app.privacy.models import Purpose
from tests.knowledge.test_team_world import (  # noqa: F401  (the fixture team_theme)
    CONFIRM_LINK,
    WITHDRAW_LINK,
    follow,
    team_theme_fixture,
)

ROOT = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture
def organiser(make_user):
    return make_user("organiser", name="Olga Organisator")


def add(theme, organiser, name, email, **details):
    member, asked = team.add_member(theme, MemberDetails(name=name, email=email, **details),
                                    by=organiser)  # fmt: skip
    db.session.commit()
    return member, asked


def member_link(email: str) -> str:
    body = db.session.scalar(
        sa.select(OutboxMessage.text_body)
        .where(OutboxMessage.recipient == email, OutboxMessage.kind == "work_team_member")
        .order_by(OutboxMessage.id.desc())
    )
    return "/meedoen/bevestigen/" + CONFIRM_LINK.search(body).group(1)


def team_page(client, theme) -> str:
    response = client.get(f"/themas/{theme.slug}/werkteam")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_description_trekker_contact_and_meedoen(client, team_theme):
    text = team_page(client, team_theme)
    assert "We delen <strong>tools</strong> voor jong en oud." in text  # Markdown, rendered
    assert "Henk de Vries" in text and "HAN" in text
    assert "Marieke Jansen" in text and 'href="mailto:werkteam@example.org"' in text
    assert f'href="/themas/{team_theme.slug}/meedoen"' in text
    assert "Werkteam beheren" not in text  # for visitors no way in


def test_a_member_is_named_only_after_confirming_and_gone_at_once_after_withdrawing(
    client, team_theme, organiser, mailbox
):
    _member, asked = add(team_theme, organiser, "Piet Pieters", "piet@example.org",
                         organisation="Gemeente Nijmegen", role="trekker jeugd")  # fmt: skip
    assert asked
    assert "Piet Pieters" not in team_page(client, team_theme)

    mail = mailbox.wait_for(1)[0]
    assert mail["To"] == "piet@example.org" and "Mag uw naam" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "Olga Organisator heeft u toegevoegd" in body
    assert "Zo komt het er te staan: Piet Pieters · Gemeente Nijmegen · trekker jeugd" in body
    link = member_link("piet@example.org")
    client.get(link)  # a mail scanner
    assert "Piet Pieters" not in team_page(client, team_theme)

    thanks = client.post(link).get_data(as_text=True)
    text = team_page(client, team_theme)
    assert "Piet Pieters" in text and "Gemeente Nijmegen" in text and "trekker jeugd" in text

    # Withdrawn through the link the thank-you page offers: hidden at once.
    token = WITHDRAW_LINK.search(thanks).group(1)
    assert client.post(f"/toestemming/{token}").status_code == 200
    assert "Piet Pieters" not in team_page(client, team_theme)


def test_a_withdrawal_from_anywhere_hides_the_member(client, team_theme, organiser, mailbox):
    member, _asked = add(team_theme, organiser, "Anna", "anna@example.org")
    client.post(member_link("anna@example.org"))
    assert "Anna" in team_page(client, team_theme)
    consent.withdraw_current(member.participant, Purpose.MEMBER_SHOWN, how=How.MANAGE_LINK,
                             theme=team_theme)  # fmt: skip
    db.session.commit()
    assert "Anna" not in team_page(client, team_theme)


def test_consent_for_one_team_does_not_show_someone_in_another(
    client, team_theme, organiser, make_theme, mailbox
):
    other = make_theme("Armoede")
    team.save_team(other, team.TeamDetails(description="Ander team"), may_choose_contact=False)
    db.session.commit()
    add(team_theme, organiser, "Anna", "anna@example.org")
    client.post(member_link("anna@example.org"))
    add(other, organiser, "Anna", "anna@example.org")  # asked again, not yet confirmed
    assert "Anna" in team_page(client, team_theme)
    assert "Anna" not in team_page(client, other)


def test_someone_who_consented_already_is_shown_at_once_without_a_mail(
    client, team_theme, organiser, mailbox
):
    member, _asked = add(team_theme, organiser, "Anna", "anna@example.org")
    client.post(member_link("anna@example.org"))
    team.remove_member(team_theme, member.id)  # removing ends the consent...
    db.session.commit()
    assert "Anna" not in team_page(client, team_theme)
    _again, asked = add(team_theme, organiser, "Anna", "anna@example.org")
    assert asked  # ...so adding again asks again
    assert "Anna" not in team_page(client, team_theme)


def test_removing_a_member_kills_their_confirmation_link(client, team_theme, organiser, mailbox):
    member, _asked = add(team_theme, organiser, "Bram", "bram@example.org")
    link = member_link("bram@example.org")
    team.remove_member(team_theme, member.id)
    db.session.commit()
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert "Bram" not in team_page(client, team_theme)


def test_the_member_is_asked_in_the_language_chosen(client, team_theme, organiser, mailbox):
    add(team_theme, organiser, "Emma", "emma@example.org", language="en")
    mail = mailbox.wait_for(1)[0]
    assert "May your name" in mail["Subject"]
    assert "work team" in mail.get_body(("plain",)).get_content()


def section(app, theme, user=None) -> str:
    """The partial as the theme page will include it."""
    with app.test_request_context(f"/themas/{theme.slug}"):
        if user is not None:
            from flask_login import login_user

            login_user(user)
        return render_template_string('{% include "knowledge/_work_team.html" %}', theme=theme)


def test_the_theme_page_section_is_the_same_partial(app, team_theme, make_theme, make_user):
    text = section(app, team_theme)
    assert 'id="werkteam"' in text and "Henk de Vries" in text
    assert "Meer over het werkteam" in text  # the theme page links on to the team's own page
    assert section(app, make_theme("Zonder team")).strip() == ""
    organiser_sees = section(app, make_theme("Nog te beschrijven"), make_user("organiser"))
    assert "Werkteam beschrijven" in organiser_sees
    assert "Werkteam beheren" in section(app, team_theme, make_user("organiser"))


def test_the_section_costs_a_fixed_number_of_queries(app, team_theme, organiser, client, mailbox):
    for n in range(5):
        add(team_theme, organiser, f"Lid {n}", f"lid{n}@example.org")
        client.post(member_link(f"lid{n}@example.org"))
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        text = section(app, team_theme)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert text.count('class="work-team-name"') == 5
    assert len(statements) <= 4, statements


# --- Dutch by default, complete in English ------------------------------------------------


def _my_dutch_texts() -> set[str]:
    """Every text of the work-team templates, as written (Dutch), long enough to be telling."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "templates" / "knowledge"),
        method_map=[("_work_team.html", "jinja2"), ("team/**.html", "jinja2")],
    ):
        for text in message if isinstance(message, tuple) else (message,):
            start = text.split("%(")[0].strip()
            if len(start) >= 12:
                found.add(start)
    return found


def test_the_public_pages_are_dutch_by_default_and_english_after_the_switch(
    client, team_theme, organiser, mailbox
):
    add(team_theme, organiser, "Anna", "anna@example.org")
    link = member_link("anna@example.org")
    dutch = team_page(client, team_theme)
    assert '<html lang="nl"' in dutch and "Het werkteam" in dutch

    client.post("/taal", data={"taal": "en"})
    texts = _my_dutch_texts()
    assert len(texts) > 40
    follow(team_theme, "sent@example.org")
    pages = {
        "team": team_page(client, team_theme),
        "join": client.get(f"/themas/{team_theme.slug}/meedoen").get_data(as_text=True),
        "confirm": client.get(link).get_data(as_text=True),
        "confirmed": client.post(link).get_data(as_text=True),
    }
    for name, text in pages.items():
        assert '<html lang="en"' in text, name
        left = [t for t in texts if t in text]
        assert left == [], (name, left)
    assert "The work team" in pages["team"] and "Thank you" in pages["confirmed"]
