"""Test data for the work-team tests (no tests of its own): a theme that presents its work
team, people who follow it through Meedoen, and the links the mails carry."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.knowledge import team
from app.knowledge.team import JoinDetails, TeamDetails
from app.mail.models import OutboxMessage
from app.registration.models import Participant

CONFIRM_LINK = re.compile(r"https?://\S+/meedoen/bevestigen/([A-Za-z0-9_.-]+)")
WITHDRAW_LINK = re.compile(r"https?://\S+/toestemming/([A-Za-z0-9_-]+)")


@pytest.fixture(name="team_theme")
def team_theme_fixture(make_theme):
    """The theme "Intergenerationele overdracht", with its work team described."""
    theme = make_theme("Intergenerationele overdracht", contact_name="Marieke Jansen",
                       contact_email="werkteam@example.org")  # fmt: skip
    team.save_team(theme, TeamDetails(description="We delen **tools** voor jong en oud.",
                                      lead_name="Henk de Vries", lead_organisation="HAN"),
                   may_choose_contact=False)  # fmt: skip
    db.session.commit()
    return theme


def meedoen(client, theme, email: str, name: str = "Sanne", **fields):
    """Post the Meedoen form as a visitor would (the team's updates ticked unless said)."""
    data = {"name": name, "email": email, "organisation": "", "team_updates": "y",
            "privacy": "y", **fields}  # fmt: skip
    return client.post(
        f"/themas/{theme.slug}/meedoen", data={k: v for k, v in data.items() if v is not None}
    )


def confirm_link(message) -> str:
    """The path of the confirmation link in a mail."""
    found = CONFIRM_LINK.search(message.get_body(("plain",)).get_content())
    assert found, "no confirmation link in the mail"
    return "/meedoen/bevestigen/" + found.group(1)


def follow(theme, email: str, name: str = "Volger", *, confirmed: bool = True,
           language: str = "nl", newsletter: bool = False, team_updates: bool = True):  # fmt: skip
    """Someone who used Meedoen and (unless said) confirmed with the link from their mail."""
    team.join(theme, JoinDetails(name=name, email=email, language=language,
                                 team_updates=team_updates, newsletter=newsletter))  # fmt: skip
    mail = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.recipient == email, OutboxMessage.kind == "work_team_follow")
        .order_by(OutboxMessage.id.desc())
    )
    found = CONFIRM_LINK.search(mail.text_body)
    if confirmed and found:
        team.confirm(found.group(1))
    db.session.commit()
    return db.session.scalar(sa.select(Participant).where(Participant.email == email))
