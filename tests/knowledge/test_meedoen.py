"""Meedoen: a visitor asks for a work team's updates (and, if they like, the werkplaats's
newsletter); nothing holds until they confirm from the mail (a GET of the link confirms
nothing: mail scanners open links); the page never tells whether an address is known; bad
input gets a message and a 4xx; the form has a honeypot (its rate limits: test_meedoen_limits)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.knowledge import team_updates
from app.privacy import consent
from app.privacy.models import Consent, Purpose
from app.registration.models import Participant
from tests.conftest import row_count
from tests.knowledge.test_team_world import (  # noqa: F401  (the fixture team_theme)
    WITHDRAW_LINK,
    confirm_link,
    follow,
    meedoen,
    team_theme_fixture,
)


def person(email: str) -> Participant | None:
    return db.session.scalar(sa.select(Participant).where(Participant.email == email))


def consents_of(email: str) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent).join(Participant).where(Participant.email == email)
            .order_by(Consent.id)
        )
    )  # fmt: skip


def test_the_form_shows_the_exact_words_of_each_consent(client, team_theme):
    text = client.get(f"/themas/{team_theme.slug}/meedoen").get_data(as_text=True)
    assert "Ja, stuur mij de updates van het werkteam Intergenerationele overdracht." in text
    assert "Ja, stuur mij de nieuwsbrief van de werkplaats (optioneel)." in text
    assert 'href="/privacy"' in text
    assert 'class="honeypot"' in text


def test_nothing_holds_until_the_link_in_the_mail_is_confirmed(client, team_theme, mailbox):
    response = meedoen(client, team_theme, "sanne@example.org", "Sanne de Boer")
    assert response.status_code == 302
    (asked,) = consents_of("sanne@example.org")
    assert asked.given_at is None and asked.given_how == "meedoen"
    assert team_updates.followers(team_theme) == []

    mail = mailbox.wait_for(1)[0]
    assert mail["To"] == "sanne@example.org"
    assert "Bevestig uw aanmelding bij het werkteam" in mail["Subject"]
    link = confirm_link(mail)

    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200 and "Ja, ik bevestig" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    assert team_updates.followers(team_theme) == []

    thanks = client.post(link)
    assert thanks.status_code == 200
    assert "Bedankt voor uw bevestiging" in thanks.get_data(as_text=True)
    db.session.expire_all()
    assert [p.email for p, _c in team_updates.followers(team_theme)] == ["sanne@example.org"]
    # Confirming twice is once; the link now says so.
    assert client.post(link).status_code == 200
    assert "Al bevestigd" in client.get(link).get_data(as_text=True)
    assert len(consents_of("sanne@example.org")) == 1


def test_the_thank_you_page_offers_a_way_out_that_withdraws_that_consent(
    client, team_theme, mailbox
):
    meedoen(client, team_theme, "sanne@example.org")
    thanks = client.post(confirm_link(mailbox.wait_for(1)[0])).get_data(as_text=True)
    token = WITHDRAW_LINK.search(thanks).group(1)
    assert client.post(f"/toestemming/{token}").status_code == 200
    db.session.expire_all()
    assert team_updates.followers(team_theme) == []


def test_one_link_confirms_both_lists_when_both_were_chosen(client, team_theme, mailbox):
    meedoen(client, team_theme, "beide@example.org", newsletter="y")
    mail = mailbox.wait_for(1)[0]
    text = mail.get_body(("plain",)).get_content()
    assert "updates van het werkteam Intergenerationele overdracht" in text
    assert "nieuwsbrief van de werkplaats" in text
    client.post(confirm_link(mail))
    db.session.expire_all()
    participant = person("beide@example.org")
    assert consent.current(participant, Purpose.NEWSLETTER, theme=team_theme) is not None
    assert consent.current(participant, Purpose.NEWSLETTER) is not None


CSRF = re.compile(r'(?<=csrf-token" content=")[^"]+|(?<=name="csrf_token" value=")[^"]+')


def test_only_the_newsletter_can_be_chosen_and_nothing_at_all_cannot(client, team_theme):
    response = meedoen(client, team_theme, "n@example.org", team_updates=None, newsletter="y")
    assert response.status_code == 302
    assert [c.theme_id for c in consents_of("n@example.org")] == [None]

    refused = meedoen(client, team_theme, "niets@example.org", team_updates=None)
    assert refused.status_code == 400
    assert "Kies wat u wilt ontvangen." in refused.get_data(as_text=True)
    assert person("niets@example.org") is None


def test_the_page_is_the_same_whatever_is_known_about_the_address(
    client, team_theme, mailbox, make_event, register
):
    follow(team_theme, "volgt@example.org", "Volgt Al")
    register(make_event(), "Ingeschreven", email="ingeschreven@example.org")

    pages = {}
    for address in ("nieuw@example.org", "volgt@example.org", "ingeschreven@example.org"):
        response = meedoen(client, team_theme, address)
        assert response.status_code == 302
        assert response.location == f"/themas/{team_theme.slug}/meedoen/verstuurd"
        page = client.get(response.location).get_data(as_text=True).replace(address, "X")
        # The CSRF token carries the second it was signed in: not something the address shows.
        pages[address] = CSRF.sub("", page)
    assert len(set(pages.values())) == 1
    assert "Kijk in uw mail" in pages["nieuw@example.org"]
    # The mail (which only the address's owner reads) is what differs.
    already = mailbox.to("volgt@example.org")[-1]
    assert "U volgt het werkteam" in already["Subject"]


def test_an_existing_persons_name_stays_and_their_organisation_is_only_filled_in(
    client, team_theme, make_event, register
):
    register(make_event(), "Fatma Yilmaz", email="fatma@example.org")
    meedoen(client, team_theme, "fatma@example.org", "Iemand Anders", organisation="Buurtzorg")
    meedoen(client, team_theme, "fatma@example.org", "Iemand Anders", organisation="Kwaadwillig BV")
    db.session.expire_all()
    fatma = person("fatma@example.org")
    assert fatma.name == "Fatma Yilmaz" and fatma.organisation == "Buurtzorg"


def test_the_honeypot_refuses_the_form_and_keeps_nothing(client, team_theme, mailbox):
    response = meedoen(client, team_theme, "bot@example.org", website="http://spam.example")
    assert response.status_code == 400
    assert "Laat het laatste veld leeg" in response.get_data(as_text=True)
    assert person("bot@example.org") is None and mailbox.messages == []


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "geen-adres"}, "E-mailadres"),
        ({"email": ""}, "E-mailadres"),
        ({"name": ""}, "Naam"),
        ({"name": "Twee\nregels"}, "Alleen één regel tekst"),
        ({"name": "x" * 121}, "Naam"),
        ({"organisation": "o" * 201}, "Organisatie"),
        ({"privacy": None}, "Privacyverklaring"),
    ],
)
def test_bad_input_gets_a_message_and_a_400(client, team_theme, fields, message):
    response = meedoen(client, team_theme, **{"email": "ok@example.org", **fields})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert row_count(Consent) == 0


@pytest.mark.parametrize(
    "token",
    ["abc", "a" * 101, "a" * 300, ".", "a.b.c.d", "...", "%00", "x" * 43 + "." + "y" * 43],
)
def test_a_nonsense_confirmation_link_is_a_404(client, team_theme, token):
    assert client.get(f"/meedoen/bevestigen/{token}").status_code in (400, 404)
    assert client.post(f"/meedoen/bevestigen/{token}").status_code in (400, 404)


def test_nonsense_posts_get_a_4xx_never_a_500(client, team_theme):
    slug = team_theme.slug
    for data in ({}, {"team_updates": "\x01"}, {"name": "é" * 5000, "email": "@" * 300},
                 {"email": "a@b.c\r\nBcc: x@y.z", "name": "A", "privacy": "y"}):  # fmt: skip
        assert 400 <= client.post(f"/themas/{slug}/meedoen", data=data).status_code < 500
    assert client.post(f"/themas/{slug}/meedoen", json={"email": ["x"]}).status_code == 400
    assert client.get("/themas/bestaat-niet/meedoen").status_code == 404


def test_a_theme_without_a_work_team_has_no_meedoen(client, make_theme):
    theme = make_theme("Zonder werkteam")
    assert client.get(f"/themas/{theme.slug}/meedoen").status_code == 404
    assert client.get(f"/themas/{theme.slug}/werkteam").status_code == 404


def test_the_sent_page_without_a_form_goes_back_to_the_form(client, team_theme):
    response = client.get(f"/themas/{team_theme.slug}/meedoen/verstuurd")
    assert response.status_code == 302 and response.location.endswith("/meedoen")


def test_dutch_is_the_default_and_the_english_form_is_complete(client, team_theme, mailbox):
    dutch = client.get(f"/themas/{team_theme.slug}/meedoen").get_data(as_text=True)
    assert '<html lang="nl"' in dutch and "Meedoen met het werkteam" in dutch

    client.post("/taal", data={"taal": "en"})
    english = client.get(f"/themas/{team_theme.slug}/meedoen").get_data(as_text=True)
    assert 'Join the <span lang="nl">Intergenerationele overdracht</span> work team' in english
    for word in ("Meedoen met", "Wat wilt u ontvangen", "Uw gegevens", "privacyverklaring",
                 "stuur mij", "Ik heb de"):  # fmt: skip
        assert word not in english, word
    meedoen(client, team_theme, "emma@example.org", "Emma")
    (asked,) = consents_of("emma@example.org")
    assert asked.text == "Yes, send me the updates of the Intergenerationele overdracht work team."
    mail = mailbox.wait_for(1)[0]
    assert "Confirm" in mail["Subject"]
    assert "Bevestig" not in mail.get_body(("plain",)).get_content()


def test_meedoen_and_its_confirmation_work_with_csrf_protection_on(
    app, client, team_theme, mailbox
):
    app.config["WTF_CSRF_ENABLED"] = True
    form = client.get(f"/themas/{team_theme.slug}/meedoen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert meedoen(client, team_theme, "csrf@example.org").status_code == 400  # without it
    assert meedoen(client, team_theme, "csrf@example.org", csrf_token=token).status_code == 302
    link = confirm_link(mailbox.wait_for(1)[0])
    assert client.post(link).status_code == 400  # a forged post confirms nothing
    page = client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(link, data={"csrf_token": token}).status_code == 200
    db.session.expire_all()
    assert [p.email for p, _c in team_updates.followers(team_theme)] == ["csrf@example.org"]
