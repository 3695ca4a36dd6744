"""Sending certificates in bulk and zipping them: progress kept on the job, safe to run
again (nobody gets two certificates or two mails), one unfinished job per event."""

from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa

from app.certificates import jobs
from app.certificates.models import Certificate, CertificateJob, JobKind
from app.extensions import db
from app.mail.models import OutboxMessage


def mails() -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "certificate"))
    )


def test_sending_twice_serves_everyone_present_once(evening, client, auth, mailbox):
    day = evening()
    auth.login(day.owner.email)
    for _ in range(2):
        assert (
            client.post(f"/beheer/activiteiten/{day.event.id}/certificaten/versturen").status_code
            == 302
        )
        jobs.runner().wait_until_idle(timeout=30)
    db.session.expire_all()
    [first, second] = db.session.scalars(
        sa.select(CertificateJob).order_by(CertificateJob.id)
    ).all()
    assert (first.status, first.done, first.total) == ("done", 2, 2)
    assert (second.status, second.done, second.total) == ("done", 2, 2)
    certificates = db.session.scalars(sa.select(Certificate)).all()
    assert sorted(c.holder_name for c in certificates) == ["Anna de Vries", "Şükrü Çelik"]
    assert len(mails()) == 2  # the second run mailed nobody again
    received = mailbox.wait_for(2 + 3)  # three registration mails before, two certificates
    to_anna = [m for m in received if "bewijs van deelname" in m["Subject"].lower()]
    english = [m for m in received if "certificate" in m["Subject"].lower()]
    assert len(to_anna) == 1 and len(english) == 1
    progress = client.get(
        f"/beheer/activiteiten/{day.event.id}/certificaten/taak/{first.id}.json"
    ).get_json()
    assert progress == {"kind": "send", "status": "done", "done": 2, "total": 2, "error": "",
                        "download": None}  # fmt: skip


def test_the_zip_holds_every_valid_certificate(evening, client, auth, tmp_path, app):
    app.config["CERTIFICATE_FILES_DIR"] = str(tmp_path)
    day = evening()
    auth.login(day.owner.email)
    client.post(f"/beheer/activiteiten/{day.event.id}/certificaten/zip")
    jobs.runner().wait_until_idle(timeout=30)
    db.session.expire_all()
    job = jobs.latest(day.event, JobKind.ZIP)
    assert job.status == "done" and job.done == job.total == 2
    state = client.get(
        f"/beheer/activiteiten/{day.event.id}/certificaten/taak/{job.id}.json"
    ).get_json()
    response = client.get(state["download"])
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(names) == 2 and all(n.startswith("bewijs-van-deelname-KA-") for n in names)
    assert mails() == []  # a ZIP mails nobody


def test_before_the_end_nothing_starts(make_event, make_user, client, auth):
    owner = make_user()
    event = make_event(owner=owner)
    auth.login(owner.email)
    response = client.post(f"/beheer/activiteiten/{event.id}/certificaten/versturen")
    assert response.status_code == 302
    assert "pas na afloop" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CertificateJob)) == 0
