"""Bulk runs for an event: issue and mail every certificate not yet sent, or put them all in
one ZIP. A job records its progress in its row (done / total), so any organiser's page shows
it, also after a reload; it runs in RQ when Redis is configured, else in a thread of the web
process. Running one again is safe: nobody gets a second certificate or a second mail."""

from __future__ import annotations

import logging
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import User
from app.certificates import attendance, documents, services
from app.certificates.models import Certificate, CertificateJob, JobKind
from app.certificates.notifications import certificate_ready
from app.errors import StateConflict
from app.extensions import db
from app.locking import lock_row
from app.mail.background import BackgroundSender
from app.privacy import audit
from app.programme.models import Event
from app.timezones import utcnow

log = logging.getLogger(__name__)

# A job still "running" this long after it started died with its process: start afresh.
STALE_AFTER = timedelta(minutes=30)
PROGRESS_EVERY = 5  # certificates between progress commits of a ZIP job


def start(event: Event, kind: str, by: User) -> CertificateJob:
    """The event's unfinished job of this kind, or a new one (hand it on after the commit)."""
    services.ensure_may_issue_for(event)
    lock_row(Event, event.id)  # two organisers pressing at once start one job
    running = db.session.scalar(
        sa.select(CertificateJob).where(CertificateJob.event_id == event.id,
                                        CertificateJob.kind == kind,
                                        CertificateJob.status.in_(("queued", "running")))
        .order_by(CertificateJob.id.desc()))  # fmt: skip
    if running is not None and utcnow() - running.created_at < STALE_AFTER:
        return running
    if running is not None:
        running.status, running.error = "failed", "stopped: its process ended"
    job = CertificateJob(event_id=event.id, kind=kind, started_by_id=by.id)
    db.session.add(job)
    db.session.flush()
    if kind == JobKind.SEND:  # (the ZIP's download is what the log records of that job)
        audit.record(audit.Action.MESSAGE, by=by, event=event,
                     detail=f"certificaten versturen, taak #{job.id}")  # fmt: skip
    return job


def latest(event: Event, kind: str) -> CertificateJob | None:
    return db.session.scalar(
        sa.select(CertificateJob).where(CertificateJob.event_id == event.id,
                                        CertificateJob.kind == kind)
        .order_by(CertificateJob.id.desc()).limit(1))  # fmt: skip


def hand_on(job: CertificateJob) -> None:
    """After the commit: to RQ, or to this process's job thread."""
    if current_app.config["CERTIFICATE_JOBS"] == "rq":
        current_app.extensions["rq"].queue.enqueue(run_job, job.id, job_timeout=3600)
    else:
        runner().submit([job.id])


_runner_lock = threading.Lock()


def runner() -> BackgroundSender:
    app = current_app._get_current_object()
    with _runner_lock:
        if "certificate_runner" not in app.extensions:
            app.extensions["certificate_runner"] = BackgroundSender(app, run_jobs)
        return app.extensions["certificate_runner"]


def run_jobs(ids: list[int], stop: threading.Event | None = None) -> None:
    for job_id in ids:
        run_job(job_id)


def run_job(job_id: int) -> None:
    """Run one job to the end; a failure is recorded on the job, never raised."""
    job = db.session.get(CertificateJob, job_id)
    if job is None or job.finished:
        return
    job.status = "running"
    db.session.commit()
    try:
        if job.kind == JobKind.SEND:
            _send(job)
        else:
            _zip(job)
        job.status = "done"
    except Exception as error:  # noqa: BLE001 - shown on the organiser's page
        log.exception("Certificate job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(CertificateJob, job_id)
        job.status, job.error = "failed", f"{type(error).__name__}: {error}"[:500]
    job.finished_at = utcnow()
    db.session.commit()


def _send(job: CertificateJob) -> None:
    event = db.session.get(Event, job.event_id)
    people = [p.registration.id for p in attendance.event_attendance(event).people]
    job.total, job.done = len(people), 0
    db.session.commit()
    for registration_id in people:
        try:
            certificate = services.issue(registration_id)  # takes the registration's lock
        except StateConflict:  # revoked by an organiser: it stays so, and nobody is mailed
            db.session.rollback()
            certificate = None
        if certificate is not None and certificate.mailed_at is None:
            certificate_ready(certificate.registration, certificate)
            certificate.mailed_at = utcnow()
        job.done += 1
        db.session.commit()  # one person at a time: a crash leaves the rest for a re-run


def zip_path(job: CertificateJob) -> Path:
    return Path(current_app.config["CERTIFICATE_FILES_DIR"]) / job.file_name


def _zip(job: CertificateJob) -> None:
    event = db.session.get(Event, job.event_id)
    served = set(db.session.scalars(sa.select(Certificate.registration_id).where(
        Certificate.event_id == event.id, Certificate.revoked_at.is_(None))))  # fmt: skip
    for person in attendance.event_attendance(event).people:
        if person.registration.id not in served:
            try:
                services.issue(person.registration.id)  # the ones not issued yet (no mail)
                db.session.commit()
            except StateConflict:  # revoked: not in the ZIP
                db.session.rollback()
    ids = db.session.scalars(
        sa.select(Certificate.id).where(Certificate.event_id == event.id,
                                        Certificate.revoked_at.is_(None))
        .order_by(Certificate.holder_name, Certificate.id)).all()  # fmt: skip
    job.total, job.done = len(ids), 0
    job.file_name = f"certificaten-{event.slug}-{job.id}.zip"
    db.session.commit()
    folder = Path(current_app.config["CERTIFICATE_FILES_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    look = documents.look()  # once per job, not per certificate
    partial = zip_path(job).with_suffix(".part")
    # PDFs are compressed inside already: stored, not deflated again.
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, certificate_id in enumerate(ids, start=1):
            certificate = db.session.get(Certificate, certificate_id)
            archive.writestr(documents.file_name(certificate), documents.pdf(certificate, look))
            if index % PROGRESS_EVERY == 0 or index == len(ids):
                job.done = index
                db.session.commit()
    partial.replace(zip_path(job))  # only a finished ZIP is ever offered
