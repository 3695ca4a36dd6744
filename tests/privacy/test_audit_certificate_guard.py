"""An anonymised registration (its retention period passed, or the person had it erased) never
gets a certificate: not issued, not reissued, not by the bulk run, not from the organiser's
page. One that was issued before stays as it was, verifiable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.certificates import jobs
from app.certificates import services as certificates
from app.certificates.models import Certificate, JobKind
from app.errors import StateConflict
from app.extensions import db
from app.privacy.retention import anonymise


def certificates_of(registration) -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.registration_id == registration.id)))  # fmt: skip


def anonymised(registration):
    anonymise([registration])
    db.session.commit()
    assert registration.participant.email.endswith("@anoniem.invalid")
    return registration


def test_an_anonymised_registration_gets_no_certificate(evening):
    day = evening()
    anna = anonymised(day.people["Anna"])
    with pytest.raises(StateConflict, match="geen gegevens meer"):
        certificates.issue(anna.id, day.owner)
    db.session.rollback()
    assert certificates_of(anna) == []
    # Şükrü, there too and not anonymised, still gets hers: the rule is about the person.
    assert certificates.issue(day.people["Şükrü"].id, day.owner).number


def test_a_certificate_issued_before_is_not_reissued_and_stays_valid(evening):
    day = evening()
    certificate = certificates.issue(day.people["Anna"].id, day.owner)
    db.session.commit()
    anonymised(day.people["Anna"])
    with pytest.raises(StateConflict, match="geen gegevens meer"):
        certificates.reissue(certificate, day.owner, "Nieuwe naam")
    db.session.rollback()
    [kept] = certificates_of(day.people["Anna"])
    assert kept.revoked_at is None and kept.replaced_by_id is None
    assert certificates.by_number(kept.number).holder_name == "Anna de Vries"


def test_the_organisers_button_says_why_and_issues_nothing(evening, client, auth):
    day = evening()
    anna = anonymised(day.people["Anna"])
    auth.login(day.owner.email)
    response = client.post(
        f"/beheer/activiteiten/{day.event.id}/certificaten/{anna.id}/uitgeven",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Van deze aanmelding zijn geen gegevens meer" in response.get_data(as_text=True)
    assert certificates_of(anna) == []


def test_the_bulk_run_passes_an_anonymised_registration_by(evening, app):
    day = evening()
    anna = anonymised(day.people["Anna"])
    job = jobs.start(day.event, JobKind.SEND, day.owner)
    db.session.commit()
    jobs.run_job(job.id)
    db.session.expire_all()
    assert db.session.get(type(job), job.id).status == "done"
    assert certificates_of(anna) == []
    assert len(certificates_of(day.people["Şükrü"])) == 1
