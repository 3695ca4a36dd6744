"""Organisers' pages of a work team: who may open them (every route × every role, with a check
that no route is missing), describing the team, adding and removing members, the followers
(who they are: admins only) and writing, previewing, testing and sending an update."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.knowledge import team, team_updates
from app.knowledge.team_models import WorkTeam, WorkTeamMember, WorkTeamUpdate
from app.mail.models import OutboxMessage
from app.privacy.models import AuditEntry, Consent, Purpose
from tests.conftest import row_count
from tests.knowledge.test_team_world import follow, team_theme_fixture  # noqa: F401

# (method, url, expected for those allowed): 200 the page, 302 done, 400 the form with errors
ROUTES = [
    ("GET", "/beheer/werkteams", 200),
    ("GET", "/beheer/themas/{slug}/werkteam", 200),
    ("POST", "/beheer/themas/{slug}/werkteam", 302),
    ("GET", "/beheer/themas/{slug}/werkteam/leden", 200),
    ("POST", "/beheer/themas/{slug}/werkteam/leden", 400),
    ("POST", "/beheer/themas/{slug}/werkteam/leden/{member}/verwijderen", 302),
    ("GET", "/beheer/themas/{slug}/werkteam/volgers", 200),
    ("GET", "/beheer/themas/{slug}/werkteam/update", 200),
    ("POST", "/beheer/themas/{slug}/werkteam/update", 400),
    ("POST", "/beheer/themas/{slug}/werkteam/update/voorbeeld", 400),
    ("POST", "/beheer/themas/{slug}/werkteam/update/test", 400),
    ("GET", "/beheer/themas/{slug}/werkteam/updates", 200),
    ("GET", "/beheer/themas/{slug}/werkteam/updates/{update}", 200),
]
# The team's contact is a `checkin` account here: it may do everything for its own team only.
ROLES = {"anonymous": None, "checkin": 403, "organiser": "ok", "admin": "ok", "contact": "ok"}


@pytest.fixture
def world(make_user, team_theme):
    users = {name: make_user(name if name != "contact" else "checkin")
             for name in ("checkin", "organiser", "admin", "contact")}  # fmt: skip
    team_of = team.team_of(team_theme)
    team_of.contact_user_id = users["contact"].id
    member = WorkTeamMember(
        theme_id=team_theme.id, participant_id=follow(team_theme, "f@example.org").id
    )
    db.session.add(member)
    update = WorkTeamUpdate(theme_id=team_theme.id, subject="S", body="B", recipients=1)
    db.session.add(update)
    db.session.commit()
    return users, {"slug": team_theme.slug, "member": member.id, "update": update.id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, expected", ROUTES)
def test_every_route_by_role(client, auth, world, role, method, url, expected):
    users, ids = world
    if role != "anonymous":
        auth.login(users[role].email)
    response = client.open(url.format(**ids), method=method, data={})
    if role == "anonymous":
        assert response.status_code == 302 and "/beheer/inloggen" in response.location
    elif ROLES[role] == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == expected
        if method == "GET":
            assert response.headers["Cache-Control"] == "no-store"


def test_every_work_team_route_is_in_the_table(app):
    covered = {(m, re.sub(r"\{[^}]+\}", "{}", u)) for m, u, _e in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("work_teams_manage."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, re.sub(r"<[^>]+>", "{}", rule.rule)) in covered, rule.rule


def test_a_contact_account_manages_its_own_team_and_no_other(client, auth, world, make_theme):
    users, ids = world
    other = make_theme("Armoede")
    team.save_team(other, team.TeamDetails(), may_choose_contact=False)
    db.session.commit()
    auth.login(users["contact"].email)
    assert client.get(f"/beheer/themas/{other.slug}/werkteam").status_code == 403
    assert client.get(f"/beheer/themas/{other.slug}/werkteam/update").status_code == 403
    index = client.get("/beheer/werkteams").get_data(as_text=True)
    assert ids["slug"] in index and other.slug not in index
    # It cannot hand its access on: the form has no contact field, and a posted one is ignored.
    page = client.get(f"/beheer/themas/{ids['slug']}/werkteam").get_data(as_text=True)
    assert 'name="contact_user_id"' not in page
    client.post(f"/beheer/themas/{ids['slug']}/werkteam",
                data={"description": "x", "contact_user_id": users["checkin"].id})  # fmt: skip
    db.session.expire_all()
    own = db.session.scalar(sa.select(WorkTeam).where(WorkTeam.theme_id != other.id))
    assert own.contact_user_id == users["contact"].id and own.description == "x"


def test_an_organiser_describes_a_team_and_it_is_presented(client, auth, make_user, make_theme):
    organiser, lead = make_user("organiser"), make_user("checkin", name="Lea Lead")
    theme = make_theme("Jeugd en gezin")
    auth.login(organiser.email)
    assert client.get(f"/themas/{theme.slug}/werkteam").status_code == 404
    page = client.get(f"/beheer/themas/{theme.slug}/werkteam").get_data(as_text=True)
    assert "Lea Lead" in page  # may be chosen as the contact account
    response = client.post(f"/beheer/themas/{theme.slug}/werkteam", data={
        "description": "Wij **delen**.", "lead_name": "Lea Lead", "lead_organisation": "HAN",
        "contact_user_id": str(lead.id)})  # fmt: skip
    assert response.status_code == 302
    found = team.team_of(theme)
    assert found.contact_user_id == lead.id and found.lead_name == "Lea Lead"
    assert "<strong>delen</strong>" in client.get(f"/themas/{theme.slug}/werkteam").get_data(
        as_text=True
    )


@pytest.mark.parametrize("contact", ["999999", "abc", "-1"])
def test_a_contact_that_is_no_active_account_is_a_form_error(
    client, auth, make_user, make_theme, contact
):
    auth.login(make_user("admin").email)
    theme = make_theme("Jeugd")
    response = client.post(
        f"/beheer/themas/{theme.slug}/werkteam", data={"contact_user_id": contact}
    )
    assert response.status_code == 400
    assert team.team_of(theme) is None


def test_a_member_added_is_asked_by_mail_and_listed_as_waiting(
    client, auth, make_user, team_theme, mailbox
):
    auth.login(make_user("organiser").email)
    url = f"/beheer/themas/{team_theme.slug}/werkteam/leden"
    data = {"name": "Piet", "email": "Piet@Example.org", "organisation": "Gemeente", "role": "lid",
            "language": "nl"}  # fmt: skip
    assert client.post(url, data=data).status_code == 302
    assert mailbox.wait_for(1)[0]["To"] == "piet@example.org"
    page = client.get(url).get_data(as_text=True)
    assert "Piet" in page and "wacht op toestemming" in page
    again = client.post(url, data=data)
    assert again.status_code == 400 and "al lid van het werkteam" in again.get_data(as_text=True)
    assert row_count(WorkTeamMember) == 1


def test_typing_an_address_never_reveals_the_name_given_with_it_and_is_audited(
    client, auth, make_user, team_theme, make_event, register
):
    register(make_event(), "Bob Bakker", email="bob@example.org")
    organiser = make_user("organiser")
    auth.login(organiser.email)
    url = f"/beheer/themas/{team_theme.slug}/werkteam/leden"
    data = {"name": "Iemand", "email": "bob@example.org", "role": "", "language": "nl"}
    response = client.post(url, data=data, follow_redirects=True)
    page = response.get_data(as_text=True) + client.get(url).get_data(as_text=True)
    assert "Iemand is toegevoegd" in page and "Bob Bakker" not in page
    line = db.session.scalar(sa.select(AuditEntry))
    assert (line.action, line.user_id) == ("member_added", organiser.id)
    assert "bob" not in line.detail.lower()


@pytest.mark.parametrize(
    "bad", [{"email": "geen"}, {"name": ""}, {"language": "fr"}, {"role": "r" * 121}]
)
def test_a_bad_member_form_is_refused_with_a_message(client, auth, make_user, team_theme, bad):
    auth.login(make_user("organiser").email)
    data = {"name": "Piet", "email": "piet@example.org", "language": "nl", **bad}
    response = client.post(f"/beheer/themas/{team_theme.slug}/werkteam/leden", data=data)
    assert response.status_code == 400 and 'class="error-summary"' in response.get_data(
        as_text=True
    )
    assert row_count(WorkTeamMember) == 0 and row_count(Consent) == 0


def test_removing_a_member_of_another_team_is_a_404(client, auth, world, make_theme):
    users, ids = world
    other = make_theme("Armoede")
    team.save_team(other, team.TeamDetails(), may_choose_contact=False)
    db.session.commit()
    auth.login(users["admin"].email)
    response = client.post(
        f"/beheer/themas/{other.slug}/werkteam/leden/{ids['member']}/verwijderen"
    )
    assert response.status_code == 404
    assert row_count(WorkTeamMember) == 1


def test_only_admins_see_who_the_followers_are(client, auth, make_user, team_theme):
    follow(team_theme, "zichtbaar@example.org", "Zoë Zichtbaar")
    follow(team_theme, "wacht@example.org", "Wacht Nog", confirmed=False)
    url = f"/beheer/themas/{team_theme.slug}/werkteam/volgers"
    auth.login(make_user("organiser").email)
    page = client.get(url).get_data(as_text=True)
    assert "1 volger" in page and "1 wacht op bevestiging" in page
    assert "Zoë" not in page and "zichtbaar@example.org" not in page
    auth.logout()
    auth.login(make_user("admin").email)
    page = client.get(url).get_data(as_text=True)
    assert "Zoë Zichtbaar" in page and "zichtbaar@example.org" in page
    assert "wacht@example.org" not in page  # not confirmed: no follower


def test_write_preview_test_and_send_an_update(client, auth, make_user, team_theme, mailbox):
    writer = make_user("organiser", email="olga@example.org", name="Olga")
    follow(team_theme, "volger@example.org", "Vera Volger")
    mailbox.clear()
    auth.login(writer.email)
    base = f"/beheer/themas/{team_theme.slug}/werkteam"
    assert "1 volger" in client.get(f"{base}/update").get_data(as_text=True)
    form = {"subject": "Nieuwe toolkit", "body": "Beste {naam},\n\nDe toolkit staat online."}

    preview = client.post(f"{base}/update/voorbeeld", data=form)
    assert preview.status_code == 200
    assert "'unsafe-hashes'" in preview.headers["Content-Security-Policy"]
    text = preview.get_data(as_text=True)
    # An organiser who is no admin does not learn who follows: the preview greets themselves.
    assert "Vera" not in text and "volger@example.org" not in text and "Beste Olga," in text
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', text).group(1)

    tested = client.post(f"{base}/update/test", data={**form, "shown_at": shown_at})
    assert "Testbericht verstuurd aan olga@example.org" in tested.get_data(as_text=True)
    assert [m["To"] for m in mailbox.wait_for(1)] == ["olga@example.org"]
    assert mailbox.messages[0]["Subject"] == "[Test] Nieuwe toolkit"
    assert row_count(WorkTeamUpdate) == 0

    sent = client.post(f"{base}/update", data={**form, "shown_at": shown_at})
    assert sent.status_code == 302
    again = client.post(f"{base}/update", data={**form, "shown_at": shown_at})  # a double click
    assert again.status_code == 302 and again.location == sent.location
    assert row_count(WorkTeamUpdate) == 1
    mails = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "work_team_update")
    ).all()
    assert [m.recipient for m in mails] == ["volger@example.org"]
    assert "Beste Vera Volger," in mails[0].text_body

    history = client.get(f"{base}/updates").get_data(as_text=True)
    assert "Nieuwe toolkit" in history and "1 volger" in history and "Olga" in history
    detail = client.get(sent.location).get_data(as_text=True)
    assert "De toolkit staat online." in detail


def test_an_admin_previews_as_each_follower(client, auth, make_user, team_theme):
    follow(team_theme, "a@example.org", "Anna")
    follow(team_theme, "b@example.org", "Bram")
    bram = team_updates.followers(team_theme)[1][0]
    auth.login(make_user("admin").email)
    form = {"subject": "Hoi {naam}", "body": "Tekst", "recipient": str(bram.id)}
    text = client.post(
        f"/beheer/themas/{team_theme.slug}/werkteam/update/voorbeeld", data=form
    ).get_data(as_text=True)
    assert "Hoi Bram" in text and "b@example.org" in text


def test_sending_without_followers_is_refused_with_a_message(client, auth, make_user, team_theme):
    auth.login(make_user("organiser").email)
    response = client.post(f"/beheer/themas/{team_theme.slug}/werkteam/update",
                           data={"subject": "S", "body": "B"})  # fmt: skip
    assert response.status_code == 400
    assert "nog geen volgers" in response.get_data(as_text=True)
    assert row_count(WorkTeamUpdate) == 0


@pytest.mark.parametrize("bad", [{"subject": ""}, {"subject": "a\nb"}, {"body": ""}, {"subject": "s" * 201},
                                 {"recipient": "abc"}, {"recipient": "99999999999"}])  # fmt: skip
def test_a_bad_update_form_is_refused_with_a_message(client, auth, make_user, team_theme, bad):
    follow(team_theme, "a@example.org")
    auth.login(make_user("organiser").email)
    data = {"subject": "S", "body": "B", **bad}
    for path in ("update", "update/voorbeeld", "update/test"):
        response = client.post(f"/beheer/themas/{team_theme.slug}/werkteam/{path}", data=data)
        assert response.status_code == 400, path
    assert row_count(WorkTeamUpdate) == 0


def test_members_followers_and_updates_need_the_team_described_first(
    client, auth, make_user, make_theme
):
    theme = make_theme("Nog niets")
    auth.login(make_user("organiser").email)
    for path in ("leden", "volgers", "update", "updates"):
        assert client.get(f"/beheer/themas/{theme.slug}/werkteam/{path}").status_code == 404
    assert client.get(f"/beheer/themas/{theme.slug}/werkteam").status_code == 200


def test_follower_counts_ignore_withdrawn_and_other_lists(app, team_theme):
    follow(team_theme, "a@example.org")
    follow(team_theme, "n@example.org", newsletter=True, team_updates=False)
    gone = follow(team_theme, "g@example.org")
    held = db.session.scalar(sa.select(Consent).where(Consent.participant_id == gone.id,
                                                      Consent.purpose == Purpose.NEWSLETTER))  # fmt: skip
    from app.privacy import consent

    consent.withdraw(held, how="manage_link")
    db.session.commit()
    assert team_updates.follower_count(team_theme) == 1
    assert team_updates.awaiting_count(team_theme) == 0


def test_the_navigation_knows_who_may_reach_the_work_teams(app, world):
    from flask import render_template_string
    from flask_login import login_user

    users, _ids = world
    shown = {}
    for role in ("checkin", "contact", "organiser"):
        with app.test_request_context("/"):
            login_user(users[role])
            shown[role] = render_template_string("{{ may_manage_work_teams() }}")
    assert shown == {"checkin": "False", "contact": "True", "organiser": "True"}
