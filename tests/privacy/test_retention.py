"""Retention anonymises what the registry says, when each event's period has passed, and keeps
the counts and what verifies an issued certificate."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.agenda import services as agenda
from app.agenda.models import SessionChoice
from app.attendance.codes import issue_code
from app.attendance.models import CheckIn, CheckInCode
from app.calendar.models import FeedToken
from app.calendar.tokens import issue_feed_token
from app.certificates import services as certificates
from app.certificates.models import HoursCorrection
from app.extensions import db
from app.mail.models import OutboxMessage
from app.privacy.registry import BY_TABLE, Treatment, empty_value
from app.privacy.retention import ANONYMOUS_DOMAIN, apply_retention
from app.registration import consents
from app.registration.models import ManageToken, Participant, Registration
from app.timezones import utcnow

MONTH = timedelta(days=31)


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def columns(row) -> dict:
    return {c.name: getattr(row, c.key) for c in row.__table__.columns}


def stats(event_id: int) -> dict:
    """What the organisers' statistics read: registrations per status, choices per workshop,
    check-ins."""
    by_status = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.event_id == event_id).group_by(Registration.status)
    ).all()  # fmt: skip
    per_session = db.session.execute(
        sa.select(SessionChoice.session_id, SessionChoice.status, sa.func.count())
        .join(Registration).where(Registration.event_id == event_id)
        .group_by(SessionChoice.session_id, SessionChoice.status)
    ).all()  # fmt: skip
    check_ins = count(CheckIn, CheckIn.registration_id.in_(
        sa.select(Registration.id).where(Registration.event_id == event_id)))  # fmt: skip
    return {"status": sorted(by_status), "sessions": sorted(per_session), "check_ins": check_ins}


def with_everything(day) -> Registration:
    """Anna with a workshop, answers, consents, a check-in code, a feed link, an hours
    correction and a certificate."""
    anna = day.people["Anna"]
    anna.organisation, anna.function, anna.dietary_needs = "Gemeente Tiel", "Coach", "Vegan"
    anna.answers = {"1": "Ja"}
    consents.record_from_form(anna, newsletter=False, photos=True)
    workshop = agenda.add_session(day.event, {"kind": "workshop", "title": "W",
                                              "starts_at": day.event.starts_at,
                                              "ends_at": day.event.ends_at})  # fmt: skip
    db.session.add(SessionChoice(registration=anna, session=workshop, status="confirmed"))
    db.session.add(HoursCorrection(registration_id=anna.id, hours=Decimal("1.5"),
                                   reason="Kwam later door ziekte kind", made_by_id=day.owner.id))  # fmt: skip
    issue_code(anna)
    issue_feed_token(anna.participant)
    db.session.commit()
    return anna


def test_retention_blanks_exactly_the_registrys_fields_and_keeps_the_counts(evening):
    day = evening()
    anna = with_everything(day)
    certificate = certificates.issue(anna.id, day.owner)
    db.session.commit()
    before, counted = columns(anna), stats(day.event.id)
    email = anna.participant.email
    assert count(ManageToken, ManageToken.registration_id == anna.id)
    assert count(OutboxMessage, OutboxMessage.event_id == day.event.id)

    counts = apply_retention(now=utcnow() + 13 * MONTH)
    db.session.commit()
    db.session.expire_all()

    after = columns(db.session.get(Registration, anna.id))
    entry = BY_TABLE["registrations"]
    for column, how in entry.fields.items():
        if how == Treatment.BLANK:
            assert after[column] == empty_value("registrations", column), column
    assert after["participant_id"] != before["participant_id"]
    untouched = set(before) - set(entry.fields) - {"updated_at"}
    assert {c: after[c] for c in untouched} == {c: before[c] for c in untouched}
    assert stats(day.event.id) == counted
    assert counts["registrations"] == 3 and counts["certificates"] == 0

    assert count(Participant, Participant.email == email) == 0
    assert count(Participant, Participant.name != "") == 0
    assert count(FeedToken) == 0
    assert count(OutboxMessage, OutboxMessage.event_id == day.event.id) == 0
    assert count(ManageToken) == count(CheckInCode) == 0
    assert db.session.scalars(sa.select(HoursCorrection.reason)).all() == [""]
    kept = columns(db.session.get(type(certificate), certificate.id))
    assert kept["holder_name"] == "Anna de Vries"
    assert kept["register_numbers"] == {"Registerplein": "461012345"}


def test_certificate_verification_still_shows_the_holder_after_anonymising(evening, client):
    day = evening()
    certificate = certificates.issue(day.people["Anna"].id, day.owner)
    db.session.commit()
    apply_retention(now=utcnow() + 13 * MONTH)
    db.session.commit()
    assert db.session.get(Registration, day.people["Anna"].id).name == ""
    page = client.get(f"/certificaat/{certificate.number}").get_data(as_text=True)
    assert "Geldig" in page and "Anna de Vries" in page and "1,5" in page
    data = client.get(
        f"/certificaat/{certificate.number}", headers={"Accept": "application/json"}
    ).get_json()
    assert data["status"] == "valid" and data["holder"] == "Anna de Vries"


def test_after_the_certificate_period_it_exists_without_the_holders_data(evening, client, app):
    day = evening()
    certificate = certificates.issue(day.people["Anna"].id, day.owner)
    db.session.commit()
    years = app.config["PRIVACY_CERTIFICATE_YEARS"]
    assert apply_retention(now=utcnow() + timedelta(days=365 * years - 3))["certificates"] == 0
    assert apply_retention(now=utcnow() + timedelta(days=365 * years + 3))["certificates"] == 1
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(type(certificate), certificate.id)
    assert kept.holder_name == "" and kept.register_numbers == {}
    page = client.get(f"/certificaat/{certificate.number}").get_data(as_text=True)
    assert "Niet meer bewaard" in page and "Anna de Vries" not in page


def test_events_within_their_period_are_untouched(evening, make_event, register):
    day = evening()
    later = register(make_event(starts_in=3 * MONTH), "Anna de Vries")  # the same person, later
    snapshot = {r.id: columns(r) for r in db.session.scalars(sa.select(Registration))}

    counts = apply_retention(now=utcnow() + 11 * MONTH)  # within the default 12 months
    db.session.commit()
    db.session.expire_all()
    assert counts["registrations"] == 0
    assert {r.id: columns(r) for r in db.session.scalars(sa.select(Registration))} == snapshot

    apply_retention(now=utcnow() + 13 * MONTH)  # the evening has passed, the coming one not
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, later.id).participant.email == "anna.de.vries@example.org"
    assert db.session.get(Registration, day.people["Anna"].id).name == ""


def test_an_events_own_period_overrides_the_default(evening):
    short, long = evening(), evening()
    short.event.retention_months, long.event.retention_months = 2, 36
    db.session.commit()
    apply_retention(now=utcnow() + 3 * MONTH)
    db.session.commit()
    names = dict(db.session.execute(
        sa.select(Registration.event_id, sa.func.max(Registration.name)).group_by(Registration.event_id)
    ).all())  # fmt: skip
    assert names[short.event.id] == "" and names[long.event.id] != ""
    assert apply_retention(now=utcnow() + 13 * MONTH)["registrations"] == 0  # long keeps 36
    assert apply_retention(now=utcnow() + 37 * MONTH)["registrations"] == 3


def test_running_it_twice_changes_nothing_the_second_time(evening):
    day = evening()
    with_everything(day)
    later = utcnow() + 13 * MONTH
    first = apply_retention(now=later)
    db.session.commit()
    snapshot = {r.id: columns(r) for r in db.session.scalars(sa.select(Registration))}
    second = apply_retention(now=later)
    db.session.commit()
    assert first["registrations"] == 3 and first["participants"] == 3
    assert set(second.values()) == {0}
    assert {r.id: columns(r) for r in db.session.scalars(sa.select(Registration))} == snapshot


def test_the_command_reports_counts_and_purge_says_it_is_replaced(runner, make_event):
    result = runner.invoke(args=["privacy", "apply-retention"])
    assert result.exit_code == 0 and "anonymised 0 registrations" in result.output
    old = runner.invoke(args=["privacy", "purge", "--days", "730"])
    assert old.exit_code == 0 and "replaced by `privacy apply-retention`" in old.output


def test_organiser_pages_of_an_anonymised_event_work_and_show_no_one(evening, client, auth):
    day = evening()
    anna = with_everything(day)
    apply_retention(now=utcnow() + 13 * MONTH)
    db.session.commit()
    auth.login(day.owner.email)
    event = day.event.id
    for url in (f"/beheer/activiteiten/{event}/aanmeldingen", f"/beheer/aanmeldingen/{anna.id}",
                f"/beheer/activiteiten/{event}/aanmeldingen.csv",
                f"/beheer/activiteiten/{event}/certificaten"):  # fmt: skip
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for personal in ("Anna", "anna.de.vries", "Gemeente Tiel", "461012345", "Vegan"):
            assert personal not in text, (url, personal)


def test_the_organisers_list_says_data_erased_not_a_placeholder_address(evening, client, auth):
    day = evening()
    apply_retention(now=utcnow() + 13 * MONTH)
    db.session.commit()
    auth.login(day.owner.email)
    page = client.get(f"/beheer/activiteiten/{day.event.id}/aanmeldingen").get_data(as_text=True)
    assert page.count("Gegevens gewist") == 3 and ANONYMOUS_DOMAIN not in page
