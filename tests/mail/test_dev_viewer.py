"""The mail viewer of `make run` (MAIL_VIEWER): nothing leaves the machine, /dev/mail shows every
message with its links working, and it exists nowhere else."""

from __future__ import annotations

import re
from email import message_from_bytes
from email import policy as email_policy

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import ConfigError, load_config
from app.extensions import db
from app.mail.dev_viewer import linked_text, links_in
from app.mail.models import OutboxMessage, OutboxStatus

FORM = {"name": "Fatma Yilmaz", "email": "fatma@wijkteam.example", "organisation": "Wijkteam",
        "function": "Wijkcoach", "privacy": "y"}  # fmt: skip


@pytest.fixture
def app_config(base_config) -> dict:
    return {**base_config, "MAIL_VIEWER": True}


def registered(client, event) -> OutboxMessage:
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data=FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage)).one()


def test_a_registrations_mail_is_listed_with_a_manage_link_that_works(client, make_event, mailbox):
    event = make_event(title="Wat gaat er goed tussen generaties?")
    message = registered(client, event)
    assert message.status == OutboxStatus.SENT  # built and handed to the viewer's backend …
    assert mailbox.messages == []  # … and to no mail server at all

    listing = client.get("/dev/mail/").get_data(as_text=True)
    assert "fatma@wijkteam.example" in listing
    assert "Aanmelding bevestigd: Wat gaat er goed tussen generaties?" in listing
    assert f'href="/dev/mail/{message.id}"' in listing

    page = client.get(f"/dev/mail/{message.id}").get_data(as_text=True)
    link = re.search(r'<a href="(http://kennisagenda\.test/aanmelding/[\w-]+)"', page).group(1)
    manage = client.get(link.removeprefix("http://kennisagenda.test"))
    assert manage.status_code == 200
    assert "Fatma Yilmaz" in manage.get_data(as_text=True)
    assert "invite.ics" in page and "method=REQUEST" in page
    assert client.get(f"/dev/mail/{message.id}").headers["Cache-Control"] == "no-store"


def test_the_newest_mail_comes_first(client, make_event, register):
    first, second = make_event(title="Eerste"), make_event(title="Tweede")
    register(first, "Anna de Vries")
    register(second, "Anna de Vries")
    listing = client.get("/dev/mail/").get_data(as_text=True)
    assert listing.index("Tweede") < listing.index("Eerste")


def test_the_html_part_runs_nothing_and_opens_links_in_the_whole_tab(client, make_event):
    message = registered(client, make_event())
    response = client.get(f"/dev/mail/{message.id}/html")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script" not in policy
    assert "sandbox" in policy and "allow-same-origin" not in policy
    assert "frame-ancestors 'self'" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    html = response.get_data(as_text=True)
    assert '<base target="_top">' in html
    assert "cid:" not in html and 'src="data:image/png;base64,' in html  # the check-in QR

    page = client.get(f"/dev/mail/{message.id}").get_data(as_text=True)
    frame = re.search(r"<iframe[^>]*>", page).group(0)
    assert f'src="/dev/mail/{message.id}/html"' in frame and "allow-same-origin" not in frame


def test_the_invitation_and_the_whole_message_can_be_downloaded(client, make_event):
    message = registered(client, make_event())
    calendar = client.get(f"/dev/mail/{message.id}/invite.ics")
    assert calendar.mimetype == "text/calendar"
    assert calendar.get_data(as_text=True).startswith("BEGIN:VCALENDAR")
    assert client.get(f"/dev/mail/{message.id}/qr.png").mimetype == "image/png"

    eml = client.get(f"/dev/mail/{message.id}.eml")
    assert eml.mimetype == "message/rfc822"
    parsed = message_from_bytes(eml.get_data(), policy=email_policy.default)
    assert parsed["To"] == "fatma@wijkteam.example"
    assert {p.get_content_type() for p in parsed.walk()} >= {"text/plain", "text/html",
                                                             "text/calendar", "image/png"}  # fmt: skip


def test_an_empty_outbox_says_how_to_fill_it(client):
    assert "No mail yet" in client.get("/dev/mail/").get_data(as_text=True)
    assert client.get("/dev/mail/999").status_code == 404


def test_only_a_browser_on_this_machine_sees_it(client):
    assert client.get("/dev/mail/").status_code == 200
    assert client.get("/dev/mail/", base_url="http://[::1]:5000").status_code == 200
    assert client.get("/dev/mail/", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 404
    # A proxy on this machine, or a name pointed at 127.0.0.1 (DNS rebinding).
    assert client.get("/dev/mail/", base_url="http://agenda.example.nl").status_code == 404


def test_without_mail_viewer_there_is_no_such_page(base_config):
    app = create_app(base_config)
    assert app.config["MAIL_BACKEND"] == "smtp"
    assert not [r for r in app.url_map.iter_rules() if r.rule.startswith("/dev")]
    assert app.test_client().get("/dev/mail/").status_code == 404


def test_production_has_no_viewer_and_refuses_to_start_with_one(base_config):
    production = {**base_config, "APP_ENV": "production", "SECRET_KEY": "x" * 32}
    app = create_app(production)
    assert app.test_client().get("/dev/mail/").status_code == 404
    with pytest.raises(ConfigError, match="MAIL_VIEWER"):
        create_app({**production, "MAIL_VIEWER": True})


def test_mail_viewer_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAIL_VIEWER", "1")
    config = load_config({"SECRET_KEY": "x"})
    assert config["MAIL_VIEWER"] is True
    assert config["MAIL_BACKEND"] == "app.mail.dev_viewer.CaughtEmailBackend"
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError):
        load_config({"SECRET_KEY": "x"})


def test_links_in_mail_follow_the_port_make_run_serves_on(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert load_config({"SECRET_KEY": "x"})["BASE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("PORT", "5001")
    assert load_config({"SECRET_KEY": "x"})["BASE_URL"] == "http://127.0.0.1:5001"
    monkeypatch.setenv("BASE_URL", "https://agenda.example.nl/")  # a set BASE_URL wins
    assert load_config({"SECRET_KEY": "x"})["BASE_URL"] == "https://agenda.example.nl"
    monkeypatch.delenv("BASE_URL")
    monkeypatch.setenv("PORT", "vijfduizend")
    with pytest.raises(ConfigError, match="PORT"):
        load_config({"SECRET_KEY": "x"})


def test_urls_in_the_text_become_links_without_the_sentence_around_them():
    text = "Zie http://x.test/a?b=1&c=2. Of (https://x.test/b), <geen> tag."
    assert links_in(text) == ["http://x.test/a?b=1&c=2", "https://x.test/b"]
    html = str(linked_text(text))
    assert '<a href="http://x.test/a?b=1&amp;c=2">http://x.test/a?b=1&amp;c=2</a>.' in html
    assert "(<a href" in html and "</a>)," in html and "&lt;geen&gt;" in html
