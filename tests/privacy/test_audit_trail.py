"""Every action of an organiser or admin on personal data leaves exactly one line in the audit
log: who did it, what, for which event, and in the detail no name or address of anyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.attendance import services as attendance
from app.certificates import services as certificates
from app.certificates.models import CertificateJob
from app.extensions import db
from app.privacy.audit import Action
from app.privacy.models import AuditEntry
from app.registration import services as registration


@dataclass
class World:
    users: dict  # owner (an organiser), admin, volunteer (a `checkin` account on the desk)
    today: (
        object  # starts within the hour, capacity 2: Anna and Bram have a place, Cas and Dirk wait
    )
    roomy: object  # starts within the hour too, with room to spare and nobody registered
    evening: object  # over since an hour, Anna and Şükrü were there (tests/certificates)
    people: dict  # name -> Registration of today
    tmp_path: object

    def id(self, name: str) -> int:
        return self.people[name].id

    @property
    def attendee(self):  # Anna de Vries of the evening, checked in and certifiable
        return self.evening.people["Anna"]


# Every person's name and address in the world: none may be in a line's detail.
PEOPLE = ["Anna Jansen", "Bram Bakker", "Cas Wachter", "Dirk Wachter", "Eva Nieuw", "Wim Binnen",
          "Anna de Vries", "Şükrü Çelik", "Bob Bakker", "461012345"]  # fmt: skip


@pytest.fixture
def world(make_user, make_event, register, evening, tmp_path) -> World:
    day = evening()
    owner = day.owner
    users = {"owner": owner, "admin": make_user("admin", name="Bea Beheer"),
             "volunteer": make_user("checkin", name="Balie 2")}  # fmt: skip
    today = make_event(owner=owner, starts_in=timedelta(hours=1), capacity=2, title="Vandaag")
    roomy = make_event(owner=owner, starts_in=timedelta(hours=1), capacity=50, title="Ruim")
    for event in (today, roomy):
        attendance.set_desk_staff(event, {users["volunteer"].id})
    db.session.commit()
    people = {name.split()[0]: register(today, name) for name in PEOPLE[:4]}
    attendance.check_in(people["Anna"].id, owner)
    db.session.commit()
    return World(users, today, roomy, day, people, tmp_path)


def a_certificate(w: World):
    certificate = certificates.issue(w.attendee.id, w.evening.owner)
    db.session.commit()
    return certificate


def a_zip(w: World, app) -> CertificateJob:
    app.config["CERTIFICATE_FILES_DIR"] = str(w.tmp_path)
    (w.tmp_path / "t.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    job = CertificateJob(event_id=w.evening.event.id, kind="zip", status="done",
                         file_name="t.zip", total=2)  # fmt: skip
    db.session.add(job)
    db.session.commit()
    return job


def give_room(event, capacity: int) -> None:
    """More room without anyone moving up (the desk gives the place, not the rule)."""
    event.capacity = capacity
    db.session.commit()


def undo_at_desk(w: World, client):
    action = {"id": "undo-anna-0001", "action": "undo", "registration": w.id("Anna")}
    response = client.post(f"/balie/{w.today.id}/acties", json={"actions": [action]})
    assert response.get_json()["results"][0]["status"] == "undone"
    return response


def registers_url(w: World) -> str:
    registerplein = next(a for a in w.evening.event.accreditations if a.register == "Registerplein")
    return f"/beheer/activiteiten/{w.evening.event.id}/registers/{registerplein.id}.csv"


# (what is done, by whom, the action logged, the event it is about, the request)
CASES = [
    ("registrations exported as CSV", "owner", Action.EXPORT, "today",
     lambda w, c, app: c.get(f"/beheer/activiteiten/{w.today.id}/aanmeldingen.csv")),
    ("registrations exported as XLSX by an admin", "admin", Action.EXPORT, "today",
     lambda w, c, app: c.get(f"/beheer/activiteiten/{w.today.id}/aanmeldingen.xlsx")),
    ("attendance exported", "owner", Action.EXPORT, "today",
     lambda w, c, app: c.get(f"/beheer/activiteiten/{w.today.id}/aanwezigheid.xlsx")),
    ("a register's report downloaded", "owner", Action.EXPORT, "evening",
     lambda w, c, app: c.get(registers_url(w))),
    ("a certificate's PDF opened", "owner", Action.EXPORT, "evening",
     lambda w, c, app: c.get(f"/beheer/certificaten/{a_certificate(w).id}.pdf")),
    ("the certificates' ZIP downloaded", "owner", Action.EXPORT, "evening",
     lambda w, c, app: c.get(f"/beheer/activiteiten/{w.evening.event.id}/certificaten/taak/"
                             f"{a_zip(w, app).id}.zip")),
    ("badges printed", "owner", Action.PRINT, "today",
     lambda w, c, app: c.get(f"/beheer/activiteiten/{w.today.id}/badges.pdf")),
    ("a sign-in sheet printed", "owner", Action.PRINT, "today",
     lambda w, c, app: c.get(f"/beheer/activiteiten/{w.today.id}/presentielijst.pdf")),
    ("a group message sent", "owner", Action.MESSAGE, "today",
     lambda w, c, app: c.post(f"/beheer/activiteiten/{w.today.id}/bericht", data={
         "audience": "confirmed", "subject": "Parkeren", "body": "Beste {naam}, parkeer achter."})),
    ("a check-in undone at the desk", "volunteer", Action.CHECK_IN_UNDONE, "today",
     lambda w, c, app: undo_at_desk(w, c)),
    ("someone added by hand", "owner", Action.REGISTRATION_ADDED, "today",
     lambda w, c, app: c.post(f"/beheer/activiteiten/{w.today.id}/aanmeldingen/nieuw", data={
         "name": "Eva Nieuw", "email": "eva.nieuw@example.org", "privacy": "y",
         "language": "nl", "send_mail": "y"})),
    ("a walk-in at the desk", "volunteer", Action.REGISTRATION_ADDED, "roomy",
     lambda w, c, app: c.post(f"/balie/{w.roomy.id}/binnenloper", data={
         "name": "Wim Binnen", "email": "wim.binnen@example.org"})),
    ("a place given at the desk", "owner", Action.REGISTRATION_CHANGED, "today",
     lambda w, c, app: give_room(w.today, 3) or c.post(f"/balie/{w.today.id}/plaats/{w.id('Cas')}")),
    ("a place given from the waiting list", "owner", Action.REGISTRATION_CHANGED, "today",
     lambda w, c, app: c.post(f"/beheer/aanmeldingen/{w.id('Cas')}/plaats-geven")),
    ("moved on the waiting list", "owner", Action.REGISTRATION_CHANGED, "today",
     lambda w, c, app: c.post(f"/beheer/aanmeldingen/{w.id('Dirk')}/verplaatsen",
                              data={"position": "1"})),
    ("a registration cancelled", "owner", Action.REGISTRATION_CANCELLED, "today",
     lambda w, c, app: c.post(f"/beheer/aanmeldingen/{w.id('Bram')}/annuleren")),
    ("a link sent again", "admin", Action.LINK_RESENT, "today",
     lambda w, c, app: c.post(f"/beheer/aanmeldingen/{w.id('Anna')}/link-opnieuw",
                              data={"stop_earlier": "y"})),
    ("hours corrected", "owner", Action.HOURS_CORRECTED, "evening",
     lambda w, c, app: c.post(f"/beheer/activiteiten/{w.evening.event.id}/certificaten/"
                              f"{w.attendee.id}/uren", data={"hours": "1", "reason": "Later"})),
    ("a certificate revoked", "owner", Action.CERTIFICATE_REVOKED, "evening",
     lambda w, c, app: c.post(f"/beheer/certificaten/{a_certificate(w).id}/intrekken",
                              data={"reason": "Naam fout: Anna de Vries, anna.de.vries@example.org"})),
    ("a certificate reissued", "owner", Action.CERTIFICATE_REVOKED, "evening",
     lambda w, c, app: c.post(f"/beheer/certificaten/{a_certificate(w).id}/opnieuw")),
]  # fmt: skip


def lines() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


@pytest.mark.parametrize("what, actor, action, about, do", CASES, ids=[c[0] for c in CASES])
def test_each_action_on_personal_data_leaves_one_line(world, client, auth, app, what, actor,
                                                       action, about, do):  # fmt: skip
    user = world.users[actor]
    auth.login(user.email)
    before = {line.id for line in lines()}
    response = do(world, client, app)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    new = [line for line in lines() if line.id not in before]
    assert len(new) == 1, [(line.action, line.detail) for line in new]
    line = new[0]
    event = {"today": world.today, "roomy": world.roomy, "evening": world.evening.event}[about]
    assert (line.action, line.user_id, line.user_name) == (action, user.id, user.name)
    assert line.event_id == event.id
    assert line.detail and line.on_request_of == ""
    for said in PEOPLE + ["@", "example.org"]:
        assert said.casefold() not in line.detail.casefold(), (said, line.detail)


def test_an_action_that_is_refused_leaves_no_line(world, client, auth):
    """The line is written in the action's own transaction: what is rolled back, is not logged."""
    auth.login(world.users["owner"].email)
    response = client.post(f"/beheer/aanmeldingen/{world.id('Anna')}/plaats-geven")
    assert response.status_code == 409  # Anna has a place already
    assert lines() == []


def test_an_undo_with_nothing_to_undo_is_no_action(world):
    attendance.undo(world.id("Bram"), world.users["owner"])  # Bram was never checked in
    db.session.commit()
    assert lines() == []


def test_the_rules_called_without_an_organiser_log_nothing(world):
    """Scripts, the holder's own name correction and the tests call the rules without `by`:
    no organiser acted, so there is no line (and nothing breaks for want of one)."""
    registration.move_on_waitlist(world.id("Dirk"), 1)
    registration.promote_by_hand(world.id("Cas"))
    certificates.revoke(a_certificate(world), None, "Naam gecorrigeerd door de deelnemer.")
    db.session.commit()
    assert lines() == []


def test_correcting_hours_on_a_certificate_logs_the_correction_and_the_replaced_certificate(
    world, client, auth
):
    a_certificate(world)
    auth.login(world.users["owner"].email)
    client.post(f"/beheer/activiteiten/{world.evening.event.id}/certificaten/{world.attendee.id}/uren",
                data={"hours": "1", "reason": "Ging eerder weg"})  # fmt: skip
    assert [line.action for line in lines()] == [Action.HOURS_CORRECTED, Action.CERTIFICATE_REVOKED]
