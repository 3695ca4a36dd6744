"""Issuing, correcting, revoking and reissuing; who gets one and who does not."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.certificates import services
from app.certificates.models import Certificate
from app.errors import DomainError, StateConflict
from app.extensions import db
from app.timezones import utcnow


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate))


def test_one_certificate_with_the_net_hours_and_the_points_as_the_register_rules(evening):
    day = evening()
    certificate = services.issue(day.people["Anna"].id, day.owner)
    db.session.commit()
    assert certificate.hours == Decimal("1.50")  # two hours less the half hour of reception
    assert certificate.points == [
        {"register": "Registerplein", "accreditation_id": "RP-2026-118", "points": "2.0"},
        {"register": "SKJ", "accreditation_id": "SKJ-555", "points": "2.0"},
    ]
    assert certificate.holder_name == "Anna de Vries"
    assert certificate.register_numbers == {"Registerplein": "461012345"}
    assert services.issue(day.people["Anna"].id, day.owner).id == certificate.id  # never two
    assert count() == 1
    assert services.issue(day.people["Şükrü"].id).language == "en"


def test_nobody_absent_gets_one_and_nobody_before_the_end(evening):
    day = evening()
    with pytest.raises(StateConflict):
        services.issue(day.people["Bob"].id, day.owner)
    db.session.rollback()
    day.event.ends_at = utcnow() + timedelta(minutes=5)
    day.event.starts_at = day.event.ends_at - timedelta(hours=2)
    db.session.commit()
    with pytest.raises(StateConflict):
        services.issue(day.people["Anna"].id, day.owner)
    db.session.rollback()
    assert count() == 0


def test_a_cancelled_event_issues_nothing(evening):
    day = evening()
    # (An event is cancelled before it starts, so nobody was checked in; the rule holds anyway.)
    day.event.status = "cancelled"
    db.session.commit()
    with pytest.raises(StateConflict):
        services.issue(day.people["Anna"].id, day.owner)


def test_a_correction_with_its_reason_reissues_with_the_new_hours(evening):
    day = evening()
    first = services.issue(day.people["Anna"].id, day.owner)
    db.session.commit()
    with pytest.raises(DomainError):
        services.correct_hours(day.people["Anna"], Decimal("1"), "  ", day.owner)
    services.correct_hours(day.people["Anna"], Decimal("1.00"), "Ging om 20.30 weg", day.owner)
    db.session.commit()
    db.session.refresh(first)
    assert first.revoked_at is not None and first.replaced_by is not None
    new = first.replaced_by
    assert new.hours == Decimal("1.00") and new.number != first.number and new.is_valid
    # pro rata: 2 points × 1 h / 1.5 h
    assert {p["register"]: p["points"] for p in new.points} == {
        "Registerplein": "2.0",
        "SKJ": "1.3",
    }


def test_revoking_needs_a_reason_and_happens_once(evening):
    day = evening()
    certificate = services.issue(day.people["Anna"].id, day.owner)
    with pytest.raises(DomainError):
        services.revoke(certificate, day.owner, "")
    services.revoke(certificate, day.owner, "Dubbel uitgegeven")
    with pytest.raises(StateConflict):
        services.revoke(certificate, day.owner, "nog eens")
    assert certificate.revoked_reason == "Dubbel uitgegeven"


@pytest.mark.parametrize("typed", ["1,5", "1.5", " 2 ", "0"])
def test_hours_are_typed_the_dutch_or_the_english_way(typed):
    assert services.parse_hours(typed) == Decimal(typed.strip().replace(",", ".")).quantize(
        Decimal("0.01")
    )


@pytest.mark.parametrize("typed", ["", "abc", "-1", "101", "NaN", "Infinity", "1e400"])
def test_nonsense_hours_are_refused(typed):
    with pytest.raises(DomainError):
        services.parse_hours(typed)


def test_no_link_reveals_a_certificate_for_someone_absent(evening, client):
    from app.registration.tokens import issue_manage_token

    day = evening()
    bob_token = issue_manage_token(day.people["Bob"])
    anna_token = issue_manage_token(day.people["Anna"])
    db.session.commit()
    assert client.get(f"/aanmelding/{bob_token}/certificaat").status_code == 409
    assert "Bewijs van deelname downloaden" not in client.get(f"/aanmelding/{bob_token}").get_data(
        as_text=True
    )
    assert count() == 0
    assert "Bewijs van deelname downloaden" in client.get(f"/aanmelding/{anna_token}").get_data(
        as_text=True
    )
    anna = client.get(f"/aanmelding/{anna_token}/certificaat")
    assert anna.status_code == 200 and anna.data.startswith(b"%PDF")
    assert anna.headers["Cache-Control"] == "no-store" and count() == 1
    assert client.get("/aanmelding/made-up-token/certificaat").status_code == 404


def test_a_name_corrected_through_the_manage_link_reissues(evening, client):
    from app.registration.tokens import issue_manage_token

    day = evening()
    anna = day.people["Anna"]
    first = services.issue(anna.id, day.owner)
    token = issue_manage_token(anna)
    db.session.commit()
    form = {"name": "Anna de Vries-Jansen", "organisation": "", "function": ""}
    for accreditation in day.event.accreditations:
        form[f"register_{accreditation.id}"] = (
            "461012345" if accreditation.register == "Registerplein" else ""
        )
    assert client.post(f"/aanmelding/{token}", data=form).status_code == 302
    db.session.expire_all()
    assert first.revoked_at is not None and first.replaced_by.holder_name == "Anna de Vries-Jansen"
    assert services.current_certificate(anna.id).id == first.replaced_by_id


def test_a_revoked_certificate_stays_revoked_until_an_organiser_reissues(evening, client, mailbox):
    from app.certificates import jobs
    from app.registration.tokens import issue_manage_token

    day = evening()
    anna = day.people["Anna"]
    certificate = services.issue(anna.id, day.owner)
    certificate.mailed_at = utcnow()
    services.revoke(certificate, day.owner, "Niet aanwezig geweest")
    token = issue_manage_token(anna)
    db.session.commit()
    assert client.get(f"/aanmelding/{token}/certificaat").status_code == 409  # not by her link
    with pytest.raises(StateConflict):
        services.issue(anna.id)  # nor by a send job
    db.session.rollback()
    job = jobs.start(day.event, "send", day.owner)  # a send job passes her by, and goes on
    db.session.commit()
    jobs.run_job(job.id)
    db.session.refresh(job)
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    assert services.current_certificate(anna.id) is None
    mailbox.clear()
    new = services.reissue(certificate, day.owner, "Toch aanwezig")
    db.session.commit()
    assert new.is_valid and new.mailed_at is not None  # she had the old one: she gets this one
    [mail] = mailbox.wait_for(1)
    assert new.number in mail.get_body(("plain",)).get_content()


def test_corrected_hours_stay_within_the_events_net_hours(evening, client, auth):
    day = evening()
    anna = day.people["Anna"]
    auth.login(day.owner.email)
    url = f"/beheer/activiteiten/{day.event.id}/certificaten/{anna.id}/uren"
    page = client.post(url, data={"hours": "15", "reason": "typo"}, follow_redirects=True)
    assert "tussen 0 en 1,5" in page.get_data(as_text=True)
    client.post(url, data={"hours": "1", "reason": "Ging eerder weg"})
    from app.certificates.attendance import attendance_of

    assert attendance_of(anna).hours == Decimal("1.00")
