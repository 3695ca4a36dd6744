"""Updates to a work team's followers: only people who confirmed by mail get one (not those who
never confirmed, nor those who withdrew); each mail carries its own one-click way out, which
withdraws that one consent and nothing else; sending is logged, kept in the history, and a
double click sends once."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db
from app.knowledge import team, team_updates
from app.knowledge.team_models import WorkTeamUpdate
from app.mail.models import OutboxMessage
from app.privacy import consent
from app.privacy.consent import How
from app.privacy.models import AuditEntry, Consent, Purpose
from app.timezones import utcnow
from tests.knowledge.test_team_world import (  # noqa: F401  (the fixture team_theme)
    CONFIRM_LINK,
    WITHDRAW_LINK,
    follow,
    team_theme_fixture,
)

BODY = "Beste {naam},\n\nDe toolkit staat online."


@pytest.fixture
def app_config(base_config):
    # One-click (RFC 8058) is defined for https links only: mail them as production does.
    return {**base_config, "BASE_URL": "https://kennisagenda.test"}


def send(theme, subject="Nieuws van het werkteam", body=BODY, by=None):
    sent = team_updates.send_update(team.team_of(theme), subject, body, sent_by=by,
                                    shown_at=utcnow())  # fmt: skip
    db.session.commit()
    return sent


def update_mails() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind == "work_team_update")
            .order_by(OutboxMessage.id)
        )
    )


def test_an_update_reaches_only_those_who_confirmed_by_mail(app, team_theme, mailbox):
    follow(team_theme, "bevestigd@example.org", "Bevestigd")
    follow(team_theme, "onbevestigd@example.org", "Onbevestigd", confirmed=False)
    gone = follow(team_theme, "ingetrokken@example.org", "Ingetrokken")
    consent.withdraw_current(gone, Purpose.NEWSLETTER, how=How.MANAGE_LINK, theme=team_theme)
    # The werkplaats's own newsletter is another list: its readers do not follow the team.
    follow(team_theme, "alleen-nieuwsbrief@example.org", newsletter=True, team_updates=False)
    db.session.commit()
    mailbox.clear()

    sent = send(team_theme)

    assert sent.update.recipients == 1
    assert [m.recipient for m in update_mails()] == ["bevestigd@example.org"]
    assert [m["To"] for m in mailbox.wait_for(1)] == ["bevestigd@example.org"]
    assert "Beste Bevestigd," in mailbox.messages[0].get_body(("plain",)).get_content()


def test_whoever_confirms_later_gets_the_next_update_and_not_the_earlier_one(
    app, team_theme, mailbox
):
    follow(team_theme, "eerst@example.org")
    follow(team_theme, "later@example.org", confirmed=False)
    send(team_theme, "Eerste")
    assert [m.recipient for m in update_mails()] == ["eerst@example.org"]

    link = CONFIRM_LINK.search(
        db.session.scalar(
            sa.select(OutboxMessage.text_body).where(OutboxMessage.recipient == "later@example.org")
        )
    ).group(1)
    team.confirm(link)
    db.session.commit()
    send(team_theme, "Tweede")
    second = [m.recipient for m in update_mails() if m.subject == "Tweede"]
    assert sorted(second) == ["eerst@example.org", "later@example.org"]


def test_without_a_confirmed_follower_nothing_is_sent_or_kept(app, team_theme, mailbox):
    follow(team_theme, "onbevestigd@example.org", confirmed=False)
    with pytest.raises(DomainError):
        send(team_theme)
    db.session.rollback()
    assert update_mails() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkTeamUpdate)) == 0


def test_each_mail_has_the_one_click_headers_and_a_visible_link_of_its_own(
    app, team_theme, mailbox
):
    follow(team_theme, "a@example.org", "Anna")
    follow(team_theme, "b@example.org", "Bram")
    mailbox.clear()
    send(team_theme)
    links = []
    for message in mailbox.wait_for(2):
        header = message["List-Unsubscribe"].strip()
        found = re.fullmatch(
            r"<https://kennisagenda\.test/toestemming/([A-Za-z0-9_-]{40,})>", header
        )
        assert found, header
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"].endswith(f"<werkteam-{team_theme.id}.kennisagenda.test>")
        assert message["Reply-To"] == "werkteam@example.org"
        url = f"https://kennisagenda.test/toestemming/{found.group(1)}"
        assert url in message.get_body(("plain",)).get_content()
        assert f'href="{url}"' in message.get_body(("html",)).get_content()
        links.append(found.group(1))
    assert len(set(links)) == 2  # each follower their own


def test_the_one_click_post_withdraws_that_consent_only(app, team_theme, mailbox, client):
    app.config["WTF_CSRF_ENABLED"] = True  # mail providers post without a CSRF token
    anna = follow(team_theme, "anna@example.org", "Anna", newsletter=True)
    follow(team_theme, "bram@example.org", "Bram")
    mailbox.clear()
    send(team_theme)
    header = next(m for m in mailbox.wait_for(2) if m["To"] == "anna@example.org")
    token = WITHDRAW_LINK.search(header["List-Unsubscribe"]).group(1)

    response = client.post(f"/toestemming/{token}", data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    db.session.expire_all()
    assert consent.current(anna, Purpose.NEWSLETTER, theme=team_theme) is None
    # Her other consent (the werkplaats newsletter) and Bram's hold.
    assert consent.current(anna, Purpose.NEWSLETTER) is not None
    assert [p.email for p, _c in team_updates.followers(team_theme)] == ["bram@example.org"]
    send(team_theme, "Daarna")
    assert [m.recipient for m in update_mails() if m.subject == "Daarna"] == ["bram@example.org"]


def test_a_withdrawal_link_opened_by_a_mail_scanner_withdraws_nothing(
    app, team_theme, mailbox, client
):
    anna = follow(team_theme, "anna@example.org", "Anna")
    send(team_theme)
    token = WITHDRAW_LINK.search(update_mails()[0].unsubscribe_url).group(1)
    assert client.get(f"/toestemming/{token}").status_code == 200
    db.session.expire_all()
    assert consent.current(anna, Purpose.NEWSLETTER, theme=team_theme) is not None


def test_sending_leaves_an_audit_line_with_the_count_and_no_names(
    app, team_theme, mailbox, make_user
):
    writer = make_user("organiser", name="Olga Organisator")
    follow(team_theme, "a@example.org", "Anna")
    follow(team_theme, "b@example.org", "Bram")
    send(team_theme, by=writer)
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "message" and entry.user_id == writer.id
    assert "update aan 2 volgers" in entry.detail and team_theme.name in entry.detail
    assert "Anna" not in entry.detail and "@" not in entry.detail


def test_the_same_update_posted_twice_goes_out_once(app, team_theme, mailbox):
    follow(team_theme, "a@example.org")
    shown = utcnow()
    found = team.team_of(team_theme)
    first = team_updates.send_update(found, "Nieuws", BODY, sent_by=None, shown_at=shown)
    db.session.commit()
    again = team_updates.send_update(found, "Nieuws", BODY, sent_by=None, shown_at=shown)
    db.session.commit()
    assert again.repeated and again.update.id == first.update.id
    assert len(update_mails()) == 1


def test_the_same_consent_asked_twice_and_confirmed_twice_gets_one_mail(app, team_theme, mailbox):
    follow(team_theme, "dubbel@example.org")
    follow(team_theme, "dubbel@example.org")  # the form again: a new question, answered
    asked = db.session.scalars(
        sa.select(Consent).where(Consent.theme_id == team_theme.id, Consent.given_at.is_not(None))
    ).all()
    assert len(asked) == 1
    assert team_updates.follower_count(team_theme) == 1
    send(team_theme)
    assert len(update_mails()) == 1


def test_a_follower_gets_the_update_frame_in_their_own_language(app, team_theme, mailbox):
    follow(team_theme, "en@example.org", "Emma", language="en")
    follow(team_theme, "nl@example.org", "Noor")
    send(team_theme)
    english, dutch = (
        next(m for m in update_mails() if m.recipient == r)
        for r in ("en@example.org", "nl@example.org")
    )
    assert "You receive this update because you follow" in english.text_body
    assert "Beste Emma," in english.text_body  # the team's own words stay as written
    assert "U ontvangt deze update omdat u het werkteam" in dutch.text_body
