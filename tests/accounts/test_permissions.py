"""Every organiser route × every role: anonymous visitors are sent to the login page, a role
that may not do something gets 403, and the allowed roles get through."""

import re

import pytest

# (method, url template, who may: "owner" = admins and the event's own organisers, "admin")
ORGANISER_ROUTES = [
    ("GET", "/beheer/", "organiser"),
    ("GET", "/beheer/activiteiten", "organiser"),
    ("GET", "/beheer/activiteiten/nieuw", "organiser"),
    ("POST", "/beheer/activiteiten/nieuw", "organiser"),
    ("GET", "/beheer/activiteiten/{event}", "owner"),
    ("POST", "/beheer/activiteiten/{event}", "owner"),
    ("POST", "/beheer/activiteiten/{event}/publiceren", "owner"),
    ("GET", "/beheer/activiteiten/{event}/annuleren", "owner"),
    ("POST", "/beheer/activiteiten/{event}/annuleren", "owner"),
    ("GET", "/beheer/activiteiten/{event}/dupliceren", "owner"),
    ("POST", "/beheer/activiteiten/{event}/dupliceren", "owner"),
    ("POST", "/beheer/activiteiten/{event}/accreditaties", "owner"),
    ("POST", "/beheer/activiteiten/{event}/accreditaties/{accreditation}/verwijderen", "owner"),
    ("GET", "/beheer/activiteiten/{event}/aanmeldingen", "owner"),
    ("GET", "/beheer/activiteiten/{event}/aanmeldingen.{export}", "owner"),
    ("POST", "/beheer/aanmeldingen/{registration}/annuleren", "owner"),
    ("POST", "/beheer/aanmeldingen/{registration}/plaats-geven", "owner"),
    ("POST", "/beheer/aanmeldingen/{registration}/verplaatsen", "owner"),
    ("GET", "/beheer/activiteiten/{event}/bericht", "owner"),
    ("POST", "/beheer/activiteiten/{event}/bericht", "owner"),
    ("GET", "/beheer/activiteiten/{event}/vragen", "owner"),
    ("POST", "/beheer/activiteiten/{event}/vragen", "owner"),
    ("POST", "/beheer/activiteiten/{event}/vragen/{question}/verwijderen", "owner"),
    ("GET", "/beheer/activiteiten/{event}/programma", "owner"),
    ("GET", "/beheer/activiteiten/{event}/programma.json", "owner"),
    ("GET", "/beheer/activiteiten/{event}/programma/nieuw", "owner"),
    ("POST", "/beheer/activiteiten/{event}/programma/nieuw", "owner"),
    ("GET", "/beheer/activiteiten/{event}/programma/{session}", "owner"),
    ("POST", "/beheer/activiteiten/{event}/programma/{session}", "owner"),
    ("POST", "/beheer/activiteiten/{event}/programma/{session}/verplaatsen", "owner"),
    ("POST", "/beheer/activiteiten/{event}/programma/{session}/schrappen", "owner"),
    ("POST", "/beheer/activiteiten/{event}/programma/{session}/verwijderen", "owner"),
    ("POST", "/beheer/activiteiten/{event}/programma/wijzigingen-versturen", "owner"),
    ("GET", "/beheer/activiteiten/{event}/programma/{session}/deelnemers", "owner"),
    ("GET", "/beheer/activiteiten/{event}/programma/{session}/deelnemers.{sheet}", "owner"),
    ("GET", "/beheer/activiteiten/{event}/zalen", "owner"),
    ("POST", "/beheer/activiteiten/{event}/zalen", "owner"),
    ("GET", "/beheer/activiteiten/{event}/zalen/{room}", "owner"),
    ("POST", "/beheer/activiteiten/{event}/zalen/{room}", "owner"),
    ("GET", "/beheer/sprekers", "organiser"),
    ("POST", "/beheer/sprekers", "organiser"),
    ("GET", "/beheer/sprekers/{speaker}", "organiser"),
    ("POST", "/beheer/sprekers/{speaker}", "organiser"),
    ("GET", "/beheer/themas", "admin"),
    ("GET", "/beheer/themas/nieuw", "admin"),
    ("POST", "/beheer/themas/nieuw", "admin"),
    ("GET", "/beheer/themas/{theme}", "admin"),
    ("POST", "/beheer/themas/{theme}", "admin"),
    ("GET", "/beheer/gebruikers", "admin"),
    ("GET", "/beheer/gebruikers/nieuw", "admin"),
    ("POST", "/beheer/gebruikers/nieuw", "admin"),
    ("GET", "/beheer/gebruikers/{user}", "admin"),
    ("POST", "/beheer/gebruikers/{user}", "admin"),
]

ROLES = ["anonymous", "checkin", "other_organiser", "owner", "admin"]

ALLOWED = {
    "organiser": {"other_organiser", "owner", "admin"},
    "owner": {"owner", "admin"},
    "admin": {"admin"},
}


@pytest.fixture
def world(make_user, make_event, make_theme):
    from app.agenda import services as agenda
    from app.extensions import db
    from app.programme import services
    from app.registration import services as registration
    from app.registration.services import RegistrationDetails

    users = {
        "checkin": make_user("checkin"),
        "other_organiser": make_user("organiser"),
        "owner": make_user("organiser"),
        "admin": make_user("admin"),
    }
    event = make_event(owner=users["owner"], capacity=0)
    accreditation = services.add_accreditation(event, "SKJ", "SKJ-9", 1)
    question = registration.add_question(event, "Waarom?", "text", [], False)
    db.session.commit()
    waiting = registration.register(
        event.id, RegistrationDetails(name="Wacht", email="w@example.org")
    )
    db.session.commit()
    theme = make_theme()
    room = agenda.add_room(event, {"name": "Aula", "capacity": 100})
    speaker = agenda.save_speaker({"name": "Spreker"})
    session = agenda.add_session(event, {"kind": "workshop", "title": "W", "starts_at": event.starts_at,
                                         "ends_at": event.ends_at, "room_id": room.id})  # fmt: skip
    db.session.commit()
    return users, {"room": room.id, "speaker": speaker.id, "session": session.id, "sheet": "xlsx","event": event.id, "accreditation": accreditation.id, "theme": theme.slug,
                   "user": users["other_organiser"].id, "registration": waiting.registration.id,
                   "question": question.id, "export": "csv"}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, allowed", ORGANISER_ROUTES)
def test_organiser_routes_by_role(client, auth, world, role, method, url, allowed):
    users, ids = world
    if role != "anonymous":
        auth.login(users[role].email)
    response = client.open(url.format(**ids), method=method, data={})
    if role == "anonymous":
        assert response.status_code == 302
        assert "/beheer/inloggen?next=" in response.location
    elif role in ALLOWED[allowed]:
        assert response.status_code not in (401, 403, 404), response.status_code
        assert "/beheer/inloggen" not in (response.location or "")
    else:
        assert response.status_code == 403


def test_every_organiser_route_is_in_the_table(app):
    def shape(url: str) -> str:
        return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", url)

    covered = {(method, shape(url)) for method, url, _ in ORGANISER_ROUTES}
    public = {"accounts.login", "accounts.logout"}  # logout needs only a login, tested elsewhere
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/beheer") and rule.endpoint not in public:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, shape(rule.rule)) in covered, (method, rule.rule)


def test_checkin_user_sees_no_link_to_the_organiser_area(client, auth, world):
    users, _ids = world
    auth.login(users["checkin"].email)
    assert "/beheer/activiteiten" not in client.get("/").get_data(as_text=True)
